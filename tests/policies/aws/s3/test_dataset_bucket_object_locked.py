"""aws-s3-dataset-bucket-object-locked: dataset buckets lock every object for at least the configured days."""

from __future__ import annotations

from policies.aws.s3.dataset_bucket_object_locked import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

LOCKED = """
import pulumi_aws as aws
golden = aws.s3.Bucket("golden", object_lock_enabled=True, tags={"dataset-store": "golden"})
aws.s3.BucketObjectLockConfiguration(
    "golden-lock",
    bucket=golden.id,
    object_lock_enabled="Enabled",
    rule={"default_retention": {"mode": "GOVERNANCE", "days": 3653}},
)
compliance = aws.s3.Bucket("compliance", bucket="golden-ca", object_lock_enabled=True, tags={"dataset-store": "golden"})
aws.s3.BucketObjectLockConfiguration(
    "compliance-lock", bucket="golden-ca", rule={"default_retention": {"mode": "COMPLIANCE", "years": 2}}
)
aws.s3.Bucket("not-a-dataset-bucket")  # other buckets are judged by other policies
"""

FIX = (
    "create it with object_lock_enabled=True and a BucketObjectLockConfiguration whose GOVERNANCE default "
    "retention is at least {days} days."
)


def details(graph, config=None):
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in evaluate(POLICY, graph, config=config)}


def test_locked_dataset_buckets_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, LOCKED)) == []


def test_each_way_to_leave_a_dataset_bucket_unlocked_is_reported(tmp_path):
    graph = run_snippet(
        tmp_path,
        LOCKED
        + """
aws.s3.Bucket("unlocked", tags={"dataset-store": "golden"})
aws.s3.Bucket("no-configuration", object_lock_enabled=True, tags={"dataset-store": "golden"})
short = aws.s3.Bucket("short", object_lock_enabled=True, tags={"dataset-store": "golden"})
aws.s3.BucketObjectLockConfiguration(
    "short-lock", bucket=short.id, rule={"default_retention": {"mode": "GOVERNANCE", "days": 30}}
)
no_default = aws.s3.Bucket("no-default", object_lock_enabled=True, tags={"dataset-store": "golden"})
aws.s3.BucketObjectLockConfiguration("no-default-lock", bucket=no_default.id, object_lock_enabled="Enabled")
""",
    )
    fix = FIX.format(days=365)
    assert details(graph) == {
        "unlocked": f"Dataset bucket 'unlocked' is not object-locked; {fix}",
        "no-configuration": f"Dataset bucket 'no-configuration' has no object lock configuration; {fix}",
        "short": f"Dataset bucket 'short': its default retention is 30 days, below 365; {fix}",
        "no-default": f"Dataset bucket 'no-default': its object lock configuration sets no default retention; {fix}",
    }
    assert {d.enforcement for d in evaluate(POLICY, graph)} == {"mandatory"}


def test_the_minimum_is_configurable(tmp_path):
    found = details(run_snippet(tmp_path, LOCKED), config={"minimumRetentionDays": 1000})
    assert found == {
        "compliance": f"Dataset bucket 'compliance': its default retention is 730 days, below 1000; "
        f"{FIX.format(days=1000)}"
    }


def test_unknown_values_are_violations_never_passes():
    unknown_lock = graph_of(
        resource(
            "aws:s3/bucket:Bucket",
            {"bucket": "g", "objectLockEnabled": UNKNOWN, "tags": {"dataset-store": "golden"}},
            name="g",
        ),
    )
    assert details(unknown_lock) == {
        "g": f"Dataset bucket 'g': object_lock_enabled is not known during preview; {FIX.format(days=365)}"
    }
    unknown_tags = graph_of(
        resource("aws:s3/bucket:Bucket", {"bucket": "g", "tags": {"dataset-store": UNKNOWN}}, name="g")
    )
    assert details(unknown_tags) == {
        "g": "S3 bucket 'g': its tags are not known during preview, so whether it is a dataset bucket (and must be "
        "object-locked) cannot be told; set its tags literally."
    }
    unknown_days = graph_of(
        resource(
            "aws:s3/bucket:Bucket",
            {"bucket": "g", "objectLockEnabled": True, "tags": {"dataset-store": "golden"}},
            name="g",
        ),
        resource(
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            {"bucket": "g", "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": UNKNOWN}}},
            name="g-lock",
        ),
    )
    assert details(unknown_days) == {
        "g": "Dataset bucket 'g': its default retention's days is not known during preview; set it literally; "
        f"{FIX.format(days=365)}"
    }
