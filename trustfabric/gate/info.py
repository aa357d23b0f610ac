"""A policy's metadata as one typed record, built in one place from the policy object.

The pack's policies (`policies/base.py`) carry `policy.meta` (a PolicyMeta: id, name, description, severity,
topics, controls by framework, remediation, enforcement, config schema, floors) and `policy.resource_types` (a
frozenset of type tokens, or None); the registry adds `policy.module`. A bare `pulumi_policy` object has none
of these: its record is filled from the SDK's own fields (description, severity, tags, config_schema,
remediation_steps, url) with fewer details. The gate, the catalog, SARIF and the evidence read this record and
nothing else of a policy's metadata.

The pack's contract on `resource_types`: a resource policy carrying a frozenset there validates only resources
of those types (its validate returns at once for any other type), so the gate may skip calling it for others.

Usage::

    from trustfabric.gate.info import policy_info

    info = policy_info(policy)
    print(info.name, info.severity, info.control_ids, info.resource_types)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..findings import ENFORCEMENT_LEVELS, SEVERITIES

DEFAULT_SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "mandatory"


@dataclass(frozen=True)
class PolicyInfo:
    """Everything the toolchain reads about a policy (or another checker's check), beside its code."""

    name: str
    """The CrossGuard policy name (or a checker's check id)."""
    description: str = ""
    id: str = ""
    """Our stable identifier (TF-AWS-KMS-001); empty for policies built without our metadata."""
    severity: str = DEFAULT_SEVERITY
    """One of findings.SEVERITIES."""
    topics: tuple[str, ...] = ()
    controls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Controls evidenced, by framework: {"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",)}."""
    remediation: str = ""
    enforcement: str = DEFAULT_ENFORCEMENT
    """The default enforcement level (one of findings.ENFORCEMENT_LEVELS)."""
    config_schema: Mapping[str, Any] | None = None
    """JSON schema `properties` of the policy's config; None when it takes no config."""
    config_required: tuple[str, ...] = ()
    floors: Mapping[str, Any] = field(default_factory=dict)
    """Unparsed floors by config property (see trustfabric.gate.floors)."""
    resource_types: frozenset[str] | None = None
    """The only types a resource policy validates; None: every type (or a stack policy)."""
    kind: str = "resource"
    """resource or stack."""
    module: str = ""
    url: str = ""

    @property
    def control_ids(self) -> tuple[str, ...]:
        """Controls as "FRAMEWORK ID" strings, in a stable order (the form findings carry)."""
        return tuple(f"{framework} {control}" for framework, ids in self.controls.items() for control in ids)

    def as_dict(self) -> dict[str, Any]:
        """The record as catalog data (JSON-serialisable), as docs/policies.md and the evidence read it."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "severity": self.severity,
            "topics": list(self.topics),
            "enforcement": self.enforcement,
            "kind": self.kind,
            "controls": {framework: list(ids) for framework, ids in self.controls.items()},
            "control_ids": list(self.control_ids),
            "remediation": self.remediation,
            "resource_types": sorted(self.resource_types) if self.resource_types is not None else None,
            "config_schema": dict(self.config_schema) if self.config_schema is not None else None,
            "config_required": list(self.config_required),
            "floors": dict(self.floors),
            "module": self.module,
            "url": self.url,
        }


def controls_by_framework(control_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """ "FRAMEWORK ID" strings back into controls by framework (the inverse of `PolicyInfo.control_ids`)."""
    grouped: dict[str, list[str]] = {}
    for key in control_ids:
        framework, _, control = key.partition(" ")
        grouped.setdefault(framework, []).append(control)
    return {framework: tuple(ids) for framework, ids in grouped.items()}


def _sdk_value(value: Any) -> Any:
    """An SDK enum's value (Severity.HIGH -> "high"), or the value itself."""
    return getattr(value, "value", value)


def _resource_types(policy: Any) -> frozenset[str] | None:
    types = getattr(policy, "resource_types", None)
    return types if isinstance(types, frozenset) else None


def policy_info(policy: Any) -> PolicyInfo:
    """The record of one policy object: from `policy.meta` when the pack built it, else the SDK's fields."""
    from pulumi_policy import StackValidationPolicy

    kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
    resource_types = _resource_types(policy) if kind == "resource" else None
    enforcement = _sdk_value(getattr(policy, "enforcement_level", None)) or DEFAULT_ENFORCEMENT
    module = str(getattr(policy, "module", "") or "")
    meta = getattr(policy, "meta", None)
    if meta is not None:
        return PolicyInfo(
            name=policy.name,
            description=meta.description,
            id=meta.id,
            severity=meta.severity if meta.severity in SEVERITIES else DEFAULT_SEVERITY,
            topics=tuple(meta.topics),
            controls={framework: tuple(ids) for framework, ids in meta.controls.items()},
            remediation=meta.remediation,
            enforcement=enforcement if enforcement in ENFORCEMENT_LEVELS else DEFAULT_ENFORCEMENT,
            config_schema=dict(meta.config_schema) if meta.config_schema is not None else None,
            config_required=tuple(meta.config_required),
            floors=dict(meta.floors),
            resource_types=resource_types,
            kind=kind,
            module=module,
            url=meta.url,
        )
    schema = getattr(policy, "config_schema", None)
    severity = _sdk_value(getattr(policy, "severity", None))
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        severity=severity if severity in SEVERITIES else DEFAULT_SEVERITY,
        topics=tuple(getattr(policy, "tags", None) or ()),
        remediation=str(getattr(policy, "remediation_steps", None) or ""),
        enforcement=enforcement if enforcement in ENFORCEMENT_LEVELS else DEFAULT_ENFORCEMENT,
        config_schema=dict(schema.properties or {}) if schema is not None else None,
        config_required=tuple(schema.required or ()) if schema is not None else (),
        resource_types=resource_types,
        kind=kind,
        module=module,
        url=str(getattr(policy, "url", None) or ""),
    )


def policy_infos(policies: Iterable[Any]) -> list[PolicyInfo]:
    """The records of several policies, in the given order."""
    return [policy_info(policy) for policy in policies]


__all__ = ["PolicyInfo", "controls_by_framework", "policy_info", "policy_infos"]
