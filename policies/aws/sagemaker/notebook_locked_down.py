"""aws-sagemaker-notebook-locked-down: notebook instances have no direct internet access and no root access,
run in the cell's VPC and encrypt their volume with a customer-managed key.

AWS's defaults are the opposite for the first two (`direct_internet_access` and `root_access` are Enabled when
unset), so both must be set to "Disabled" explicitly. A value not known during preview is a violation.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import require_cmk

META = PolicyMeta(
    id="TF-AWS-SM-003",
    name="aws-sagemaker-notebook-locked-down",
    description=(
        "SageMaker notebook instances have direct internet access and root access disabled, a VPC subnet and a "
        "customer-managed volume key."
    ),
    severity="high",
    topics=("network", "least-privilege", "encryption", "modelops"),
    controls={"SOC2": ("CC6.1", "CC6.6"), "ISO27001:2022": ("A.8.2", "A.8.20", "A.8.24"), "GDPR": ("Art.32",)},
    remediation=(
        'Set direct_internet_access="Disabled", root_access="Disabled", subnet_id (a private subnet) and '
        "kms_key_id (the cell's data key) on the aws.sagemaker.NotebookInstance."
    ),
)

KIND = "SageMaker notebook instance"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    for prop, argument in (("directInternetAccess", "direct_internet_access"), ("rootAccess", "root_access")):
        if is_unknown(props, prop):
            report_violation(f"{KIND} '{args.name}': {argument} is not known during preview; set it to \"Disabled\".")
        elif get(props, prop) != "Disabled":
            report_violation(
                f"{KIND} '{args.name}' has {argument} enabled (AWS's default when unset); set {argument}=\"Disabled\"."
            )
    if is_unknown(props, "subnetId"):
        pass  # an unknown subnet is still a subnet: the notebook is in a VPC
    elif not get(props, "subnetId"):
        report_violation(f"{KIND} '{args.name}' is not in a VPC; set subnet_id to one of the cell's private subnets.")
    require_cmk(args, report_violation, kind=KIND, path=("kmsKeyId",), argument="kms_key_id")


POLICY = resource_policy(META, validate, resource_types=("aws:sagemaker/notebookInstance:NotebookInstance",))
