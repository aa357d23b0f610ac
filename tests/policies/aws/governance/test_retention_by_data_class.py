"""aws-s3-bucket-retention-by-data-class: compliant buckets per class pass; every way to break the window fails."""

from __future__ import annotations

import pytest

from policies.aws.governance.retention_by_data_class import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet
from tests.policies.harness import graph_of as merged
from tests.policies.programs import details

PROGRAM = """
import pulumi_aws as aws

def bucket(name, data_class, jurisdiction="UK", lock=False):
    return aws.s3.Bucket(name, bucket=name, object_lock_enabled=lock,
                         tags={"data-class": data_class, "jurisdiction": jurisdiction})

def lifecycle(name, target, days, noncurrent=None, prefix=""):
    aws.s3.BucketLifecycleConfiguration(f"{name}-lifecycle", bucket=target.id, rules=[
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id=f"{name}-rule", status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=prefix),
            expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
            noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=noncurrent if noncurrent is not None else days),
        )])

def lock(name, target, mode="COMPLIANCE", years=None, days=None):
    aws.s3.BucketObjectLockConfiguration(f"{name}-lock", bucket=target.id, object_lock_enabled="Enabled",
        rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
            default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(mode=mode, years=years, days=days)))

{body}
"""

COMPLIANT = """
records = bucket("records", "statutory-record", lock=True); lifecycle("records", records, 2192); lock("records", records, years=6)
eu = bucket("eu-records", "statutory-record", "EU", lock=True); lifecycle("eu-records", eu, 4000); lock("eu-records", eu, days=3653)
profiles = bucket("profiles", "personal-data"); lifecycle("profiles", profiles, 730)
logs = bucket("logs", "operational-log"); lifecycle("logs", logs, 400)
metrics = bucket("metrics", "telemetry"); lifecycle("metrics", metrics, 30)
aws.s3.Bucket("untagged", bucket="untagged")
"""


def program(tmp_path, body):
    return run_snippet(tmp_path, PROGRAM.replace("{body}", body))


def test_compliant_buckets_of_every_class_pass(tmp_path):
    assert evaluate(POLICY, program(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'b = bucket("records", "statutory-record", lock=True); lifecycle("records", b, 365, noncurrent=2192); '
            'lock("records", b, years=6)',
            "S3 bucket 'records' (statutory-record, UK statutory): lifecycle rule 'records-rule' deletes objects after "
            "365 days, before the 2192-day minimum; expire them after at least 2192 days.",
        ),
        (
            'b = bucket("records", "statutory-record", lock=True); lifecycle("records", b, 2192, noncurrent=30); '
            'lock("records", b, years=6)',
            "S3 bucket 'records' (statutory-record, UK statutory): lifecycle rule 'records-rule' deletes noncurrent "
            "versions after 30 days, before the 2192-day minimum; expire them after at least 2192 days.",
        ),
        (
            'b = bucket("records", "statutory-record", lock=True); lifecycle("records", b, 2192); lock("records", b, years=5)',
            "S3 bucket 'records' (statutory-record, UK statutory): object lock keeps objects in COMPLIANCE mode for "
            "1827 days; lock them in COMPLIANCE mode for at least 2192 days.",
        ),
        (
            'b = bucket("records", "statutory-record", lock=True); lifecycle("records", b, 2192); '
            'lock("records", b, mode="GOVERNANCE", years=6)',
            "S3 bucket 'records' (statutory-record, UK statutory): object lock keeps objects in GOVERNANCE mode for "
            "2192 days; lock them in COMPLIANCE mode for at least 2192 days.",
        ),
        (
            'b = bucket("records", "statutory-record"); lifecycle("records", b, 2192)',
            "S3 bucket 'records' (statutory-record, UK statutory) has no object lock configuration; lock objects in "
            "COMPLIANCE mode for at least 2192 days.",
        ),
        (
            'b = bucket("records", "statutory-record", lock=True); lifecycle("records", b, 9000); lock("records", b, years=6)',
            "S3 bucket 'records' (statutory-record, UK statutory): no enabled lifecycle rule for all objects deletes "
            "current and noncurrent versions within 2557 days (storage limitation); add one expiring them between "
            "2192 and 2557 days.",
        ),
        (
            'b = bucket("profiles", "personal-data")',
            "S3 bucket 'profiles' (personal-data, personal-data): no enabled lifecycle rule for all objects deletes "
            "current and noncurrent versions within 730 days (storage limitation); add one expiring them between 0 "
            "and 730 days.",
        ),
        (
            'b = bucket("profiles", "personal-data"); lifecycle("profiles", b, 30, prefix="tmp/")',
            "S3 bucket 'profiles' (personal-data, personal-data): no enabled lifecycle rule for all objects deletes "
            "current and noncurrent versions within 730 days (storage limitation); add one expiring them between 0 "
            "and 730 days.",
        ),
        (
            'b = bucket("profiles", "personal-data", lock=True); lifecycle("profiles", b, 730)',
            "S3 bucket 'profiles' (personal-data, personal-data) has object lock on, but personal-data must stay "
            "erasable; turn object lock off.",
        ),
        (
            'bucket("odd", "invoices")',
            "S3 bucket 'odd': unknown data-class 'invoices'; allowed: statutory-record, personal-data, "
            "operational-log, telemetry.",
        ),
    ],
)
def test_every_way_to_break_the_window(tmp_path, body, expected):
    [(_, detail)] = details(evaluate(POLICY, program(tmp_path, body)))
    assert detail == expected


def test_without_a_jurisdiction_the_strictest_statutory_period_applies(tmp_path):
    body = (
        'b = aws.s3.Bucket("records", bucket="records", object_lock_enabled=True, tags={"data-class": "statutory-record"}); '
        'lifecycle("records", b, 2192); lock("records", b, years=10)'
    )
    assert details(evaluate(POLICY, program(tmp_path, body))) == [
        (
            "records",
            "S3 bucket 'records' (statutory-record, strictest (EU, jurisdiction not known)): lifecycle rule "
            "'records-rule' deletes noncurrent versions after 2192 days, before the 3653-day minimum; expire them "
            "after at least 3653 days.",
        ),
        (
            "records",
            "S3 bucket 'records' (statutory-record, strictest (EU, jurisdiction not known)): lifecycle rule "
            "'records-rule' deletes objects after 2192 days, before the 3653-day minimum; expire them after at least "
            "3653 days.",
        ),
    ]


def test_unknown_lifecycle_is_never_a_pass():
    bucket = resource(
        "aws:s3/bucket:Bucket",
        {
            "bucket": "records",
            "objectLockEnabled": False,
            "tags": {"data-class": "personal-data", "jurisdiction": "UK"},
        },
        name="records",
    )
    lifecycle = resource(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        {"bucket": "records", "rules": UNKNOWN},
        name="records-lifecycle",
    )
    assert [d.detail for d in evaluate(POLICY, merged(bucket, lifecycle))] == [
        "S3 bucket 'records' (personal-data, personal-data): lifecycle 'records-lifecycle' is not known during "
        "preview; its retention cannot be proven."
    ]
