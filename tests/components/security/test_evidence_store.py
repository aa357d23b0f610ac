"""The evidence store: one locked bucket in prod, in the audit account, COMPLIANCE mode for the longest statutory
retention, written and read across accounts by named roles only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.security.evidence_store import LONGEST_STATUTORY_RETENTION_DAYS, EvidenceStoreArgs, validate_args
from tests.components.helpers import (
    dependency_names,
    only,
    provider_region,
    provider_tags,
    refusal,
    role_arn,
    statements,
)
from tests.stacks.mutations import Mutation, delete_resources
from trustfabric.engine import ACCOUNT_ID

BUCKET = "aws:s3/bucket:Bucket"
AUDIT_ACCOUNT = "444455556666"
"""Pulumi.prod.yaml: trust-fabric:audit.accountId."""
AUDIT_ROLE = f"arn:aws:iam::{AUDIT_ACCOUNT}:role/trustfabric-evidence-store-deployer"
COPY_PROVIDER: Any = object()
"""Stands for the audit account's provider in the copy region: validation only checks that one is given."""


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
    providers = {prod.get(urn).name: prod.get(urn) for urn in {r.provider for r in children}}  # type: ignore[union-attr]
    # The store's region, and the paired region its backup copies go to: both the audit account's.
    assert sorted(providers) == ["uk-audit-account", "uk-audit-account-eu-west-1"]
    in_paired_region = {r.name for r in children if prod.get(r.provider).name == "uk-audit-account-eu-west-1"}  # type: ignore[union-attr, arg-type]
    assert in_paired_region == {
        "uk-evidence-backup-copy-key",
        "uk-evidence-backup-copy-vault",
        "uk-evidence-backup-copy-vault-policy",
        "uk-evidence-backup-copy-vault-lock",
        # Backup failures in that region page from there (test_every_audit_account_vault_region_pages_...).
        "uk-evidence-backup-copy-paging-key",
        "uk-evidence-backup-copy-paging-platform",
        "uk-evidence-backup-copy-paging-platform-policy",
        "uk-evidence-backup-copy-paging-platform-pagerduty",
        "uk-evidence-backup-copy-paging-backup-job-failed",
        "uk-evidence-backup-copy-paging-backup-job-failed-page",
    }
    store = only(prod, BUCKET, "uk-evidence-bucket")
    for provider in providers.values():
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


def _provider_name(graph, resource) -> str:
    provider = graph.get(resource.provider)
    assert provider is not None
    return provider.name


def test_the_store_is_backed_up_in_the_audit_account_not_by_the_workload_selection(prod):
    store = only(prod, BUCKET, "uk-evidence-bucket").props["bucket"]
    logs = only(prod, BUCKET, "uk-evidence-access-logs").props["bucket"]
    selection = only(prod, "aws:backup/selection:Selection", "uk-evidence-backup-records-untagged-selection")
    assert _provider_name(prod, selection) == "uk-audit-account"
    assert selection.props["resources"] == [f"arn:aws:s3:::{store}", f"arn:aws:s3:::{logs}"]
    assert selection.props["conditions"] == [{"stringEquals": [{"key": "aws:ResourceTag/jurisdiction", "value": "UK"}]}]
    role = f"arn:aws:iam::{AUDIT_ACCOUNT}:role/trustfabric-prod-uk-evidence-eu-west-2-backup"
    assert selection.props["iamRoleArn"] == role
    # AWS Backup selects only its own account's resources: no workload selection names the store any more.
    for workload in prod.of_type("aws:backup/selection:Selection"):
        if workload is selection:
            continue
        names = {prod.get(urn).name for urn in workload.property_dependencies.get("resources", [])}  # type: ignore[union-attr]
        assert not names & {"uk-evidence-bucket", "uk-evidence-access-logs"}, workload.name
        assert not {f"arn:aws:s3:::{store}", f"arn:aws:s3:::{logs}"} & set(workload.props.get("resources") or [])


def test_the_backup_keeps_the_stores_retention_and_copies_to_the_paired_region(prod):
    plan = only(prod, "aws:backup/plan:Plan", "uk-evidence-backup-records")
    assert _provider_name(prod, plan) == "uk-audit-account"
    [rule] = plan.props["rules"]
    assert rule["targetVaultName"] == "trustfabric-prod-uk-evidence-eu-west-2"
    assert rule["lifecycle"]["deleteAfter"] == LONGEST_STATUTORY_RETENTION_DAYS
    copy_vault = f"arn:aws:backup:eu-west-1:{AUDIT_ACCOUNT}:backup-vault:trustfabric-prod-uk-evidence-eu-west-1"
    assert [action["destinationVaultArn"] for action in rule["copyActions"]] == [copy_vault]
    assert rule["copyActions"][0]["lifecycle"]["deleteAfter"] == LONGEST_STATUTORY_RETENTION_DAYS
    target = only(prod, "aws:backup/vault:Vault", "uk-evidence-backup-copy-vault")
    assert target.props["name"] == "trustfabric-prod-uk-evidence-eu-west-1"
    assert _provider_name(prod, target) == "uk-audit-account-eu-west-1"
    assert provider_region(prod, target) == "eu-west-1"
    assert provider_tags(prod, target)["jurisdiction"] == "UK"


