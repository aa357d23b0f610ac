"""aws-macie-discovery-buckets-classified: buckets whose data class needs discovery are scanned by Amazon Macie.

Scope: S3 buckets whose `data-class` tag names a class with discovery on (`domain.retention`: statutory records and
personal data, shipped in `policies/lib/facts.json`). Each must be

- listed by name in a Macie classification job (`aws.macie2.ClassificationJob`) of the stack in the bucket's own
  region (Macie reads only buckets of its region), of type SCHEDULED and not paused or cancelled (`job_status`
  RUNNING or absent), so new objects are classified as they arrive, and
- in a region where the stack enables Macie (`aws.macie2.Account` with status ENABLED, or absent status). A stack
  whose Macie is enabled elsewhere (another stack of the account) is not this case: our stacks declare it.

Buckets are matched by their literal `bucket` name; a job or bucket whose names are not known during preview is a
violation saying what could not be proven.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.facts import RETENTION
from policies.lib.props import as_list, region_of, unknown_itself
from policies.lib.s3 import BUCKET_TYPES
from policies.lib.tags import UNKNOWN_TAG, tag_value

JOB = "aws:macie2/classificationJob:ClassificationJob"
ACCOUNT = "aws:macie2/account:Account"
RUNNING = (None, "RUNNING")

META = PolicyMeta(
    id="TF-AWS-GOV-MACIE-001",
    name="aws-macie-discovery-buckets-classified",
    description=(
        "Every S3 bucket whose data class needs discovery is listed by a scheduled, running Amazon Macie "
        "classification job in its region, with Macie enabled there."
    ),
    severity="medium",
    topics=("privacy", "data-governance", "detection"),
    controls={
        "SOC2": ("C1.1", "P4.3"),
        "ISO27001:2022": ("A.5.12", "A.5.34"),
        "GDPR": ("Art.30", "Art.32"),
    },
    remediation=(
        "Declare components/governance/macie.py CellMacie in the bucket's region with the bucket in bucket_names "
        "(a SCHEDULED, RUNNING job) and enable_account on for the first cell of the region."
    ),
)


def _job_buckets(job: Any) -> tuple[str | None, set[str] | None]:
    """(region, bucket names) a usable job scans; names None when not known, region None when not known."""
    props = job.props
    if get(props, "jobType") != "SCHEDULED" or get(props, "jobStatus") not in RUNNING:
        return region_of(job), set()
    if unknown_itself(props, "s3JobDefinition") or unknown_itself(props, "s3JobDefinition", "bucketDefinitions"):
        return region_of(job), None
    names: set[str] = set()
    for definition in as_list(get(props, "s3JobDefinition", "bucketDefinitions")):
        if unknown_itself(definition, "buckets"):
            return region_of(job), None
        for index, name in enumerate(as_list(get(definition, "buckets"))):
            if is_unknown(definition, "buckets", index):
                return region_of(job), None
            if isinstance(name, str):
                names.add(name)
    return region_of(job), names


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    enabled_regions = {
        region_of(r)
        for r in args.resources
        if r.resource_type == ACCOUNT and get(r.props, "status") in (None, "ENABLED")
    }
    scanned: dict[str | None, set[str]] = {}
    unknown_regions: set[str | None] = set()
    for job in (r for r in args.resources if r.resource_type == JOB):
        region, names = _job_buckets(job)
        if names is None:
            unknown_regions.add(region)
            continue
        scanned.setdefault(region, set()).update(names)
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        data_class = tag_value(bucket, RETENTION.tag)
        if data_class is None or data_class is UNKNOWN_TAG or data_class not in RETENTION.classes:
            continue  # a missing or unknown class is aws-s3-bucket-retention-by-data-class's to report
        if not RETENTION.classes[data_class].discovery:
            continue
        region = region_of(bucket)
        name = get(bucket.props, "bucket")
        if is_unknown(bucket.props, "bucket") or not isinstance(name, str) or not name:
            report_violation(
                f"S3 bucket '{bucket.name}' ({data_class}): its name is not known during preview; a Macie job "
                "cannot be shown to list it.",
                bucket.urn,
            )
            continue
        if region not in enabled_regions:
            report_violation(
                f"S3 bucket '{bucket.name}' ({data_class}) is in {region}, where the stack does not enable Macie; "
                "declare an aws.macie2.Account with status ENABLED there.",
                bucket.urn,
            )
            continue
        if name in scanned.get(region, set()):
            continue
        if region in unknown_regions:
            report_violation(
                f"S3 bucket '{bucket.name}' ({data_class}): a Macie job's buckets in {region} are not known during "
                "preview; its discovery cannot be proven.",
                bucket.urn,
            )
            continue
        report_violation(
            f"S3 bucket '{bucket.name}' ({data_class}) is not listed by a scheduled, running Macie classification "
            f"job in {region}; add it to the cell's job (CellMacie bucket_names).",
            bucket.urn,
        )


POLICY = stack_policy(META, validate)
