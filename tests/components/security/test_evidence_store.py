"""The evidence store: one locked bucket in prod, in the audit account, COMPLIANCE mode for the longest statutory
retention, written and read across accounts by named roles only."""

from __future__ import annotations

import json

import pytest

from components.security.evidence_store import LONGEST_STATUTORY_RETENTION_DAYS, EvidenceStoreArgs, validate_args
from tests.components.helpers import only, provider_region, provider_tags, refusal, role_arn, statements
from trustfabric.engine import ACCOUNT_ID

BUCKET = "aws:s3/bucket:Bucket"
AUDIT_ACCOUNT = "444455556666"
"""Pulumi.prod.yaml: trust-fabric:audit.accountId."""
AUDIT_ROLE = f"arn:aws:iam::{AUDIT_ACCOUNT}:role/trustfabric-evidence-store-deployer"


def test_longest_statutory_retention_is_the_eus_ten_years() -> None:
    assert LONGEST_STATUTORY_RETENTION_DAYS == 3653


def test_prod_declares_one_store_locked_for_the_longest_retention(prod, dr, dev):
    bucket = only(prod, BUCKET, "uk-evidence-bucket")
    assert bucket.props["bucket"] == f"tf-prod-uk-audit-evidence-{AUDIT_ACCOUNT}-eu-west-2"
    assert AUDIT_ACCOUNT != ACCOUNT_ID
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


def test_every_part_of_the_store_is_declared_through_the_audit_account_provider(prod):
    store = only(prod, "trustfabric:security:EvidenceStore", "uk-evidence")
    children = [r for r in prod.resources.values() if r.custom and f"{store.type}$" in r.urn.split("::")[2]]
    assert {r.name for r in children} >= {"uk-evidence-store-key", "uk-evidence-bucket", "uk-evidence-access-logs"}
    [provider_urn] = {r.provider for r in children}
    provider = prod.get(provider_urn)  # type: ignore[arg-type]
    assert provider is not None and provider.name == "uk-audit-account"
    store = only(prod, BUCKET, "uk-evidence-bucket")
    roles = provider.props["assumeRoles"]
    roles = json.loads(roles) if isinstance(roles, str) else roles
    assert roles == [
        {
            "roleArn": AUDIT_ROLE,
            "externalId": "trustfabric-prod-evidence-store",
            "sessionName": "trustfabric-prod-evidence",
        }
    ]
    assert provider_region(prod, store) == "eu-west-2"
    assert provider_tags(prod, store)["jurisdiction"] == "UK"
    key = only(prod, "aws:kms/key:Key", "uk-evidence-store-key")
    assert key.props["enableKeyRotation"] is True and key.options.get("protect") is True


def test_the_key_admits_only_the_writer_and_the_auditor_through_s3(prod):
    key = statements(only(prod, "aws:kms/key:Key", "uk-evidence-store-key"), "policy")
    via_s3 = {"StringEquals": {"kms:ViaService": "s3.eu-west-2.amazonaws.com"}}
    assert key["KeyAdministration"]["Principal"] == {"AWS": [AUDIT_ROLE]}
    assert key["EncryptThroughS3ForEvidenceWriters"] == {
        "Sid": "EncryptThroughS3ForEvidenceWriters",
        "Effect": "Allow",
        "Principal": {"AWS": [role_arn("prod", "uk", "deploy")]},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": via_s3,
    }
    assert key["DecryptThroughS3ForEvidenceReaders"]["Principal"] == {"AWS": [role_arn("prod", "uk", "auditor")]}
    assert key["DecryptThroughS3ForEvidenceReaders"]["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
    allowed = [s for s in key.values() if s["Effect"] == "Allow"]
    assert all(s["Principal"] != "*" and s["Principal"] != {"AWS": "*"} for s in allowed)


def test_the_bucket_admits_locked_puts_by_the_writer_reads_by_the_auditor_and_no_deletion(prod):
    policy = statements(only(prod, "aws:s3/bucketPolicy:BucketPolicy", "uk-evidence-bucket-policy"), "policy")
    arn = f"arn:aws:s3:::tf-prod-uk-audit-evidence-{AUDIT_ACCOUNT}-eu-west-2"
    writer, auditor = role_arn("prod", "uk", "deploy"), role_arn("prod", "uk", "auditor")
    assert policy["PutLockedEvidenceByWriters"] == {
        "Sid": "PutLockedEvidenceByWriters",
        "Effect": "Allow",
        "Principal": {"AWS": [writer]},
        "Action": "s3:PutObject",
        "Resource": f"{arn}/*",
        "Condition": {
            "StringEquals": {"s3:object-lock-mode": "COMPLIANCE"},
            "NumericGreaterThanEquals": {"s3:object-lock-remaining-retention-days": "3653"},
        },
    }
    assert policy["ReadLedgerHeadByWriters"]["Resource"] == f"{arn}/ledger/*"
    assert policy["ReadEvidenceByReaders"]["Principal"] == {"AWS": [auditor]}
    assert not any(a.startswith(("s3:Delete", "s3:Put")) for a in policy["ReadEvidenceByReaders"]["Action"])
    assert policy["DenyPutExceptWriters"]["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [writer]}}
    assert policy["DenyEvidenceDeletion"]["Effect"] == "Deny"
    assert policy["DenyEvidenceDeletion"]["Action"] == [
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:BypassGovernanceRetention",
    ]


def test_store_is_encrypted_tls_only_logged_and_expires_after_its_lock(prod):
    sse = only(
        prod,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "uk-evidence-bucket-encryption",
    )
    rule = sse.props["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule["sseAlgorithm"] == "aws:kms"
    assert rule["kmsMasterKeyId"].startswith(f"arn:aws:kms:eu-west-2:{AUDIT_ACCOUNT}:key/")
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
        ({"writer_role_arns": ()}, "EvidenceStore: writer_role_arns: must not be empty"),
        ({"reader_role_arns": ()}, "EvidenceStore: reader_role_arns: must not be empty"),
        ({"deletion_window_in_days": 3}, "EvidenceStore: deletion_window_in_days: 3 is out of range; allowed: 7..30"),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    args = {
        "stack": "prod",
        "cell": "uk",
        "jurisdiction": "UK",
        "region": "eu-west-2",
        "audit_role_arn": AUDIT_ROLE,
        "writer_role_arns": ("arn:writer",),
        "reader_role_arns": ("arn:reader",),
    }
    assert refusal(lambda: validate_args(EvidenceStoreArgs(**{**args, **changes}))) == message
