"""aws-s3-bucket-retention-by-data-class: a bucket's lifecycle and object lock keep its data class's retention window.

Scope: S3 buckets carrying a `data-class` tag (the classes of `domain.retention`, shipped as data in
`policies/lib/facts.json`). With the bucket's jurisdiction (its `jurisdiction` tag; the strictest when missing or
unknown) the class gives a window: at least `minimum` days (statutory records: the jurisdiction's statutory
days), at most `maximum` days (storage limitation, GDPR Art.5(1)(e)).

- No enabled lifecycle rule targeting the bucket expires current or noncurrent objects before the minimum: a
  lifecycle never deletes records early.
- A class with a maximum has an enabled rule for every object (no filter, or an empty prefix) expiring current
  objects within the maximum, and noncurrent versions within it too: nothing is kept longer than allowed.
- Object lock: a class that requires it (statutory records) has an object lock configuration in COMPLIANCE mode
  retaining at least the minimum; a class that forbids it (personal data, telemetry: they must stay erasable) has
  object lock off.

An unknown class value is a violation naming the allowed classes; a lifecycle or lock not known during preview is a
violation saying what could not be proven.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.facts import JURISDICTIONS, RETENTION
from policies.lib.props import as_list, unknown_itself
from policies.lib.s3 import BUCKET_TYPES, BucketTargets
from policies.lib.tags import UNKNOWN_TAG, jurisdiction_of, tag_value

LIFECYCLE_TYPES = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
LOCK_TYPES = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)

META = PolicyMeta(
    id="TF-AWS-GOV-RET-001",
    name="aws-s3-bucket-retention-by-data-class",
    description=(
        "S3 buckets tagged with a data class keep its retention window: no lifecycle deletes before the minimum "
        "(statutory retention), one deletes within the maximum, and object lock is as the class requires."
    ),
    severity="high",
    topics=("retention", "data-governance", "privacy"),
    controls={
        "SOC2": ("C1.2", "P4.2"),
        "ISO27001:2022": ("A.5.33", "A.8.10"),
        "GDPR": ("Art.5(1)(e)", "Art.17"),
    },
    remediation=(
        "Give the bucket one lifecycle rule for all objects expiring current and noncurrent versions between the "
        "class's minimum and maximum days (domain/retention.py), and object lock as the class requires."
    ),
)


def window(data_class: str, code: Any) -> tuple[int, int | None, str]:
    """(minimum, maximum, label) of a class for a jurisdiction; the strictest jurisdiction when unknown."""
    entry = RETENTION.classes[data_class]
    if entry.minimum == "statutory":
        if isinstance(code, str) and code in JURISDICTIONS:
            minimum, label = JURISDICTIONS[code].retention_days, f"{code} statutory"
        else:
            strictest = max(JURISDICTIONS.values(), key=lambda j: j.retention_days)
            minimum, label = strictest.retention_days, f"strictest ({strictest.code}, jurisdiction not known)"
    else:
        minimum, label = int(entry.minimum), data_class
    maximum = None if entry.maximum_after_minimum is None else minimum + int(entry.maximum_after_minimum)
    return minimum, maximum, label


def lock_days(rule: Any) -> int | None:
    """Days a default retention keeps an object (years as the residency table counts them)."""
    days = get(rule, "defaultRetention", "days")
    years = get(rule, "defaultRetention", "years")
    if isinstance(days, (int, float)):
        return int(days)
    if isinstance(years, (int, float)):
        whole = int(years)
        return whole * 365 + (whole + 3) // 4
    return None


def _applies_to_all(rule: Any) -> bool:
    if unknown_itself(rule, "filter"):
        return False
    rule_filter = get(rule, "filter")
    if rule_filter is None:
        return get(rule, "prefix") in (None, "")
    if not isinstance(rule_filter, Mapping):
        return False
    keys = {key for key, value in rule_filter.items() if value not in (None, "", [], {})}
    return not keys


def _judge_lifecycles(
    bucket: Any, label: str, data_class: str, minimum: int, maximum: int | None, lifecycles: Sequence[Any]
) -> list[str]:
    where = f"S3 bucket '{bucket.name}' ({data_class}, {label})"
    problems: list[str] = []
    within_maximum = False
    for lifecycle in lifecycles:
        if unknown_itself(lifecycle.props, "rules"):
            return [
                f"{where}: lifecycle '{lifecycle.name}' is not known during preview; its retention cannot be proven."
            ]
        for rule in as_list(get(lifecycle.props, "rules")):
            if get(rule, "status") != "Enabled":
                continue
            name = get(rule, "id") or "(unnamed)"
            expiration = get(rule, "expiration", "days")
            noncurrent = get(rule, "noncurrentVersionExpiration", "noncurrentDays")
            if is_unknown(rule, "expiration", "days") or is_unknown(
                rule, "noncurrentVersionExpiration", "noncurrentDays"
            ):
                problems.append(
                    f"{where}: rule '{name}' expiry is not known during preview; it must be {minimum} days or more."
                )
                continue
            for what, days in (("objects", expiration), ("noncurrent versions", noncurrent)):
                if isinstance(days, (int, float)) and days < minimum:
                    problems.append(
                        f"{where}: lifecycle rule '{name}' deletes {what} after {int(days)} days, before the "
                        f"{minimum}-day minimum; expire them after at least {minimum} days."
                    )
            if (
                maximum is not None
                and _applies_to_all(rule)
                and isinstance(expiration, (int, float))
                and expiration <= maximum
                and isinstance(noncurrent, (int, float))
                and noncurrent <= maximum
            ):
                within_maximum = True
    if maximum is not None and not within_maximum and not problems:
        problems.append(
            f"{where}: no enabled lifecycle rule for all objects deletes current and noncurrent versions within "
            f"{maximum} days (storage limitation); add one expiring them between {minimum} and {maximum} days."
        )
    return problems


def _judge_lock(
    bucket: Any, label: str, data_class: str, rule_name: str, minimum: int, locks: Sequence[Any]
) -> list[str]:
    where = f"S3 bucket '{bucket.name}' ({data_class}, {label})"
    enabled = get(bucket.props, "objectLockEnabled")
    if rule_name == "forbidden":
        if enabled is True or locks:
            return [f"{where} has object lock on, but {data_class} must stay erasable; turn object lock off."]
        return []
    if rule_name != "required":
        return []
    for lock in locks:
        if unknown_itself(lock.props, "rule") or is_unknown(lock.props, "rule", "defaultRetention"):
            return [f"{where}: object lock '{lock.name}' is not known during preview; {minimum} days cannot be proven."]
        rule = get(lock.props, "rule")
        mode = get(rule, "defaultRetention", "mode")
        days = lock_days(rule)
        if mode == "COMPLIANCE" and days is not None and days >= minimum:
            return []
        kept = f"{mode or 'no'} mode for {days if days is not None else 'no'} days"
        return [
            f"{where}: object lock keeps objects in {kept}; lock them in COMPLIANCE mode for at least {minimum} days."
        ]
    return [f"{where} has no object lock configuration; lock objects in COMPLIANCE mode for at least {minimum} days."]


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    lifecycles = BucketTargets([r for r in args.resources if r.resource_type in LIFECYCLE_TYPES])
    locks = BucketTargets([r for r in args.resources if r.resource_type in LOCK_TYPES])
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        data_class = tag_value(bucket, RETENTION.tag)
        if data_class is None:
            continue
        if data_class is UNKNOWN_TAG:
            report_violation(
                f"S3 bucket '{bucket.name}': its {RETENTION.tag} tag is not known during preview.", bucket.urn
            )
            continue
        if data_class not in RETENTION.classes:
            report_violation(
                f"S3 bucket '{bucket.name}': unknown {RETENTION.tag} {str(data_class)!r}; allowed: "
                f"{', '.join(RETENTION.classes)}.",
                bucket.urn,
            )
            continue
        minimum, maximum, label = window(data_class, jurisdiction_of(bucket))
        problems = _judge_lifecycles(bucket, label, data_class, minimum, maximum, lifecycles.of(bucket))
        problems += _judge_lock(
            bucket, label, data_class, RETENTION.classes[data_class].object_lock, minimum, locks.of(bucket)
        )
        for problem in problems:
            report_violation(problem, bucket.urn)


POLICY = stack_policy(META, validate)
