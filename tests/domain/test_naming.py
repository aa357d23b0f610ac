"""Deterministic names: each spelled out here once, as AWS and the other stack of a pair will see it."""

from __future__ import annotations

import ast

import pytest

from domain import naming
from tests.conftest import REPO_ROOT

ACCOUNT = "123456789012"


def test_table_arn_names_the_replica_by_region():
    assert naming.ledger_table_arn("123456789012", "prod", "uk", "eu-west-1") == (
        "arn:aws:dynamodb:eu-west-1:123456789012:table/trustfabric-prod-uk-ledger-events"
    )


IAM_NAMES = [
    (naming.role_name("prod", "uk", "break-glass"), "trustfabric-prod-uk-break-glass"),
    (
        naming.role_arn(ACCOUNT, "dr", "eu", "key-admin"),
        "arn:aws:iam::123456789012:role/trustfabric-dr-eu-key-admin",
    ),
    (naming.role_arn(ACCOUNT, "prod", "uk", "*"), "arn:aws:iam::123456789012:role/trustfabric-prod-uk-*"),
    (naming.boundary_name("prod", "ca"), "trustfabric-prod-ca-boundary"),
    (naming.boundary_arn(ACCOUNT, "prod", "ca"), "arn:aws:iam::123456789012:policy/trustfabric-prod-ca-boundary"),
    (naming.access_analyzer_name("dr", "eu-west-1"), "trustfabric-dr-eu-west-1"),
    (naming.permission_set_name("prod", "uk", "read-only"), "tf-prod-uk-read-only"),
    (naming.permission_set_name("staging", "uk", "incident-responder"), "tf-staging-uk-incident-responder"),
]


@pytest.mark.parametrize(("name", "expected"), IAM_NAMES, ids=[expected for _, expected in IAM_NAMES])
def test_iam_names_carry_the_stack_and_cell(name, expected):
    assert name == expected


def test_permission_set_names_are_cut_to_identity_centers_32_characters():
    assert naming.permission_set_name("preproduction", "uk", "incident-responder") == "tf-preproduction-uk-incident-res"


AUDIT_AND_KEY_NAMES = [
    (naming.audit_bucket_prefix("prod", "uk"), "tf-prod-uk-audit"),
    (
        naming.audit_bucket_name("prod", "uk", "trail", ACCOUNT, "eu-west-2"),
        "tf-prod-uk-audit-trail-123456789012-eu-west-2",
    ),
    (naming.cloudtrail_log_group_name("dr", "us"), "/trustfabric/dr/us/cloudtrail"),
    (naming.trail_name("prod"), "trustfabric-prod"),
    (
        naming.trail_arn("eu-west-2", ACCOUNT, "prod"),
        "arn:aws:cloudtrail:eu-west-2:123456789012:trail/trustfabric-prod",
    ),
    (naming.trail_topic_name("dr"), "trustfabric-dr-cloudtrail-log-files"),
    (naming.security_alert_topic_name("prod", "eu"), "trustfabric-prod-eu-security-alerts"),
    (naming.config_recorder_name("dev"), "trustfabric-dev"),
    (
        naming.config_rule_name("CW_LOGGROUP_RETENTION_PERIOD_CHECK"),
        "trustfabric-cw-loggroup-retention-period-check",
    ),
    (naming.key_alias_name("UK", "data-restricted"), "alias/trustfabric/uk/data-restricted"),
]


@pytest.mark.parametrize(
    ("name", "expected"), AUDIT_AND_KEY_NAMES, ids=[expected for _, expected in AUDIT_AND_KEY_NAMES]
)
def test_audit_and_key_names(name, expected):
    assert name == expected


STORE_NAMES = [
    (naming.bucket_arn("tf-prod-uk-audit-trail"), "arn:aws:s3:::tf-prod-uk-audit-trail"),
    (
        naming.records_bucket_name("prod", "uk", "eu-west-1", ACCOUNT),
        "trustfabric-prod-uk-records-eu-west-1-123456789012",
    ),
    (
        naming.records_log_bucket_name("prod", "uk", "eu-west-2", ACCOUNT),
        "trustfabric-prod-uk-records-logs-eu-west-2-123456789012",
    ),
    (
        naming.records_replication_role_name("prod", "ca", "ca-central-1"),
        "trustfabric-prod-ca-ca-central-1-records-replication",
    ),
    (naming.ledger_table_name("prod", "eu"), "trustfabric-prod-eu-ledger-events"),
    (naming.global_cluster_identifier("prod", "us"), "trustfabric-prod-us-ledger"),
    (naming.cluster_identifier("prod", "us", "us-west-2"), "trustfabric-prod-us-ledger-us-west-2"),
    (naming.backup_vault_name("prod", "uk", "eu-west-2"), "trustfabric-prod-uk-eu-west-2"),
    (
        naming.backup_vault_arn(ACCOUNT, "prod", "uk", "eu-west-1"),
        "arn:aws:backup:eu-west-1:123456789012:backup-vault:trustfabric-prod-uk-eu-west-1",
    ),
    (naming.backup_role_name("prod", "uk", "eu-west-1"), "trustfabric-prod-uk-eu-west-1-backup"),
    (naming.backup_plan_name("prod", "uk", "eu-west-2", "tier0"), "trustfabric-prod-uk-eu-west-2-tier0"),
    (
        naming.backup_selection_name("uk", "records", "untagged-selection"),
        "trustfabric-uk-records-untagged-selection",
    ),
    (naming.flow_log_group_name("prod", "eu", "eu-central-1"), "/trustfabric/prod/eu/eu-central-1/vpc-flow-logs"),
    (naming.flow_log_role_name("prod", "eu", "eu-west-1"), "trustfabric-prod-eu-eu-west-1-flow-logs"),
]


@pytest.mark.parametrize(("name", "expected"), STORE_NAMES, ids=[expected for _, expected in STORE_NAMES])
def test_store_names_are_shared_by_the_pair_and_apart_by_region(name, expected):
    assert name == expected


@pytest.mark.parametrize(
    ("deployment", "zone"),
    [("prod", "uk.trustfabric.example.com"), ("dev", "uk.dev.trustfabric.example.com")],
)
def test_the_primary_deployments_zones_sit_directly_under_the_domain(deployment, zone):
    assert naming.zone_name(deployment, "uk") == zone


def test_failover_record_names():
    zone = "ca.trustfabric.example.com"
    assert naming.service_record_name("api", zone) == "api.ca.trustfabric.example.com"
    assert naming.regional_endpoint("api", "ca-west-1", zone) == "api.ca-west-1.ca.trustfabric.example.com"
    assert naming.regional_label("api", "ca-west-1") == "api-ca-west-1"
    assert naming.query_log_group_name("us.trustfabric.example.com") == "/aws/route53/us.trustfabric.example.com"


def test_drill_scratch_names_never_look_like_a_stacks_names():
    assert naming.drill_prefix("UK", "20250101t120000-a1b2c3") == "tf-drill-uk-20250101t120000-a1b2c3"


def test_the_module_is_pure_data_without_pulumi():
    tree = ast.parse((REPO_ROOT / "domain" / "naming.py").read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported <= {"__future__"}
