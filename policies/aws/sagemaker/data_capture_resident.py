"""aws-sagemaker-data-capture-resident: endpoints capture requests and responses only into a bucket in their
jurisdiction's allowed regions.

An endpoint configuration's `data_capture_config.destination_s3_uri` names the bucket captured customer documents
go to. Its region is the region of the stack's bucket of that name, else the region our naming convention puts in
the bucket name; it must be one of the allowed regions of the configuration's `jurisdiction` (own tag over the
provider's default). A destination not known during preview, or whose region cannot be told, is a violation.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.props import as_bool, region_of
from policies.lib.residency import RESIDENCY_SCHEMA, region_in_name, residency_config
from policies.lib.s3 import BUCKET_TYPES
from policies.lib.tags import jurisdiction_of

META = PolicyMeta(
    id="TF-AWS-SM-008",
    name="aws-sagemaker-data-capture-resident",
    description="SageMaker endpoints capture data only into buckets in their jurisdiction's allowed regions.",
    severity="critical",
    topics=("residency", "modelops"),
    controls={"SOC2": ("C1.1",), "ISO27001:2022": ("A.5.34",), "GDPR": ("Art.44",)},
    remediation="Point data_capture_config.destination_s3_uri at the cell's lineage store (components/modelops).",
    config_schema=RESIDENCY_SCHEMA,
)

CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"


def _bucket_of(uri: str) -> str | None:
    if not uri.startswith("s3://"):
        return None
    return uri[len("s3://") :].split("/", 1)[0] or None


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    allowed_by_code = residency_config(args.get_config())
    resources = list(args.resources)
    buckets: dict[str, Any] = {}
    for bucket in resources:
        if bucket.resource_type in BUCKET_TYPES and not is_unknown(bucket.props, "bucket"):
            name = get(bucket.props, "bucket")
            if isinstance(name, str):
                buckets[name] = bucket
    for config in resources:
        if config.resource_type != CONFIG or "dataCaptureConfig" not in config.props:
            continue
        if not is_unknown(config.props, "dataCaptureConfig", "enableCapture") and (
            as_bool(get(config.props, "dataCaptureConfig", "enableCapture", default=True)) is False
        ):
            continue
        code = jurisdiction_of(config)
        if not isinstance(code, str) or code not in allowed_by_code:
            continue  # the tag policies judge the tag
        allowed = allowed_by_code[code]
        kind = f"SageMaker endpoint configuration '{config.name}' ({code} data)"
        if is_unknown(config.props, "dataCaptureConfig", "destinationS3Uri"):
            report_violation(
                f"{kind} captures data to a destination not known during preview; name a bucket in one of "
                f"{', '.join(allowed)}.",
                config.urn,
            )
            continue
        uri = str(get(config.props, "dataCaptureConfig", "destinationS3Uri", default=""))
        name = _bucket_of(uri)
        region = (region_of(buckets[name]) if name in buckets else region_in_name(name)) if name else None
        if region is None:
            report_violation(
                f"{kind} captures data to '{uri}', whose region is not known; declare the bucket in this stack or "
                f"use one in {', '.join(allowed)}.",
                config.urn,
            )
        elif region not in allowed:
            report_violation(
                f"{kind} captures data to '{uri}' in {region}, outside {code}'s allowed regions "
                f"{', '.join(allowed)}; capture into the cell's lineage store.",
                config.urn,
            )


POLICY = stack_policy(META, validate)
