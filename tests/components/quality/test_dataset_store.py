"""Golden dataset store: GOVERNANCE lock, CMK, logging, replication in the pair, and who may do what."""

from __future__ import annotations

import pytest

from components.quality.dataset_store import DatasetStoreArgs, validate_args
from domain.residency import JURISDICTIONS
from tests.components.helpers import (
    CELLS,
    dependency_names,
    named,
    only,
    parent_type,
    provider_region,
    refusal,
    role_arn,
    statements,
)
from trustfabric.engine import ACCOUNT_ID

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
UK = {"deployment": "prod", "stack": "prod", "cell": "uk", "jurisdiction": "UK", "region": "eu-west-2"}


def store_name(cell: str, region: str, what: str = "datasets") -> str:
    return f"trustfabric-prod-{cell}-{what}-{region}-{ACCOUNT_ID}"


def test_every_cell_of_every_stack_has_a_governance_locked_dataset_bucket(prod, dr, dev):
    for graph, cells, region_of in (
        (prod, CELLS, lambda j: j.primary_region),
        (dr, CELLS, lambda j: j.standby_region),
        (dev, ("uk",), lambda j: j.primary_region),
    ):
        for cell in cells:
            jurisdiction = JURISDICTIONS[cell.upper()]
            bucket = only(graph, BUCKET, f"{cell}-datasets-bucket")
            assert bucket.props["objectLockEnabled"] is True
            assert bucket.props["tags"]["dataset-store"] == "golden"
            assert bucket.props["tags"]["backup-tier"] == "records"
            assert provider_region(graph, bucket) == region_of(jurisdiction)
            assert parent_type(graph, bucket) == "trustfabric:quality:DatasetStore"
            lock = only(graph, LOCK, f"{cell}-datasets-bucket-object-lock")
            assert lock.props["rule"]["defaultRetention"] == {"mode": "GOVERNANCE", "days": 3653}
            assert dependency_names(graph, lock, "bucket") == [f"{cell}-datasets-bucket"]
            versioning = named(graph, f"{cell}-datasets-bucket-versioning")
            assert versioning.props["versioningConfiguration"]["status"] == "Enabled"
    assert only(dev, BUCKET, "uk-datasets-bucket").props["bucket"] == (
        f"trustfabric-dev-uk-datasets-eu-west-2-{ACCOUNT_ID}"
    )


def test_objects_are_encrypted_with_the_cells_data_key_and_never_public(prod, dev):
    sse = only(prod, SSE, "uk-datasets-bucket-encryption")
    (rule,) = sse.props["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule["bucketKeyEnabled"] is True
    assert dependency_names(prod, sse, "rules") == ["uk-keyring-data-restricted"]
    assert dependency_names(dev, only(dev, SSE, "uk-datasets-bucket-encryption"), "rules") == [
        "uk-keyring-data-confidential"
    ]
    block = only(prod, PAB, "uk-datasets-bucket-public-access-block")
    assert all(
        block.props[flag] is True
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )


def test_access_is_logged_and_nothing_expires(prod):
    logging = only(prod, LOGGING, "uk-datasets-bucket-logging")
    assert dependency_names(prod, logging, "targetBucket") == ["uk-datasets-logs"]
    assert logging.props["targetPrefix"] == "datasets/eu-west-2/"
    logs = only(prod, BUCKET, "uk-datasets-logs")
    assert logs.props["bucket"] == store_name("uk", "eu-west-2", "datasets-logs")
    (rule,) = only(prod, LIFECYCLE, "uk-datasets-bucket-lifecycle").props["rules"]
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert "expiration" not in rule and "noncurrentVersionExpiration" not in rule


def test_nobody_deletes_a_released_version_and_only_curators_write(prod):
    policy = statements(only(prod, POLICY, "uk-datasets-bucket-policy"), "policy")
    arn = f"arn:aws:s3:::{store_name('uk', 'eu-west-2')}"
    assert policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert policy["DenyReleasedVersionDeletion"] == {
        "Sid": "DenyReleasedVersionDeletion",
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectVersion"],
        "Resource": f"{arn}/*",
    }
    curator = role_arn("prod", "uk", "dataset-curator")
    assert policy["OnlyCuratorsAddVersions"]["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": curator}}
    assert policy["OnlyCuratorsAddVersions"]["Effect"] == "Deny"
    evaluator = policy["EvaluationReadsOnly"]
    assert evaluator["Principal"] == {"AWS": role_arn("prod", "uk", "dataset-evaluator")}
    assert evaluator["Effect"] == "Deny" and "s3:GetObject" in evaluator["NotAction"]
    assert not any(a.startswith(("s3:Put", "s3:Delete")) for a in evaluator["NotAction"])


