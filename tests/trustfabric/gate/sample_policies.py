"""Policies for the gate's tests (not registered in the pack): a configurable one with floors, and a naive one
that touches unknown values."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.base import PolicyMeta, resource_policy

RETENTION_META = PolicyMeta(
    id="TF-TEST-001",
    name="test-log-retention",
    description="Log groups keep events at least as long as the configured minimum.",
    severity="medium",
    topics=("logging",),
    controls={"SOC2": ("CC7.2",), "ISO27001:2022": ("A.8.15",)},
    remediation="Set retention_in_days to at least the configured minimum.",
    config_schema={
        "minimumDays": {"type": "integer", "minimum": 1, "default": 365},
        "minimumTls": {
            "type": "string",
            "enum": ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
            "default": "TLSv1.2",
        },
    },
    floors={"minimumDays": 365, "minimumTls": "TLSv1.2"},
)


def _retention(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    minimum = args.get_config()["minimumDays"]
    if (args.props.get("retentionInDays") or 0) < minimum:
        report_violation(f"log group '{args.name}' keeps events less than {minimum:g} days.")


RETENTION_POLICY = resource_policy(RETENTION_META, _retention, ("aws:cloudwatch/logGroup:LogGroup",))

NAIVE_META = PolicyMeta(
    id="TF-TEST-002",
    name="test-naive-rotation",
    description="KMS keys rotate (read without guarding unknown values).",
    severity="low",
    topics=("encryption",),
    controls={"SOC2": ("CC6.1",)},
    remediation="Set enable_key_rotation=True.",
)


def _naive(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.props.get("enableKeyRotation") is not True:  # raises UnknownValueError in a preview
        report_violation(f"KMS key '{args.name}' does not rotate.")


NAIVE_POLICY = resource_policy(NAIVE_META, _naive, ("aws:kms/key:Key",))
