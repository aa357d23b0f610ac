"""TenantBackup: a tenant's recovery points land in a vault under the tenant's own key, copy to the tenant's vault
in the paired region, and the tenant's bucket is selected by nothing else; exact validation errors."""

from __future__ import annotations

import dataclasses

import pytest

from components.governance.tenant_backup import TenantBackupArgs, validate_args
from tests.policies.harness import run_snippet

PROGRAM = """
import pulumi
import pulumi_aws as aws
from components.governance.tenant_data import TenantData, TenantDataArgs

provider = aws.Provider("eu", region="eu-central-1")
TenantData("acme", TenantDataArgs(deployment="prod", cell="eu", jurisdiction="EU", region="eu-central-1",
           tenant_id="acme", custodian_arn="arn:aws:iam::210987654321:role/acme-key-custodian",
           backup_copy_to_region="eu-west-1", permissions_boundary_arn="arn:aws:iam::123456789012:policy/boundary"),
           opts=pulumi.ResourceOptions(provider=provider))
TenantData("dev-tenant", TenantDataArgs(deployment="dev", cell="eu", jurisdiction="EU", region="eu-central-1",
           tenant_id="globex", custodian_arn="arn:aws:iam::210987654321:role/globex-key-custodian",
           enable_backup_vault_lock=False), opts=pulumi.ResourceOptions(provider=provider))
"""
ARGS = TenantBackupArgs(
    deployment="prod", jurisdiction="EU", region="eu-central-1", tenant_id="acme", kms_key_arn="k", role_arn="r"
)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("tenant-backup"), PROGRAM, region="eu-central-1")


def named(graph, name):
    [found] = [r for r in graph.custom_resources if r.name == name]
    return found


def test_the_vault_is_encrypted_with_the_tenant_key(graph):
    vault = named(graph, "acme-backup-vault")
    assert vault.props["name"] == "trustfabric-prod-t-acme-eu-central-1"
    assert vault.property_dependencies["kmsKeyArn"] == [named(graph, "acme-key").urn]
    assert vault.props["tags"] == {"tenant": "acme"}


def test_the_plan_keeps_statutory_records_and_copies_to_the_tenants_paired_vault(graph):
    plan = named(graph, "acme-backup-plan")
    [rule] = plan.props["rules"]
    assert rule["targetVaultName"] == "trustfabric-prod-t-acme-eu-central-1"
    assert rule["lifecycle"]["deleteAfter"] >= 3653  # EU: 10 years
    [copy] = rule["copyActions"]
    assert (
        copy["destinationVaultArn"]
        == "arn:aws:backup:eu-west-1:123456789012:backup-vault:trustfabric-prod-t-acme-eu-west-1"
    )
    assert rule["recoveryPointTags"]["tenant"] == "acme"
    [dev_rule] = named(graph, "dev-tenant-backup-plan").props["rules"]
    assert "copyActions" not in dev_rule or not dev_rule["copyActions"]


def test_only_the_tenants_bucket_is_selected_with_the_tenants_role(graph):
    selection = named(graph, "acme-backup-selection")
    assert selection.property_dependencies["resources"] == [named(graph, "acme-bucket").urn]
    assert selection.property_dependencies["iamRoleArn"] == [named(graph, "acme-backup-role").urn]
    [condition] = selection.props["conditions"]
    assert condition["stringEquals"] == [
        {"key": "aws:ResourceTag/tenant", "value": "acme"},
        {"key": "aws:ResourceTag/jurisdiction", "value": "EU"},
    ]


def test_recovery_points_are_protected_and_locked_in_production(graph):
    assert "DeleteRecoveryPoint" in named(graph, "acme-backup-vault-policy").props["policy"]
    assert named(graph, "acme-backup-vault-lock").props["changeableForDays"] == 3
    assert not [r for r in graph.custom_resources if r.name == "dev-tenant-backup-vault-lock"]


def test_the_backup_role_is_bounded(graph):
    role = named(graph, "acme-backup-role")
    assert role.props["name"] == "trustfabric-prod-t-acme-eu-central-1-backup"
    assert role.props["permissionsBoundary"] == "arn:aws:iam::123456789012:policy/boundary"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"copy_to_region": "us-east-1"},
            "TenantBackup: copy_to_region: region 'us-east-1' is outside EU's allowed regions; allowed: eu-central-1, "
            "eu-west-1, eu-west-3, eu-north-1",
        ),
        (
            {"copy_to_region": "eu-central-1"},
            "TenantBackup: copy_to_region: 'eu-central-1' is the vault's own region; allowed: another region of EU",
        ),
        (
            {"deployment": "production-eu", "tenant_id": "northwind-trading"},
            "TenantBackup: tenant_id: 'northwind-trading' makes the vault name "
            "'trustfabric-production-eu-t-northwind-trading-eu-central-1' longer than 50 characters; allowed: a "
            "shorter tenant id",
        ),
    ],
)
def test_bad_arguments_are_refused_with_exact_messages(change, message):
    with pytest.raises(ValueError) as error:
        validate_args(dataclasses.replace(ARGS, **change))
    assert str(error.value) == message