def test_curators_add_and_read_the_evaluator_only_reads(prod):
    curator = statements(only(prod, ROLE_POLICY, "uk-datasets-curator-policy"), "policy")
    assert "s3:PutObject" in curator["ReadAndAddObjects"]["Action"]
    assert curator["NeverDeleteReleasedVersions"]["Effect"] == "Deny"
    assert "s3:DeleteObjectVersion" in curator["NeverDeleteReleasedVersions"]["Action"]
    evaluator = statements(only(prod, ROLE_POLICY, "uk-datasets-evaluator-policy"), "policy")
    allowed = [
        a
        for s in evaluator.values()
        if s["Effect"] == "Allow"
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    assert sorted(allowed) == [
        "kms:Decrypt",
        "s3:GetBucketLocation",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetObject",
        "s3:GetObjectRetention",
        "s3:GetObjectVersion",
        "s3:ListBucket",
    ]
    role = only(prod, ROLE, "uk-datasets-evaluator")
    assert role.props["name"] == "trustfabric-prod-uk-dataset-evaluator"
    trust = statements(role, "assumeRolePolicy")["EvaluationPipeline"]
    assert trust["Condition"] == {"StringEquals": {"aws:PrincipalTag/trustfabric-evaluation-pipeline": "true"}}
    curator_trust = statements(only(prod, ROLE, "uk-datasets-curator"), "assumeRolePolicy")
    assert curator_trust["MfaAuthenticatedPrincipals"]["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    for name in ("uk-datasets-curator", "uk-datasets-evaluator", "uk-datasets-replication-role"):
        assert dependency_names(prod, only(prod, ROLE, name), "permissionsBoundary") == ["uk-iam-boundary"]


def test_prod_replicates_to_the_pair_and_dr_is_the_replica(prod, dr, dev):
    for cell in CELLS:
        jurisdiction = JURISDICTIONS[cell.upper()]
        replication = only(prod, REPLICATION, f"{cell}-datasets-bucket-replication")
        (rule,) = replication.props["rules"]
        assert rule["destination"]["bucket"] == f"arn:aws:s3:::{store_name(cell, jurisdiction.standby_region)}"
        assert rule["destination"]["replicationTime"]["status"] == "Enabled"
        assert rule["deleteMarkerReplication"] == {"status": "Disabled"}
        replica = only(dr, BUCKET, f"{cell}-datasets-bucket")
        assert replica.props["bucket"] == store_name(cell, jurisdiction.standby_region)
        assert replica.props["tags"]["replica-of"] == f"arn:aws:s3:::{store_name(cell, jurisdiction.primary_region)}"
    assert not [r for r in dr.of_type(REPLICATION) if "datasets" in r.name]
    assert not [r for r in dev.of_type(REPLICATION) if "datasets" in r.name]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jurisdiction": "FR"}, "DatasetStore: jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        (
            {"region": "us-east-1"},
            "DatasetStore: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            {"replicate_to_region": "eu-west-2", "replica_kms_key_arn": "k"},
            "DatasetStore: replicate_to_region: 'eu-west-2' is the bucket's own region; allowed: eu-west-1",
        ),
        (
            {"replicate_to_region": "eu-west-1"},
            "DatasetStore: replica_kms_key_arn: required with replicate_to_region; allowed: the data key's replica "
            "in eu-west-1",
        ),
        (
            {"replicate_to_region": "eu-west-1", "replica_kms_key_arn": "k", "replica_source_region": "eu-west-1"},
            "DatasetStore: replica_source_region: a replica target does not replicate itself; allowed: one of "
            "replicate_to_region, replica_source_region",
        ),
        ({"lock_days": 30}, "DatasetStore: lock_days: 30 is out of range; allowed: 365..36500"),
        (
            {"access_log_retention_days": 90},
            "DatasetStore: access_log_retention_days: 90 is out of range; allowed: 365..3653",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(change, message):
    assert refusal(lambda: validate_args(DatasetStoreArgs(**{**UK, "kms_key_arn": "k", **change}))) == message
