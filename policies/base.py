"""What every policy module shares: its metadata record and helpers for reading resource arguments.

A policy module defines exactly one policy and exposes it as `POLICY` (a `pulumi_policy` object built with
`resource_policy` or `stack_policy` below) and its metadata as `META`. The metadata names every control the
policy evidences, by framework, and fills the SDK's own severity, framework, remediation_steps and url fields.

Usage (a whole policy module)::

    from policies.base import PolicyMeta, resource_policy, violation_resource_name

    META = PolicyMeta(
        id="TF-AWS-KMS-001",
        name="aws-kms-key-rotation-enabled",
        description="KMS customer-managed keys rotate their key material automatically.",
        severity="high",
        topics=("encryption", "key-management"),
        controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "CIS-AWS-3.0": ("3.6",)},
        remediation="Set enable_key_rotation=True on the aws.kms.Key.",
    )

    def validate(args, report_violation):
        if args.props.get("enableKeyRotation") is not True:
            report_violation(f"KMS key '{args.name}' does not rotate; set enable_key_rotation=True.")

    POLICY = resource_policy(META, validate, resource_types=("aws:kms/key:Key",))
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

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


ResourceValidator = Callable[[ResourceValidationArgs, ReportViolation], None]
StackValidator = Callable[[StackValidationArgs, ReportViolation], None]


def resource_policy(
    meta: PolicyMeta, validate: ResourceValidator, resource_types: Iterable[str] | None = None
) -> ResourceValidationPolicy:
    """A CrossGuard resource policy carrying our metadata (`policy.meta`); filters by type when given."""
    types = frozenset(resource_types) if resource_types is not None else None

    def run(args: ResourceValidationArgs, report_violation: ReportViolation) -> Any:
        if types is not None and args.resource_type not in types:
            return None
        return validate(args, report_violation)  # an async validator's coroutine is awaited by the SDK

    policy = ResourceValidationPolicy(validate=run, **meta.sdk_fields())
    policy.meta = meta  # type: ignore[attr-defined]
    policy.resource_types = types  # type: ignore[attr-defined]
    return policy


def stack_policy(meta: PolicyMeta, validate: StackValidator) -> StackValidationPolicy:
    """A CrossGuard stack policy carrying our metadata (`policy.meta`)."""
    policy = StackValidationPolicy(validate=validate, **meta.sdk_fields())
    policy.meta = meta  # type: ignore[attr-defined]
    policy.resource_types = None  # type: ignore[attr-defined]
    return policy


# ---------------------------------------------------------------------------------------------------------------
# Reading arguments. Properties arrive through the SDK's unknown-checking proxy: touching a value that is not
# known during a preview raises UnknownValueError. Helpers here let a policy ask first and decide.


def is_unknown(props: Any, *path: str | int) -> bool:
    """True when the value at `path` (or anything inside it) is not known yet."""
    try:
        value = props
        for key in path:
            value = value[key]
        _touch(value)
    except UnknownValueError:
        return True
    except (KeyError, IndexError, TypeError):
        return False
    return False


def _touch(value: Any) -> None:
    if isinstance(value, Mapping):
        for key in value:
            _touch(value[key])
    elif isinstance(value, (list, tuple)) or (hasattr(value, "__len__") and hasattr(value, "__getitem__")):
        if isinstance(value, (str, bytes)):
            return
        for index in range(len(value)):
            _touch(value[index])


def get(props: Any, *path: str | int, default: Any = None) -> Any:
    """The value at `path`, or `default` when absent. Raises UnknownValueError for unknown values."""
    value = props
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return default
    return default if value is None else value


def provider_default_tags(provider: Any) -> dict[str, Any]:
    """A provider's `defaultTags.tags`. Provider inputs reach analyzers as JSON text for nested values
    (`"defaultTags": "{\"tags\": {...}}"`), from an explicit provider's inputs and from `aws:defaultTags`
    config alike; both forms are read. Unknown or malformed values give {}."""
    if provider is None or is_unknown(provider.props, "defaultTags"):
        return {}
    default_tags = get(provider.props, "defaultTags", default={})
    if isinstance(default_tags, str):
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    if not isinstance(default_tags, Mapping):
        return {}
    inner = default_tags.get("tags") or {}
    return {str(key): inner[key] for key in inner} if isinstance(inner, Mapping) else {}


def effective_tags(args: ResourceValidationArgs) -> dict[str, Any]:
    """The resource's tags merged over its provider's default tags (what AWS will actually apply).

    A tag whose own value is unknown during preview is left out (it is neither the default nor a known
    override); the resource's other tags still count."""
    tags = provider_default_tags(args.provider)
    try:
        own = args.props["tags"]
    except (KeyError, UnknownValueError):
        return tags  # no own tags, or the whole map is unknown: only the defaults are certain
    if isinstance(own, Mapping):
        for key in list(own.keys()):
            if is_unknown(own, key):
                tags.pop(str(key), None)
                continue
            tags[str(key)] = own[key]
    return tags


def provider_region(args: ResourceValidationArgs) -> str | None:
    """The region the resource is created in: its provider's `region` (explicit or default provider)."""
    provider = args.provider
    if provider is None or is_unknown(provider.props, "region"):
        return None
    region = get(provider.props, "region")
    return region if isinstance(region, str) else None


def resource_region(args: ResourceValidationArgs) -> str | None:
    """The region the resource lives in: its own `region` input (pulumi-aws 7 allows a per-resource override),
    else its provider's region. None when unknown during preview."""
    if "region" in args.props:
        if is_unknown(args.props, "region"):
            return None
        own = get(args.props, "region")
        if isinstance(own, str):
            return own
    return provider_region(args)
