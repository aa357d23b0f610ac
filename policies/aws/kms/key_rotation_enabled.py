"""aws-kms-key-rotation-enabled: symmetric customer-managed keys rotate their key material automatically."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-KMS-001",
    name="aws-kms-key-rotation-enabled",
    description="Symmetric KMS customer-managed keys rotate their key material automatically.",
    severity="high",
    topics=("encryption", "key-management"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("3.6",),
    },
    remediation="Set enable_key_rotation=True on the aws.kms.Key (rotation_period_in_days 90..365).",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if is_unknown(props, "customerMasterKeySpec"):
        report_violation(f"KMS key '{args.name}': key spec is not known during preview; rotation cannot be proven.")
        return
    spec = get(props, "customerMasterKeySpec", default="SYMMETRIC_DEFAULT")
    if spec != "SYMMETRIC_DEFAULT":
        return  # AWS rotates only symmetric keys; asymmetric and HMAC keys are out of scope.
    if is_unknown(props, "enableKeyRotation"):
        report_violation(f"KMS key '{args.name}': enable_key_rotation is not known during preview; set it to True.")
        return
    if get(props, "enableKeyRotation") is not True:
        report_violation(f"KMS key '{args.name}' does not rotate its key material; set enable_key_rotation=True.")


POLICY = resource_policy(META, validate, resource_types=("aws:kms/key:Key",))
