"""aws-kms-key-deletion-window: KMS keys wait at least the minimum window before deletion.

Deleting a key destroys every ciphertext made under it; the waiting period is the only way back. AWS accepts
7 to 30 days and defaults to 30 when `deletion_window_in_days` is absent. Replica and external (imported) keys
have the same window.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

AWS_DEFAULT_DAYS = 30
FLOOR_DAYS = 7

META = PolicyMeta(
    id="TF-AWS-KMS-002",
    name="aws-kms-key-deletion-window",
    description="KMS keys scheduled for deletion wait at least the minimum deletion window (default 7 days).",
    severity="medium",
    topics=("encryption", "key-management", "resilience"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set deletion_window_in_days to at least the minimum (AWS default 30) on the KMS key.",
    config_schema={
        "minimumDays": {
            "type": "integer",
            "maximum": AWS_DEFAULT_DAYS,
            "default": FLOOR_DAYS,
            "description": "Shortest deletion window allowed, in days.",
        }
    },
    floors={"minimumDays": FLOOR_DAYS},
)

KEY_TYPES = (
    "aws:kms/key:Key",
    "aws:kms/replicaKey:ReplicaKey",
    "aws:kms/externalKey:ExternalKey",
    "aws:kms/replicaExternalKey:ReplicaExternalKey",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    configured = args.get_config().get("minimumDays", FLOOR_DAYS)
    minimum = int(configured) if isinstance(configured, (int, float)) else FLOOR_DAYS
    if is_unknown(args.props, "deletionWindowInDays"):
        report_violation(
            f"KMS key '{args.name}': deletion_window_in_days is not known during preview; "
            f"set it literally to at least {minimum}."
        )
        return
    days = get(args.props, "deletionWindowInDays", default=AWS_DEFAULT_DAYS)
    if days < minimum:
        report_violation(
            f"KMS key '{args.name}' can be deleted after {int(days)} days; "
            f"set deletion_window_in_days to at least {minimum}."
        )


POLICY = resource_policy(META, validate, resource_types=KEY_TYPES)
