"""ResourceGraph -> Terraform plan JSON, the shape `terraform show -json` writes and checkov's terraform_plan
runner reads.

Each pulumi-aws resource becomes one managed resource of its Terraform type (`types.terraform_type`), its inputs
turned into Terraform attributes: snake_case names, nested objects as one-element lists (Terraform blocks), the
names Pulumi pluralised for repeated blocks singular again (`rules` -> `rule`), integral numbers as ints. An
input that passes another resource's id, ARN or name through (`bucket=bucket.id`) becomes a reference in
`configuration` (`aws_s3_bucket.records.id`) and is left out of the planned values, as Terraform leaves a
not-yet-created resource's id unknown; so checkov's connection checks (bucket -> encryption configuration,
public access block, policy, logging, versioning) see the edge; so does a resource passed whole (a resource
reference, as its id). Every other SDK value converts as `bridge.values` says: unknowns left out and listed in
`after_unknown`, secret strings replaced by a placeholder and marked sensitive (no secret is written to disk),
output values unwrapped, assets and archives by their path, uri or content hash, under the attribute Terraform
names them by (`ARCHIVE_ATTRIBUTES`: a Lambda function's `code` archive is Terraform's `filename`, and the
`source_code_hash` Terraform computes from it is unknown). What cannot be mapped (other providers, components, providers, Kubernetes objects, which
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

from ..graph import RESOURCE_REF_SIG, SIG_KEY, STACK_TYPE, Resource, ResourceGraph, plain
from .types import TERRAFORM_PROVIDER, snake_case, terraform_type
from .values import SECRET_PLACEHOLDER, convert_object, is_asset_or_archive, singular

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.8"
"""The Terraform release whose plan format we write (checkov only reads the shape)."""

ARCHIVE_ATTRIBUTES: dict[str, dict[str, tuple[str, str | None]]] = {
    "aws_lambda_function": {"code": ("filename", "source_code_hash")},
    "aws_lambda_layer_version": {"code": ("filename", "source_code_hash")},
    "aws_s3_object": {"source": ("source", None)},
    "aws_s3_bucket_object": {"source": ("source", None)},
}
"""Terraform type -> Pulumi asset/archive input -> (Terraform attribute, the hash attribute Terraform computes
when the program does not set it): pulumi-aws passes `code=pulumi.FileArchive(...)` as Terraform's `filename`."""


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


def address_name(name: str) -> str:
    """A Pulumi logical name as a Terraform identifier (letters, digits, `_`, `-`; not starting with a digit)."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", name) or "resource"
    return cleaned if re.match(r"^[A-Za-z_]", cleaned) else f"r_{cleaned}"


def _reference_attribute(wire: Any, source: Resource) -> str | None:
    """Which attribute of `source` a passed-through input value is (`id`, `arn`, `name`), or None."""
    if isinstance(wire, dict) and wire.get(SIG_KEY) == RESOURCE_REF_SIG:
        return "id" if wire.get("urn") == source.urn else None
    value = plain(wire)
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
        converted = convert_object(resource.inputs)
        values: dict[str, Any] = converted.value
        after_unknown: dict[str, Any] = dict(converted.unknown or {})
        sensitive: dict[str, Any] = dict(converted.sensitive or {})
        _archive_attributes(tf_type, resource.inputs, values, after_unknown)
        expressions: dict[str, Any] = {}
        for input_name, sources in resource.property_dependencies.items():
            key = snake_case(input_name)
            raw = resource.inputs.get(input_name)
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


def _archive_attributes(
    tf_type: str, inputs: dict[str, Any], values: dict[str, Any], after_unknown: dict[str, Any]
) -> None:
    """Move an asset or archive input to the attribute Terraform names it by, and mark the hash Terraform
    computes from it unknown when the program does not set one."""
    for input_key, (attribute, hash_attribute) in ARCHIVE_ATTRIBUTES.get(tf_type, {}).items():
        raw = next((value for key, value in inputs.items() if snake_case(key) == input_key), None)
        if not is_asset_or_archive(raw) or input_key not in values:
            continue
        values[attribute] = values.pop(input_key)
        if hash_attribute is not None and hash_attribute not in values:
            after_unknown[hash_attribute] = True


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


__all__ = [
    "ARCHIVE_ATTRIBUTES",
    "FORMAT_VERSION",
    "SECRET_PLACEHOLDER",
    "BridgedPlan",
    "Unmapped",
    "address_name",
    "build_plan",
    "singular",
]
