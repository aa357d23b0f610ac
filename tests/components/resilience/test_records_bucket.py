"""Records bucket: encryption, object lock, lifecycle, TLS, public access, logging, replication to the pair."""

from __future__ import annotations

import pytest

from components.resilience.records_bucket import RecordsBucketArgs, paired_key_arn, validate_args
from domain.residency import JURISDICTIONS
from tests.components.helpers import UK_PROD, document, named, only, parent_type, provider_region, refusal
from trustfabric.engine import ACCOUNT_ID

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOGGING = "aws:s3/bucketLogging:BucketLogging"


def records_name(cell: str, region: str) -> str:
    return f"trustfabric-prod-{cell}-records-{region}-{ACCOUNT_ID}"


def key_names(graph, resource, prop):
    return [graph.get(urn).name for urn in resource.property_dependencies[prop]]


def test_records_bucket_is_versioned_locked_and_tagged_for_its_tier(prod):
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        bucket = only(prod, BUCKET, f"{cell}-records-bucket")
        assert bucket.props["bucket"] == records_name(cell, jurisdiction.primary_region)
        assert bucket.props["objectLockEnabled"] is True
        assert bucket.props["tags"] == {"backup-tier": "records", "data-class": "statutory-record"}
        assert provider_region(prod, bucket) == jurisdiction.primary_region
        assert parent_type(prod, bucket) == "trustfabric:resilience:RecordsBucket"
        lock = only(prod, LOCK, f"{cell}-records-bucket-object-lock")
        assert lock.props["rule"]["defaultRetention"] == {
            "mode": "COMPLIANCE",
            "years": jurisdiction.retention_years,
        }
        versioning = named(prod, f"{cell}-records-bucket-versioning")
        assert versioning.props["versioningConfiguration"]["status"] == "Enabled"


def test_records_are_encrypted_with_the_data_key(prod, dev):
    sse = only(prod, SSE, "uk-records-bucket-encryption")
    (rule,) = sse.props["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule["bucketKeyEnabled"] is True
    assert key_names(prod, sse, "rules") == ["uk-keyring-data-restricted"]
    assert key_names(prod, sse, "bucket") == ["uk-records-bucket"]
    # dev's cell is confidential: the confidential data key.
    assert key_names(dev, only(dev, SSE, "uk-records-bucket-encryption"), "rules") == ["uk-keyring-data-confidential"]


def test_access_log_buckets_rely_on_sse_s3_and_are_classified_internal(prod, dr):
    """S3 delivers server access logs only into SSE-S3 buckets (ADR 0006): no SSE-KMS configuration, no lock."""
    for graph in (prod, dr):
        for code in JURISDICTIONS:
            logs = only(graph, BUCKET, f"{code.lower()}-records-logs")
            assert logs.props["tags"] == {"data-classification": "internal"}
            assert logs.props["objectLockEnabled"] is False
            assert [s.name for s in graph.of_type(SSE) if logs.urn in s.property_dependencies.get("bucket", [])] == []
            assert [r.name for r in graph.of_type(LOCK) if logs.urn in r.property_dependencies.get("bucket", [])] == []


def test_lifecycles_expire_after_the_retention_and_abort_incomplete_uploads(prod):
    for code, jurisdiction in JURISDICTIONS.items():
        (rule,) = only(prod, LIFECYCLE, f"{code.lower()}-records-bucket-lifecycle").props["rules"]
        assert rule["noncurrentVersionTransitions"] == [{"noncurrentDays": 30, "storageClass": "GLACIER"}]
        assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == jurisdiction.retention_days
        assert rule["expiration"]["days"] == jurisdiction.retention_days
        assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
        (logs_rule,) = only(prod, LIFECYCLE, f"{code.lower()}-records-logs-lifecycle").props["rules"]
        assert logs_rule["expiration"]["days"] == 400
        assert logs_rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
        assert logs_rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}


