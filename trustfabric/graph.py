"""The ResourceGraph: everything one run of a Pulumi program declared, as data.

The engine builds it once; the gate, the checkov bridge, the differ and every reporter read it, and nothing
re-runs the program. Property values are kept in the Pulumi wire form (the JSON of the gRPC `Struct` the SDK sent
to the engine), so unknown values (not computed during a preview), secrets and resource references keep their
identity all the way to the policies, exactly as the real engine hands them to an analyzer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# Signatures of the Pulumi wire format (sdk/go/common/resource/properties.go).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"

STACK_TYPE = "pulumi:pulumi:Stack"


class Unknown:
    """Marks a value not known until the resource is created (a preview's "computed")."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN_VALUE = Unknown()


def plain(value: Any) -> Any:
    """The wire form read as plain Python: secrets unwrapped, unknowns as UNKNOWN_VALUE, refs as their urn."""
    if isinstance(value, str):
        return UNKNOWN_VALUE if value == UNKNOWN else value
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG:
            return plain(value.get("value"))
        if sig == RESOURCE_REF_SIG:
            return value.get("urn", "")
        if sig == OUTPUT_SIG:
            return plain(value["value"]) if "value" in value else UNKNOWN_VALUE
        return {key: plain(item) for key, item in value.items()}
    return value


def contains_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    return False


def redact_secrets(value: Any) -> Any:
    """The wire form with every secret's value replaced, for output a reviewer may paste anywhere."""
    if isinstance(value, list):
        return [redact_secrets(item) for item in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return {SIG_KEY: SECRET_SIG, "value": "[secret]"}
        if value.get(SIG_KEY) == OUTPUT_SIG and value.get("secret") is True:
            # An output value marked secret: its value redacted whole, its other fields (dependencies) kept.
            return {key: ("[secret]" if key == "value" else item) for key, item in value.items()}
        return {key: redact_secrets(item) for key, item in value.items()}
    return value


SECRET_MASK = "[secret]"
"""What a masked secret's strings become (`mask_secrets`)."""


def mask_secrets(value: Any) -> Any:
    """The wire form with every secret's strings masked, its structure, unknowns and signatures kept (so a masked
    graph bridges to the same plan): the form a gate run is stored in (trustfabric.gate.cache)."""
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG or (sig == OUTPUT_SIG and value.get("secret") is True):
            return {key: (_masked(item) if key == "value" else item) for key, item in value.items()}
        return {key: mask_secrets(item) for key, item in value.items()}
    return value


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return value if value == UNKNOWN else SECRET_MASK
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: (item if key == SIG_KEY else _masked(item)) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class SourceLocation:
    """A line of the program's source: `file` relative to the program dir (POSIX separators), `line` 1-based."""

    file: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceLocation:
        return cls(file=str(data["file"]), line=int(data["line"]))


def _location(data: Any) -> SourceLocation | None:
    return SourceLocation.from_dict(data) if isinstance(data, Mapping) else None


@dataclass
class Resource:
    """One declared resource (custom or component, providers included)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None = None
    provider: str | None = None
    """URN of the explicit provider resource; None when the default provider is used."""
    region: str | None = None
    """AWS region: the explicit provider's `region`, else the stack's `aws:region`; None for non-AWS types."""
    id: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    """Inputs in wire form (see module docstring)."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """Component outputs registered with register_outputs, in wire form."""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    """protect, ignore_changes, delete_before_replace, additional_secret_outputs, retain_on_delete, ..."""
    source: SourceLocation | None = None
    """The line that declares the resource."""
    call_site: SourceLocation | None = None
    """The program-level line that called into the component that declared it; None when declared directly."""

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def package(self) -> str:
        if self.is_provider:
            return self.type.split(":")[2]
        return self.type.split(":", 1)[0]

    @property
    def props(self) -> dict[str, Any]:
        """Inputs as plain Python (secrets unwrapped, unknowns as UNKNOWN_VALUE)."""
        return plain(self.inputs)

    @property
    def tags(self) -> dict[str, Any]:
        """AWS tags (or Kubernetes metadata labels) as plain values; {} when none or unknown."""
        props = self.props
        tags = props.get("tags")
        if isinstance(tags, dict):
            return tags
        metadata = props.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("labels"), dict):
            return metadata["labels"]
        return {}

    def to_dict(self, *, mask: bool = False) -> dict[str, Any]:
        """The resource as plain data. By default the snapshot form: each secret redacted whole, dependencies
        sorted. With `mask`, the stored form (trustfabric.gate.cache): each secret's strings masked with its
        structure kept (`mask_secrets`), dependencies in the order recorded. No secret value is in either."""
        if mask:
            inputs, outputs = mask_secrets(self.inputs), mask_secrets(self.outputs)
            dependencies = list(self.dependencies)
            by_property = {key: list(value) for key, value in self.property_dependencies.items()}
        else:
            inputs, outputs = redact_secrets(self.inputs), redact_secrets(self.outputs)
            dependencies = sorted(self.dependencies)
            by_property = {key: sorted(value) for key, value in sorted(self.property_dependencies.items())}
        data: dict[str, Any] = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "parent": self.parent,
            "provider": self.provider,
            "region": self.region,
            "id": self.id,
            "inputs": inputs,
            "outputs": outputs,
            "dependencies": dependencies,
            "property_dependencies": by_property,
            "options": self.options,
        }
        # Only when known: graphs recorded without source locations keep their exact shape.
        if self.source is not None:
            data["source"] = self.source.to_dict()
        if self.call_site is not None:
            data["call_site"] = self.call_site.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Resource:
        return cls(
            urn=data["urn"],
            type=data["type"],
            name=data["name"],
            custom=bool(data.get("custom", True)),
            parent=data.get("parent"),
            provider=data.get("provider"),
            region=data.get("region"),
            id=data.get("id", ""),
            inputs=dict(data.get("inputs", {})),
            outputs=dict(data.get("outputs", {})),
            dependencies=list(data.get("dependencies", [])),
            property_dependencies={k: list(v) for k, v in data.get("property_dependencies", {}).items()},
            options=dict(data.get("options", {})),
            source=_location(data.get("source")),
            call_site=_location(data.get("call_site")),
        )


@dataclass
class ResourceGraph:
    """Every resource one run of a program declared, keyed by URN, plus the stack's outputs and config."""

    project: str
    stack: str
    program_dir: str = ""
    resources: dict[str, Resource] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    """The stack's config as the program saw it (secret values redacted)."""
    stack_urn: str = ""

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources.values())

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, urn: str) -> Resource | None:
        return self.resources.get(urn)

    @property
    def custom_resources(self) -> list[Resource]:
        """Resources a provider manages (providers themselves excluded)."""
        return [r for r in self if r.custom and not r.is_provider]

    def of_type(self, *types: str) -> list[Resource]:
        wanted = set(types)
        return [r for r in self if r.type in wanted]

    def children(self, urn: str) -> list[Resource]:
        return [r for r in self if r.parent == urn]

    def ancestors(self, resource: Resource) -> list[Resource]:
        chain = []
        parent = self.resources.get(resource.parent or "")
        while parent is not None:
            chain.append(parent)
            parent = self.resources.get(parent.parent or "")
        return chain

    def type_counts(self) -> Counter[str]:
        return Counter(r.type for r in self.custom_resources)

    def to_dict(self, *, mask: bool = False) -> dict[str, Any]:
        """The graph as plain data: by default the snapshot form (resources by URN, secrets redacted); with
        `mask`, the stored form (resources in the order declared, secrets masked, program dir and stack URN)."""
        if mask:
            return {
                "project": self.project,
                "stack": self.stack,
                "program_dir": self.program_dir,
                "stack_urn": self.stack_urn,
                "resources": [resource.to_dict(mask=True) for resource in self.resources.values()],
                "outputs": mask_secrets(self.outputs),
                "config": self.config,
            }
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": [self.resources[urn].to_dict() for urn in sorted(self.resources)],
            "outputs": redact_secrets(dict(sorted(self.outputs.items()))),
            "config": dict(sorted(self.config.items())),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResourceGraph:
        graph = cls(project=data["project"], stack=data["stack"])
        for item in data.get("resources", []):
            resource = Resource.from_dict(item)
            graph.resources[resource.urn] = resource
        graph.outputs = dict(data.get("outputs", {}))
        graph.config = dict(data.get("config", {}))
        return graph
