"""What every policy module shares: its metadata record, the constructors of its policy, and (re-exported from
`policies.lib.props`) the helpers for reading resource arguments.

A policy module defines exactly one policy and exposes it as `POLICY` (a `pulumi_policy` object built with
`resource_policy` or `stack_policy` below) and its metadata as `META`. The metadata names every control the
policy evidences, by framework, and fills the SDK's own severity, framework, remediation_steps and url fields.

Usage (a whole policy module)::

    from pulumi_policy import ResourceValidationArgs

    from policies.base import PolicyMeta, ReportViolation, resource_policy

    META = PolicyMeta(
        id="TF-AWS-KMS-001",
        name="aws-kms-key-rotation-enabled",
        description="KMS customer-managed keys rotate their key material automatically.",
        severity="high",
        topics=("encryption", "key-management"),
        controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "CIS-AWS-3.0": ("3.6",)},
        remediation="Set enable_key_rotation=True on the aws.kms.Key.",
    )

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.props.get("enableKeyRotation") is not True:
            report_violation(f"KMS key '{args.name}' does not rotate; set enable_key_rotation=True.")

    POLICY = resource_policy(META, validate, resource_types=("aws:kms/key:Key",))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)
from pulumi_policy import ReportViolation as SdkReportViolation

from policies.lib.props import effective_tags, get, is_unknown, provider_default_tags, unknown_itself
from policies.lib.validation import ReportViolation, ResourceValidator, StackValidator

FRAMEWORKS = ("SOC2", "ISO27001:2022", "GDPR", "CIS-AWS-3.0", "CIS-K8S", "NIST-800-53")
SEVERITIES = {
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}
ENFORCEMENT = {
    "advisory": EnforcementLevel.ADVISORY,
    "mandatory": EnforcementLevel.MANDATORY,
    "remediate": EnforcementLevel.REMEDIATE,
    "disabled": EnforcementLevel.DISABLED,
}
DOCS_URL = "https://github.com/trust-fabric/trust-fabric/blob/main/docs/policies.md"


@dataclass(frozen=True)
class PolicyMeta:
    """Everything an auditor reads about a policy, beside the code that enforces it."""

    id: str
    """Stable identifier, e.g. TF-AWS-KMS-001."""
    name: str
    """vendor-service-resource-property, e.g. aws-kms-key-rotation-enabled; the CrossGuard policy name."""
    description: str
    """One sentence: what must hold."""
    severity: str
    """low, medium, high or critical."""
    topics: tuple[str, ...]
    controls: Mapping[str, tuple[str, ...]]
    """Controls evidenced, by framework (keys from FRAMEWORKS)."""
    remediation: str
    """One sentence: how to fix a violation."""
    enforcement: str = "mandatory"
    config_schema: Mapping[str, Any] | None = None
    """JSON schema `properties` of this policy's config, if it takes any."""
    config_required: tuple[str, ...] = ()
    floors: Mapping[str, Any] = field(default_factory=dict)
    """Config floors: loosening a property below its floor fails the policy's controls even if it passes."""

    @property
    def control_ids(self) -> tuple[str, ...]:
        """Controls as "FRAMEWORK ID" strings, in a stable order."""
        return tuple(f"{framework} {control}" for framework in self.controls for control in self.controls[framework])

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.name}"

    def framework(self) -> PolicyComplianceFramework:
        """The SDK's single framework field: the first framework we list (the full list is in `controls`)."""
        first = next(iter(self.controls))
        return PolicyComplianceFramework(
            name=first,
            version=first.split(":", 1)[1] if ":" in first else None,
            reference=", ".join(self.controls[first]),
            specification=None,
        )

    def sdk_fields(self) -> dict[str, Any]:
        schema = None
        if self.config_schema is not None:
            schema = PolicyConfigSchema(properties=dict(self.config_schema), required=list(self.config_required))
        return {
            "name": self.name,
            "description": self.description,
            "enforcement_level": ENFORCEMENT[self.enforcement],
            "config_schema": schema,
            "severity": SEVERITIES[self.severity],
            "framework": self.framework(),
            "tags": list(self.topics),
            "remediation_steps": self.remediation,
            "url": self.url,
        }


def resource_policy(
    meta: PolicyMeta, validate: ResourceValidator, resource_types: Iterable[str] | None = None
) -> ResourceValidationPolicy:
    """A CrossGuard resource policy carrying our metadata (`policy.meta`); filters by type when given.

    Contract: `policy.resource_types`, when not None, is every type `validate` looks at; a resource of another
    type returns at once without a report (the offline gate relies on it to skip such calls)."""
    types = frozenset(resource_types) if resource_types is not None else None

    def run(args: ResourceValidationArgs, report_violation: SdkReportViolation) -> Any:
        if types is not None and args.resource_type not in types:
            return None
        # The SDK's callback takes the urn as optional, as ReportViolation says; an async validator's coroutine
        # is awaited by the SDK.
        return validate(args, report_violation)  # type: ignore[arg-type]

    policy = ResourceValidationPolicy(validate=run, **meta.sdk_fields())
    policy.meta = meta  # type: ignore[attr-defined]
    policy.resource_types = types  # type: ignore[attr-defined]
    return policy


def stack_policy(meta: PolicyMeta, validate: StackValidator) -> StackValidationPolicy:
    """A CrossGuard stack policy carrying our metadata (`policy.meta`)."""
    policy = StackValidationPolicy(validate=validate, **meta.sdk_fields())  # type: ignore[arg-type]
    policy.meta = meta  # type: ignore[attr-defined]
    policy.resource_types = None  # type: ignore[attr-defined]
    return policy


__all__ = [
    "ENFORCEMENT",
    "FRAMEWORKS",
    "SEVERITIES",
    "PolicyMeta",
    "ReportViolation",
    "ResourceValidator",
    "StackValidator",
    "effective_tags",
    "get",
    "is_unknown",
    "provider_default_tags",
    "resource_policy",
    "stack_policy",
    "unknown_itself",
]
