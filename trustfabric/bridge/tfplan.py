"""ResourceGraph -> Terraform plan JSON, the shape `terraform show -json` writes and checkov's terraform_plan
runner reads.

Each pulumi-aws resource becomes one managed resource of its Terraform type (`types.terraform_type`), its inputs
turned into Terraform attributes: snake_case names, nested objects as one-element lists (Terraform blocks), the
names Pulumi pluralised for repeated blocks singular again (`rules` -> `rule`), integral numbers as ints. An
input that passes another resource's id, ARN or name through (`bucket=bucket.id`) becomes a reference in
`configuration` (`aws_s3_bucket.records.id`) and is left out of the planned values, as Terraform leaves a
not-yet-created resource's id unknown; so checkov's connection checks (bucket -> encryption configuration,
public access block, policy, logging, versioning) see the edge. Unknown values are left out too (listed in
`after_unknown`); secret strings are replaced by a placeholder and marked sensitive, so no secret is written
to disk. What cannot be mapped (other providers, components, providers, Kubernetes objects, which
`bridge.k8s` writes as manifests) is returned as `unmapped`, never dropped silently.

Usage::

    from trustfabric.bridge.tfplan import build_plan

    bridged = build_plan(graph)
    Path("plan.json").write_text(json.dumps(bridged.plan))
    bridged.addresses["aws_s3_bucket.uk-records-bucket"]   # -> the resource's URN
    for item in bridged.unmapped:
        print(item.type, item.name, item.reason)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..graph import SECRET_SIG, SIG_KEY, STACK_TYPE, UNKNOWN, UNKNOWN_VALUE, Resource, ResourceGraph, plain
from .types import TERRAFORM_PROVIDER, snake_case, terraform_type

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.8"
"""The Terraform release whose plan format we write (checkov only reads the shape)."""

SECRET_PLACEHOLDER = "[secret]"

MAP_ATTRIBUTES = frozenset(
    {
        "tags",
        "tags_all",
        "recovery_point_tags",
        "variables",
        "dimensions",
        "bound_claims",
        "labels",
        "annotations",
        "options",
        "parameters",
        "environment_variables",
        "default_tags",
    }
)
"""Attributes of Terraform map type: their keys are data, never renamed."""

PLURAL_BLOCKS = frozenset(
    {"log_publishing_options", "string_equals", "string_like", "string_not_equals", "string_not_like"}
)
"""Repeated blocks whose Terraform name is itself plural (Pulumi kept it; so do we)."""

_IDENTIFIER = re.compile(r"^[a-z][A-Za-z0-9]*$")
_OMIT = object()


@dataclass(frozen=True)
class Unmapped:
    """A resource the plan does not contain, and why."""

    urn: str
    type: str
    name: str
    reason: str


@dataclass
class BridgedPlan:
    """The plan document, where each address came from, and what was left out."""

    plan: dict[str, Any]
    addresses: dict[str, str] = field(default_factory=dict)
    """Terraform address -> Pulumi URN."""
    unmapped: list[Unmapped] = field(default_factory=list)

    @property
    def resource_count(self) -> int:
        return len(self.addresses)


def singular(name: str) -> str:
    """Undo Pulumi's pluralisation of a repeated block name (`rules` -> `rule`, `policies` -> `policy`)."""
    if name in PLURAL_BLOCKS or not name.endswith("s") or name.endswith("ss"):
        return name
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    return name[:-1]


def address_name(name: str) -> str:
    """A Pulumi logical name as a Terraform identifier (letters, digits, `_`, `-`; not starting with a digit)."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", name) or "resource"
    return cleaned if re.match(r"^[A-Za-z_]", cleaned) else f"r_{cleaned}"


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def _contains_secret(value: Any) -> bool:
    if _is_secret(value):
        return True
    if isinstance(value, list):
        return any(_contains_secret(item) for item in value)
    if isinstance(value, dict):
        return any(_contains_secret(item) for item in value.values())
    return False


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return SECRET_PLACEHOLDER
    if isinstance(value, list):
        return [_redact(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item) for key, item in value.items()}
    return value


def convert_value(value: Any, key: str = "", *, in_map: bool = False) -> Any:
    """One wire-form input value as a Terraform plan value (`_OMIT` for unknowns); see the module docstring."""
    if isinstance(value, str):
        return _OMIT if value == UNKNOWN else value
    if value is UNKNOWN_VALUE:
        return _OMIT
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        items = [_list_item(item, key, in_map) for item in value]
        return [item for item in items if item is not _OMIT]
    if isinstance(value, dict):
        if SIG_KEY in value:
            if value[SIG_KEY] == SECRET_SIG:
                inner = convert_value(value.get("value"), key, in_map=in_map)
                return inner if inner is _OMIT else _redact(inner)
            if value.get("secret") is True:
                return _redact(convert_value(value.get("value", UNKNOWN), key, in_map=in_map))
            resolved = plain(value)
            return _OMIT if resolved is UNKNOWN_VALUE else convert_value(resolved, key, in_map=in_map)
        if in_map or key in MAP_ATTRIBUTES or not all(_IDENTIFIER.match(str(k)) for k in value):
            converted = {str(k): convert_value(v, str(k), in_map=True) for k, v in value.items()}
            return {k: v for k, v in converted.items() if v is not _OMIT}
        return [convert_object(value)]
    return value


def _list_item(item: Any, key: str, in_map: bool) -> Any:
    """An element of a list: an object stays one object (the list already is the repeated block)."""
    converted = convert_value(item, key, in_map=in_map)
    if isinstance(item, dict) and SIG_KEY not in item and isinstance(converted, list) and len(converted) == 1:
        return converted[0]
    return converted


def convert_object(obj: dict[str, Any]) -> dict[str, Any]:
    """An object of Pulumi inputs as Terraform attributes (snake_case; repeated blocks singular)."""
    attributes: dict[str, Any] = {}
    for raw_key, raw_value in obj.items():
        key = snake_case(str(raw_key))
        value = convert_value(raw_value, key)
        if value is _OMIT:
            continue
        if isinstance(raw_value, list) and value and all(isinstance(item, dict) for item in value):
            key = singular(key)
        attributes[key] = value
    return attributes


def _unknown_keys(inputs: dict[str, Any]) -> dict[str, bool]:
    return {snake_case(key): True for key, value in inputs.items() if value == UNKNOWN}


def _reference_attribute(value: Any, source: Resource) -> str | None:
    """Which attribute of `source` a passed-through input value is (`id`, `arn`, `name`), or None."""
    if not isinstance(value, str) or not value:
        return None
    if source.id and value == source.id:
        return "id"
    if value.startswith("arn:") and source.id and (value.endswith(source.id) or f"/{source.id}" in value):
        return "arn"
    name = plain(source.inputs.get("name"))
    if isinstance(name, str) and value == name:
        return "name"
    if value.startswith("arn:") and isinstance(name, str) and name and value.endswith(name):
        return "arn"
    return None


class _Addresses:
    """Unique Terraform addresses per type."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def allocate(self, tf_type: str, name: str) -> tuple[str, str]:
        base = address_name(name)
        candidate, counter = base, 1
        while f"{tf_type}.{candidate}" in self.taken:
            counter += 1
            candidate = f"{base}_{counter}"
        self.taken.add(f"{tf_type}.{candidate}")
        return f"{tf_type}.{candidate}", candidate


