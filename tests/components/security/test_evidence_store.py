"""The evidence store: one locked bucket in prod, COMPLIANCE mode for the longest statutory retention."""

from __future__ import annotations

import pytest

from components.security.evidence_store import LONGEST_STATUTORY_RETENTION_DAYS, EvidenceStoreArgs, validate_args
from tests.components.helpers import only, provider_region, refusal, statements
from trustfabric.engine import ACCOUNT_ID

BUCKET = "aws:s3/bucket:Bucket"


def test_longest_statutory_retention_is_the_eus_ten_years() -> None:
    assert LONGEST_STATUTORY_RETENTION_DAYS == 3653


def test_prod_declares_one_store_locked_for_the_longest_retention(prod, dr, dev):
    bucket = only(prod, BUCKET, "uk-evidence-bucket")
    assert bucket.props["bucket"] == f"tf-prod-uk-audit-evidence-{ACCOUNT_ID}-eu-west-2"
    assert bucket.props["objectLockEnabled"] is True and bucket.options.get("protect") is True
    assert provider_region(prod, bucket) == "eu-west-2"
    lock = only(
        prod,
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "uk-evidence-bucket-object-lock",
    )
    assert lock.props["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 3653}
    stores = [r for r in prod.of_type("trustfabric:security:EvidenceStore")]
    assert [store.name for store in stores] == ["uk-evidence"]
    assert dr.of_type("trustfabric:security:EvidenceStore") == []
    assert dev.of_type("trustfabric:security:EvidenceStore") == []


def test_store_is_encrypted_tls_only_logged_and_expires_after_its_lock(prod):
    sse = only(
        prod,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "uk-evidence-bucket-encryption",
    )
    rule = sse.props["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule["sseAlgorithm"] == "aws:kms" and rule["kmsMasterKeyId"]
    deny = statements(only(prod, "aws:s3/bucketPolicy:BucketPolicy", "uk-evidence-bucket-policy"), "policy")
    assert deny["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    logging = only(prod, "aws:s3/bucketLogging:BucketLogging", "uk-evidence-bucket-logging")
    assert logging.props["targetPrefix"] == "uk/evidence/"
    lifecycle = only(
        prod,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "uk-evidence-bucket-lifecycle",
    )
    assert lifecycle.props["rules"][0]["expiration"] == {"days": 3653}


def test_backup_selects_the_store_with_the_records_tier(prod):
    selection = only(prod, "aws:backup/selection:Selection", "uk-backup-records-untagged-selection")
    names = {prod.get(urn).name for urn in selection.property_dependencies["resources"]}  # type: ignore[union-attr]
    assert {"uk-evidence-bucket", "uk-evidence-access-logs"} <= names


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"retention_days": 2557}, "EvidenceStore: retention_days: 2557 is out of range; allowed: 3653..36500"),
        (
            {"region": "us-east-1"},
            "EvidenceStore: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            {"access_log_retention_days": 30},
            "EvidenceStore: access_log_retention_days: 30 is out of range; allowed: 365..3653",
        ),
        ({"stack": ""}, "EvidenceStore: stack: must not be empty"),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    args = {"stack": "prod", "cell": "uk", "jurisdiction": "UK", "region": "eu-west-2", "kms_key_arn": "arn:key"}
    assert refusal(lambda: validate_args(EvidenceStoreArgs(**{**args, **changes}))) == message
