"""aws-kinesis-stream-encrypted: Kinesis streams are encrypted at rest, confidential data with a customer key.

Streams are unencrypted unless `encryption_type` is KMS; public and internal streams may use
alias/aws/kinesis.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import require_cmk, requires_cmk

META = PolicyMeta(
    id="TF-AWS-KINESIS-ENC-001",
    name="aws-kinesis-stream-encrypted",
    description=(
        "Kinesis data streams are encrypted at rest with KMS, with a customer-managed key unless classified "
        "public "
        "or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set encryption_type='KMS' and kms_key_id to the cell's data key on the aws.kinesis.Stream.",
)

KIND = "Kinesis stream"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props, name = args.props, args.name
    if is_unknown(props, "encryptionType"):
        report_violation(f"{KIND} '{name}': encryption_type is not known during preview; set it to 'KMS' literally.")
        return
    if get(props, "encryptionType", default="NONE") != "KMS":
        key = "kms_key_id to the cell's data key" if requires_cmk(args) else "kms_key_id"
        report_violation(f"{KIND} '{name}' is not encrypted at rest; set encryption_type='KMS' and {key}.")
        return
    if requires_cmk(args):
        require_cmk(args, report_violation, kind=KIND, path=("kmsKeyId",), argument="kms_key_id")
    elif not is_unknown(props, "kmsKeyId") and not get(props, "kmsKeyId"):
        report_violation(
            f"{KIND} '{name}' sets encryption_type='KMS' without a key; set kms_key_id "
            "(the cell's data key, or alias/aws/kinesis for public and internal data)."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:kinesis/stream:Stream",))