@pytest.mark.parametrize(
    ("vault", "key", "region"),
    [
        ("uk-evidence-backup", "uk-evidence-backup-key", "eu-west-2"),
        ("uk-evidence-backup-copy", "uk-evidence-backup-copy-key", "eu-west-1"),
    ],
)
def test_both_vaults_are_locked_undeletable_and_under_an_audit_account_key(prod, vault, key, region):
    resource = only(prod, "aws:backup/vault:Vault", f"{vault}-vault")
    key_resource = only(prod, "aws:kms/key:Key", key)
    assert resource.props["kmsKeyArn"].startswith(f"arn:aws:kms:{region}:{AUDIT_ACCOUNT}:key/")
    assert key_resource.props["enableKeyRotation"] is True and key_resource.options.get("protect") is True
    assert provider_region(prod, key_resource) == region
    key_policy = statements(key_resource, "policy")
    assert key_policy["KeyAdministration"]["Principal"] == {"AWS": [AUDIT_ROLE]}
    assert key_policy["BackupServiceUse"]["Condition"] == {"StringEquals": {"aws:SourceAccount": AUDIT_ACCOUNT}}
    lock = only(prod, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", f"{vault}-vault-lock")
    assert (lock.props["minRetentionDays"], lock.props["maxRetentionDays"]) == (7, LONGEST_STATUTORY_RETENTION_DAYS)
    assert lock.props["changeableForDays"] == 3  # compliance mode: immutable once the grace period ends
    deny = statements(only(prod, "aws:backup/vaultPolicy:VaultPolicy", f"{vault}-vault-policy"), "policy")
    assert deny["DenyRecoveryPointTampering"]["Effect"] == "Deny"
    assert "backup:DeleteRecoveryPoint" in deny["DenyRecoveryPointTampering"]["Action"]


def test_the_backup_role_uses_the_managed_s3_policies_and_may_read_the_store_through_s3(prod):
    role = only(prod, "aws:iam/role:Role", "uk-evidence-backup-role")
    assert _provider_name(prod, role) == "uk-audit-account"
    assert role.props["name"] == "trustfabric-prod-uk-evidence-eu-west-2-backup"
    # The audit account has no IAM baseline: the store's own boundary, in the same account (docs/adr/0016).
    boundary = only(prod, "aws:iam/policy:Policy", "uk-evidence-boundary")
    assert _provider_name(prod, boundary) == "uk-audit-account"
    assert role.property_dependencies["permissionsBoundary"] == [boundary.urn]
    assert boundary.props["name"] == "trustfabric-prod-uk-evidence-boundary"
    boundary_statements = statements(boundary, "policy")
    assert boundary_statements["DenyOutsideJurisdictionRegions"]["Condition"] == {
        "StringNotEquals": {"aws:RequestedRegion": ["eu-west-2", "eu-west-1"]}
    }
    trust = statements(role, "assumeRolePolicy")
    [statement] = trust.values()
    assert statement["Principal"] == {"Service": "backup.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": AUDIT_ACCOUNT}}
    attached = {
        only(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"uk-evidence-backup-role-policy-{i}").props[
            "policyArn"
        ]
        for i in range(4)
    }
    assert {
        "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
        "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
    } <= attached
    key = statements(only(prod, "aws:kms/key:Key", "uk-evidence-store-key"), "policy")
    assert key["DecryptThroughS3ForEvidenceBackup"] == {
        "Sid": "DecryptThroughS3ForEvidenceBackup",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{AUDIT_ACCOUNT}:role/trustfabric-prod-uk-evidence-eu-west-2-backup"]},
        "Action": ["kms:Decrypt", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-2.amazonaws.com"}},
    }


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
        (
            {"copy_region": "us-west-2", "copy_provider": COPY_PROVIDER},
            "EvidenceStore: copy_region: region 'us-west-2' is outside UK's allowed regions; allowed: eu-west-2, "
            "eu-west-1",
        ),
        (
            {"copy_region": "eu-west-2", "copy_provider": COPY_PROVIDER},
            "EvidenceStore: copy_region: 'eu-west-2' is the store's own region; allowed: eu-west-1",
        ),
        (
            {"copy_region": "eu-west-1"},
            "EvidenceStore: copy_provider: missing for copy_region 'eu-west-1'; allowed: the audit account's "
            "provider in that region",
        ),
        (
            {"copy_provider": COPY_PROVIDER},
            "EvidenceStore: copy_region: missing for copy_provider; allowed: another region of the jurisdiction",
        ),
        (
            {"alert_endpoint": None},
            "EvidenceStore: alert_endpoint: missing; allowed: the HTTPS endpoint of the platform service's "
            "CloudWatch integration (a backup failure in the audit account must page someone)",
        ),
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
        "alert_endpoint": "https://events.pagerduty.com/integration/x/enqueue",
    }
    assert refusal(lambda: validate_args(EvidenceStoreArgs(**{**args, **changes}))) == message


