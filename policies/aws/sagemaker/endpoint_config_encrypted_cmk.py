"""aws-sagemaker-endpoint-config-encrypted-cmk: endpoint storage and captured data are encrypted with a
customer-managed key.

An endpoint configuration's `kms_key_arn` encrypts the ML storage volumes of its instances; when data capture is on,
`data_capture_config.kms_key_id` encrypts the captured requests and responses in S3 (customer documents). For
confidential and restricted data (and unclassified data, treated as confidential) both must be a customer-managed
key; a value not known during preview is a violation, never a pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import cmk_problem, requires_cmk, scope_label
from policies.lib.props import as_bool

META = PolicyMeta(
    id="TF-AWS-SM-001",
    name="aws-sagemaker-endpoint-config-encrypted-cmk",
    description=(
        "SageMaker endpoint configurations encrypt instance storage and captured data with a customer-managed key."
    ),
    severity="high",
    topics=("encryption", "data-protection", "modelops"),
    controls={"SOC2": ("CC6.1", "C1.1"), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation=(
        "Set kms_key_arn, and data_capture_config.kms_key_id when capturing, to the cell's data key on the "
        "aws.sagemaker.EndpointConfiguration."
    ),
)

KIND = "SageMaker endpoint configuration"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not requires_cmk(args):
        return
    scope = scope_label(args)
    problem = cmk_problem(args.props, ("kmsKeyArn",), "kms_key_arn", scope)
    if problem is not None:
        report_violation(f"{KIND} '{args.name}' {problem}")
    if "dataCaptureConfig" not in args.props:
        return
    capture = get(args.props, "dataCaptureConfig")
    capturing = (
        None
        if is_unknown(args.props, "dataCaptureConfig", "enableCapture")
        else as_bool(get(capture, "enableCapture", default=True))
    )
    if capturing is False:
        return
    problem = cmk_problem(capture, ("kmsKeyId",), "data_capture_config.kms_key_id", scope)
    if problem is not None:
        report_violation(f"{KIND} '{args.name}' captures data: it {problem}")


POLICY = resource_policy(META, validate, resource_types=("aws:sagemaker/endpointConfiguration:EndpointConfiguration",))