def _unmapped_reason(resource: Resource) -> str | None:
    """Why a resource is not in the plan, or None when it is (or is a Kubernetes object, handled elsewhere)."""
    if resource.type == STACK_TYPE:
        return "stack"
    if resource.is_provider:
        return "provider: its settings are not scanned"
    if not resource.custom:
        return "component: its children are scanned"
    if resource.package == "kubernetes":
        return None
    if terraform_type(resource.type) is None:
        return f"checkov has no checks for the {resource.package} provider; the bridge maps pulumi-aws"
    return None


def build_plan(graph: ResourceGraph) -> BridgedPlan:
    """The graph's AWS resources as a Terraform plan document (see the module docstring)."""
    addresses = _Addresses()
    by_urn: dict[str, tuple[str, str, str]] = {}
    unmapped: list[Unmapped] = []
    for resource in graph:
        reason = _unmapped_reason(resource)
        if reason is not None:
            if resource.type != STACK_TYPE:
                unmapped.append(Unmapped(resource.urn, resource.type, resource.name, reason))
            continue
        tf_type = terraform_type(resource.type)
        if tf_type is None:
            continue  # Kubernetes objects: bridge.k8s
        address, name = addresses.allocate(tf_type, resource.name)
        by_urn[resource.urn] = (address, tf_type, name)

    planned: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    configuration: list[dict[str, Any]] = []
    for urn, (address, tf_type, name) in by_urn.items():
        resource = graph.resources[urn]
        values = convert_object({k: v for k, v in resource.inputs.items() if v != UNKNOWN})
        after_unknown = _unknown_keys(resource.inputs)
        expressions: dict[str, Any] = {}
        for input_name, sources in resource.property_dependencies.items():
            key = snake_case(input_name)
            raw = plain(resource.inputs.get(input_name))
            references: list[str] = []
            for source_urn in sources:
                target = by_urn.get(source_urn)
                source = graph.get(source_urn)
                if target is None or source is None:
                    continue
                attribute = _reference_attribute(raw, source) if len(sources) == 1 else None
                if attribute is not None:
                    values.pop(key, None)
                    after_unknown[key] = True
                    references += [f"{target[0]}.{attribute}", target[0]]
                else:
                    references.append(target[0])
            if references:
                expressions[key] = {"references": list(dict.fromkeys(references))}
        raw_tags = values.get("tags")
        tags: dict[str, Any] = raw_tags if isinstance(raw_tags, dict) else {}
        default_tags = _provider_default_tags(graph, resource)
        if tags or default_tags:
            values["tags_all"] = {**default_tags, **tags}
        sensitive = {snake_case(k): True for k, v in resource.inputs.items() if _contains_secret(v)}
        common = {"address": address, "mode": "managed", "type": tf_type, "name": name}
        planned.append(
            {
                **common,
                "provider_name": TERRAFORM_PROVIDER,
                "schema_version": 0,
                "values": values,
                "sensitive_values": sensitive,
            }
        )
        changes.append(
            {
                **common,
                "provider_name": TERRAFORM_PROVIDER,
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": after_unknown,
                    "before_sensitive": False,
                    "after_sensitive": sensitive,
                },
            }
        )
        configuration.append({**common, "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})
    plan = {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": TERRAFORM_PROVIDER}},
            "root_module": {"resources": configuration},
        },
    }
    return BridgedPlan(
        plan=plan, addresses={address: urn for urn, (address, _, _) in by_urn.items()}, unmapped=unmapped
    )


def _provider_default_tags(graph: ResourceGraph, resource: Resource) -> dict[str, Any]:
    """The explicit provider's `default_tags.tags` (Pulumi passes provider inputs as JSON strings)."""
    provider = graph.get(resource.provider or "")
    if provider is None:
        return {}
    raw = plain(provider.inputs.get("defaultTags"))
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    tags = raw.get("tags") if isinstance(raw, dict) else None
    return {str(k): v for k, v in tags.items()} if isinstance(tags, dict) else {}


__all__ = ["FORMAT_VERSION", "BridgedPlan", "Unmapped", "address_name", "build_plan", "convert_object", "singular"]
