"""aws-dynamodb-table-encryption-cmk: DynamoDB tables with confidential data use a customer-managed key.

DynamoDB always encrypts tables at rest (with an AWS-owned key by default), so public and
internal tables pass.
Global table replicas (`replicas`) are encrypted with their own region's key: each names one too.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import cmk_problem, requires_cmk, scope_label
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-DYNAMODB-ENC-001",
    name="aws-dynamodb-table-encryption-cmk",
    description=(
        "DynamoDB tables and their replicas holding data not classified public or internal are encrypted "
        "with a "
        "customer-managed KMS key."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation=(
        "Set server_side_encryption.enabled=True and server_side_encryption.kms_key_arn to the cell's data "
        "key, "
        "and each replicas[].kms_key_arn to the data key in the replica's region."
    ),
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not requires_cmk(args):
        return
    props, name, scope = args.props, args.name, scope_label(args)
    if is_unknown(props, "serverSideEncryption", "enabled"):
        report_violation(
            f"DynamoDB table '{name}': server_side_encryption.enabled is not known during preview; "
            "set it to True literally."
        )
    elif get(props, "serverSideEncryption", "enabled") is not True:
        report_violation(
            f"DynamoDB table '{name}' holds {scope} but is encrypted with an AWS-owned key; set "
            "server_side_encryption.enabled=True and server_side_encryption.kms_key_arn to the cell's data "
            "key."
        )
    else:
        argument = "server_side_encryption.kms_key_arn"
        problem = cmk_problem(props, ("serverSideEncryption", "kmsKeyArn"), argument, scope)
        if problem is not None:
            report_violation(f"DynamoDB table '{name}' {problem}")
    if unknown_itself(props, "replicas"):
        report_violation(
            f"DynamoDB table '{name}': replicas are not known during preview; declare them literally, "
            "each with kms_key_arn set to the data key in its region."
        )
        return
    for index, replica in enumerate(get(props, "replicas", default=[])):
        region = None if is_unknown(replica, "regionName") else get(replica, "regionName")
        label = f"DynamoDB table '{name}' replica {index} ({region or 'region unknown'})"
        problem = cmk_problem(replica, ("kmsKeyArn",), f"replicas[{index}].kms_key_arn", scope)
        if problem is not None:
            report_violation(f"{label} {problem.replace('the cell', 'the replica region')}")


POLICY = resource_policy(META, validate, resource_types=("aws:dynamodb/table:Table",))
