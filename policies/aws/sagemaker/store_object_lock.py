"""aws-sagemaker-store-object-lock: the ModelOps stores (artefact, lineage, explainability) are locked in
COMPLIANCE mode for at least their jurisdiction's statutory retention.

A bucket tagged `modelops-store` must have object lock enabled and an `aws.s3.BucketObjectLockConfiguration`
targeting it whose default retention is COMPLIANCE mode for at least the statutory retention of its
`jurisdiction` (days, or years counted as the residency table counts them). Lineage and explanations are the
evidence an auditor traces an output back to; governance mode, a shorter period or no lock lets them be
rewritten. A value not known during preview is a violation.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.facts import JURISDICTIONS
from policies.lib.modelops import STORE_TAG, tag_text
from policies.lib.props import as_bool
from policies.lib.s3 import BUCKET_TYPES, BucketTargets
from policies.lib.tags import jurisdiction_of

META = PolicyMeta(
    id="TF-AWS-SM-007",
    name="aws-sagemaker-store-object-lock",
    description=(
        "ModelOps stores are object-locked in COMPLIANCE mode for at least their jurisdiction's statutory retention."
    ),
    severity="high",
    topics=("retention", "records", "modelops"),
    controls={"SOC2": ("PI1.5", "CC8.1"), "ISO27001:2022": ("A.5.33",), "GDPR": ("Art.30", "Art.5(2)")},
    remediation=(
        "Declare the store with object_lock=True and attach_object_lock(years=<statutory years>) "
        "(components/storage/secure_bucket.py), as components/modelops/stores.py does."
    ),
)

LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"


def _years_to_days(years: int) -> int:
    return years * 365 + (years + 3) // 4


def _lock_problem(lock: Any, required_days: int) -> str | None:
    props = lock.props
    for path in (
        ("rule", "defaultRetention", "mode"),
        ("rule", "defaultRetention", "days"),
        ("rule", "defaultRetention", "years"),
    ):
        if is_unknown(props, *path):
            return "its default retention is not known during preview"
    mode = get(props, "rule", "defaultRetention", "mode")
    if mode != "COMPLIANCE":
        return f"its default retention mode is {mode!r}, not 'COMPLIANCE'"
    days = get(props, "rule", "defaultRetention", "days")
    years = get(props, "rule", "defaultRetention", "years")
    locked = (
        int(days)
        if isinstance(days, (int, float))
        else _years_to_days(int(years))
        if isinstance(years, (int, float))
        else 0
    )
    if locked < required_days:
        return f"it locks objects {locked} days, less than the statutory {required_days}"
    return None


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    locks = BucketTargets([r for r in resources if r.resource_type == LOCK])
    for bucket in resources:
        if bucket.resource_type not in BUCKET_TYPES or tag_text(bucket, STORE_TAG) is None:
            continue
        code = jurisdiction_of(bucket)
        if not isinstance(code, str) or code not in JURISDICTIONS:
            continue  # aws-governance-tags-required judges the tag itself
        required = JURISDICTIONS[code].retention_days
        kind = f"ModelOps store '{bucket.name}' ({code})"
        if is_unknown(bucket.props, "objectLockEnabled") or as_bool(get(bucket.props, "objectLockEnabled")) is not True:
            report_violation(
                f"{kind} does not enable object lock; create it with object_lock_enabled=True.", bucket.urn
            )
            continue
        attached = locks.of(bucket)
        if not attached:
            report_violation(
                f"{kind} has no object lock configuration; lock it in COMPLIANCE mode for {required} days or more.",
                bucket.urn,
            )
            continue
        for lock in attached:
            problem = _lock_problem(lock, required)
            if problem is not None:
                report_violation(
                    f"{kind} is not locked for its statutory retention: {problem}; lock it in COMPLIANCE mode for "
                    f"{required} days or more.",
                    bucket.urn,
                )


POLICY = stack_policy(META, validate)