VAULT = "aws:backup/vault:Vault"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
BACKUP_FAILURE_STATES = {"FAILED", "EXPIRED", "ABORTED"}


def _assumed_account(graph, resource) -> str | None:
    provider = graph.get(resource.provider) if resource.provider else None
    roles = provider.props.get("assumeRoles") if provider is not None else None
    roles = json.loads(roles) if isinstance(roles, str) else roles
    return roles[-1]["roleArn"].split(":")[4] if roles else None


def paged_backup_regions(graph) -> dict[str, list[str]]:
    """Region of each audit-account backup vault -> the platform service's CloudWatch integrations that a failed
    backup or copy job there reaches: a rule of the audit account in that region, matching AWS Backup's failures,
    targeting a topic there subscribed over HTTPS to the integration. Regions with no path map to []."""
    regions: dict[str, list[str]] = {}
    for vault in graph.of_type(VAULT):
        if _assumed_account(graph, vault) != AUDIT_ACCOUNT:
            continue
        region = provider_region(graph, vault)
        reached = regions.setdefault(region, [])
        for rule in graph.of_type(RULE):
            same_place = (_assumed_account(graph, rule), provider_region(graph, rule)) == (AUDIT_ACCOUNT, region)
            pattern = json.loads(rule.props["eventPattern"])
            if not same_place or pattern.get("source") != ["aws.backup"]:
                continue
            if set(pattern["detail-type"]) != {"Backup Job State Change", "Copy Job State Change"}:
                continue
            if set(pattern["detail"]["state"]) != BACKUP_FAILURE_STATES or rule.props.get("eventBusName"):
                continue
            for target in graph.of_type(TARGET):
                if rule.urn not in target.property_dependencies.get("rule", []):
                    continue
                for topic_urn in target.property_dependencies.get("arn", []):
                    topic = graph.resources[topic_urn]
                    assert topic.type == TOPIC and provider_region(graph, topic) == region
                    for subscription in graph.of_type(SUBSCRIPTION):
                        if topic_urn in subscription.property_dependencies.get("topic", []):
                            assert subscription.props["protocol"] == "https"
                            assert subscription.props["endpointAutoConfirms"] is True
                            reached.extend(dependency_names(graph, subscription, "endpoint"))
    return regions


def test_every_audit_account_vault_region_pages_backup_failures_to_the_platform_service(prod):
    # The audit account's vaults are where the store's backup runs (eu-west-2) and where its copies go (eu-west-1).
    assert paged_backup_regions(prod) == {
        "eu-west-2": ["oncall-platform-cloudwatch"],
        "eu-west-1": ["oncall-platform-cloudwatch"],
    }
    # The same integration the workload account's backup failures page (stacks/oncall.py).
    assert dependency_names(prod, only(prod, SUBSCRIPTION, "uk-paging-platform-pagerduty"), "endpoint") == [
        "oncall-platform-cloudwatch"
    ]


def test_dropping_a_regions_rule_leaves_that_region_paging_nobody(prod):
    mutated = delete_resources(
        prod,
        [
            Mutation(
                policy="aws-backup-vault-failures-paged",
                stack="prod",
                type=RULE,
                name="uk-evidence-backup-copy-paging-backup-job-failed",
                change="drop the copy region's backup failure rule",
                expect="page nobody",
                edit=None,
            )
        ],
    )
    assert paged_backup_regions(mutated) == {"eu-west-2": ["oncall-platform-cloudwatch"], "eu-west-1": []}


@pytest.mark.parametrize(
    ("paging", "region"), [("uk-evidence-backup-paging", "eu-west-2"), ("uk-evidence-backup-copy-paging", "eu-west-1")]
)
def test_the_audit_alert_topics_are_encrypted_with_an_audit_key_eventbridge_of_that_account_may_use(
    prod, paging, region
):
    topic = only(prod, TOPIC, f"{paging}-platform")
    assert topic.props["name"] == "trustfabric-prod-uk-evidence-oncall-platform"
    assert topic.props["kmsMasterKeyId"].startswith(f"arn:aws:kms:{region}:{AUDIT_ACCOUNT}:key/")
    assert dependency_names(prod, topic, "kmsMasterKeyId") == [f"{paging}-key"]
    key = only(prod, "aws:kms/key:Key", f"{paging}-key")
    assert key.props["enableKeyRotation"] is True and provider_region(prod, key) == region
    key_statements = statements(key, "policy")
    assert key_statements["KeyAdministration"]["Principal"] == {"AWS": [AUDIT_ROLE]}
    assert key_statements["EventBridgePublishToEncryptedTopics"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": AUDIT_ACCOUNT}
    }
    publish = statements(only(prod, "aws:sns/topicPolicy:TopicPolicy", f"{paging}-platform-policy"), "policy")
    assert publish["AccountAlertsPublish"]["Condition"] == {"StringEquals": {"aws:SourceAccount": AUDIT_ACCOUNT}}
    rule = only(prod, RULE, f"{paging}-backup-job-failed")
    assert rule.props["description"].endswith("Runbook: runbooks/backup-job-failed.md")
