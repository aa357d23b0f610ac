"""aws-s3-dataset-bucket-residency-bound: a golden dataset bucket stays in its jurisdiction's pair of regions.

A dataset bucket (tagged `dataset-store`) holds documents shaped like one jurisdiction's filings; it belongs to its
cell. So it must carry a known `jurisdiction` tag (own or the provider's default) and lie in that jurisdiction's
primary or standby region (the cell's pair, narrower than the regions the jurisdiction allows for other data),
and when it is a replica target, its `replica-of` tag must name a bucket in the pair's other region (by the
region our naming convention puts in bucket names). Where replication configurations send objects is judged by
aws-governance-destination-region-in-jurisdiction. A value not known during preview is a violation saying so.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, stack_policy
from policies.lib.facts import JURISDICTIONS
from policies.lib.props import region_of
from policies.lib.residency import arn_resource_name, region_in_name
from policies.lib.s3 import BUCKET_TYPES
from policies.lib.tags import UNKNOWN_TAG, jurisdiction_of, tag_value

META = PolicyMeta(
    id="TF-AWS-S3-DS-002",
    name="aws-s3-dataset-bucket-residency-bound",
    description=(
        "Every golden dataset bucket, and the source its replica-of tag names, lies in its jurisdiction's primary "
        "or standby region."
    ),
    severity="critical",
    topics=("residency", "quality"),
    controls={
        "SOC2": ("C1.1",),
        "ISO27001:2022": ("A.5.34", "A.5.31"),
        "GDPR": ("Art.44",),
    },
    remediation=(
        "Declare the dataset store with the cell's provider (its primary or standby region) and replicate it only "
        "to the same cell's store in the other region of the pair."
    ),
)

DATASET_STORE_TAG = "dataset-store"
REPLICA_OF_TAG = "replica-of"


def _judge(bucket: Any) -> str | None:
    """None when the dataset bucket is bound to its jurisdiction's pair, else the violation's wording."""
    code = jurisdiction_of(bucket)
    if code is UNKNOWN_TAG:
        return "its jurisdiction tag is not known during preview; set it literally"
    if code is None or code not in JURISDICTIONS:
        return f"its jurisdiction tag is {code!r}, not one of {', '.join(JURISDICTIONS)}; tag it with its cell's"
    jurisdiction = JURISDICTIONS[code]
    pair = (jurisdiction.primary_region, jurisdiction.standby_region)
    region = region_of(bucket)
    if region is None:
        return f"its region is not known during preview; create it with a provider for {' or '.join(pair)}"
    if region not in pair:
        return (
            f"it is in {region}, outside {code}'s pair of regions {', '.join(pair)}; create it with the cell's provider"
        )
    source = tag_value(bucket, REPLICA_OF_TAG)
    if source is UNKNOWN_TAG:
        return "its replica-of tag is not known during preview; set it literally"
    if source is not None:
        expected = jurisdiction.paired_region(region)
        source_region = region_in_name(arn_resource_name(str(source)))
        if source_region != expected:
            return (
                f"its replica-of tag names {source!r}, not a bucket in {expected} (the pair's other region); "
                "replicate only from the same cell's store"
            )
    return None


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        marker = tag_value(bucket, DATASET_STORE_TAG)
        if marker is None or marker == "":
            continue
        if marker is UNKNOWN_TAG:
            report_violation(
                f"S3 bucket '{bucket.name}': its tags are not known during preview, so whether it is a dataset "
                "bucket (and where it may be) cannot be told; set its tags literally.",
                bucket.urn,
            )
            continue
        problem = _judge(bucket)
        if problem is not None:
            report_violation(f"Dataset bucket '{bucket.name}' is not residency-bound: {problem}.", bucket.urn)


POLICY = stack_policy(META, validate)