def test_both_buckets_are_private_tls_only_and_records_are_access_logged(prod):
    for bucket in ("uk-records-bucket", "uk-records-logs"):
        block = only(prod, PAB, f"{bucket}-public-access-block").props
        assert all(
            block[flag] is True
            for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        )
    name = records_name("uk", "eu-west-2")
    statements = {s["Sid"]: s for s in document(only(prod, POLICY, "uk-records-bucket-policy"), "policy")["Statement"]}
    tls = statements["DenyInsecureTransport"]
    assert tls["Principal"] == "*" and tls["Action"] == "s3:*"
    assert tls["Resource"] == [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    logs_policy = {s["Sid"]: s for s in document(only(prod, POLICY, "uk-records-logs-policy"), "policy")["Statement"]}
    assert logs_policy["S3ServerAccessLogs"]["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert logs_policy["S3ServerAccessLogs"]["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{name}"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
    }
    assert logs_policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    logging = only(prod, LOGGING, "uk-records-bucket-logging")
    assert [prod.get(u).name for u in logging.property_dependencies["targetBucket"]] == ["uk-records-logs"]


def test_prod_replicates_to_the_dr_bucket_with_the_replica_key(prod, dr):
    dr_buckets = {b.props["bucket"] for b in dr.of_type(BUCKET)}
    for code, jurisdiction in JURISDICTIONS.items():
        cell, paired = code.lower(), jurisdiction.standby_region
        config = only(prod, REPLICATION, f"{cell}-records-bucket-replication")
        (rule,) = config.props["rules"]
        assert rule["status"] == "Enabled"
        assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
        destination = rule["destination"]
        assert destination["bucket"] == f"arn:aws:s3:::{records_name(cell, paired)}"
        assert records_name(cell, paired) in dr_buckets
        replica_key = destination["encryptionConfiguration"]["replicaKmsKeyId"]
        assert replica_key.split(":")[3] == paired
        assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
        role = only(prod, "aws:iam/role:Role", f"{cell}-records-replication-role")
        assert role.props["permissionsBoundary"].endswith(f":policy/trustfabric-prod-{cell}-boundary")


def test_dr_bucket_is_the_replica_target_and_does_not_replicate(dr):
    assert dr.of_type(REPLICATION) == []
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        bucket = only(dr, BUCKET, f"{cell}-records-bucket")
        assert bucket.props["bucket"] == records_name(cell, jurisdiction.standby_region)
        assert bucket.props["tags"]["replica-of"] == f"arn:aws:s3:::{records_name(cell, jurisdiction.primary_region)}"


def test_dev_is_single_region(dev):
    assert dev.of_type(REPLICATION) == []
    assert (
        only(dev, BUCKET, "uk-records-bucket").props["bucket"] == f"trustfabric-dev-uk-records-eu-west-2-{ACCOUNT_ID}"
    )


def test_paired_key_arn_swaps_the_region_only():
    arn = "arn:aws:kms:eu-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
    assert paired_key_arn(arn, "eu-west-1") == arn.replace("eu-west-2", "eu-west-1")
    assert (
        refusal(lambda: paired_key_arn("alias/x", "eu-west-1"))
        == "'alias/x' is not a KMS key ARN; allowed: arn:aws:kms:<region>:<account>:key/<id>"
    )


ARGS = {
    **UK_PROD,
    "kms_key_arn": "k",
}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"replicate_to_region": "eu-central-1", "replica_kms_key_arn": "r"},
            "RecordsBucket: replicate_to_region: region 'eu-central-1' is outside UK's allowed regions; "
            "allowed: eu-west-2, eu-west-1",
        ),
        (
            {"replicate_to_region": "eu-west-1"},
            "RecordsBucket: replica_kms_key_arn: required with replicate_to_region; "
            "allowed: the data key's replica in eu-west-1",
        ),
        (
            {"replica_source_region": "eu-west-2"},
            "RecordsBucket: replica_source_region: 'eu-west-2' is the bucket's own region; allowed: eu-west-1",
        ),
        (
            {
                "replicate_to_region": "eu-west-1",
                "replica_kms_key_arn": "r",
                "replica_source_region": "eu-west-1",
            },
            "RecordsBucket: replica_source_region: a replica target does not replicate itself; "
            "allowed: one of replicate_to_region, replica_source_region",
        ),
        ({"retention_years": 5}, "RecordsBucket: retention_years: 5 is out of range; allowed: 6..100"),
        (
            {"access_log_retention_days": 90},
            "RecordsBucket: access_log_retention_days: 90 is out of range; allowed: 365..3653",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    assert refusal(lambda: validate_args(RecordsBucketArgs(**{**ARGS, **overrides}))) == message


def test_eu_retention_below_ten_years_is_rejected():
    with pytest.raises(ValueError) as error:
        validate_args(
            RecordsBucketArgs(**{**ARGS, "jurisdiction": "EU", "region": "eu-central-1", "retention_years": 7})
        )
    assert str(error.value) == "RecordsBucket: retention_years: 7 is out of range; allowed: 10..100"
