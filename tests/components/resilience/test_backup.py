"""Cell backup: vaults, locks, access policies, plans by tier, copies to the paired region, selections."""

from __future__ import annotations

import pytest

from components.resilience.backup import (
    BACKUP_ROLE_POLICIES,
    PROTECTED_ACTIONS,
    CellBackupArgs,
    validate_args,
)
from domain.residency import JURISDICTIONS
from tests.components.helpers import CELLS, UK_PROD, document, only, parent_type, provider_region, refusal
from trustfabric.engine import ACCOUNT_ID

VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
VAULT_POLICY = "aws:backup/vaultPolicy:VaultPolicy"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

STATUTORY_DAYS = {"UK": 2192, "EU": 3653, "US": 2557, "CA": 2192}
"""6, 10, 7 and 6 years with every leap day the span can hold."""


def test_statutory_days_match_the_residency_table():
    assert {code: j.retention_days for code, j in JURISDICTIONS.items()} == STATUTORY_DAYS


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_a_vault_per_cell_region_encrypted_with_the_backups_key(stack, request):
    graph = request.getfixturevalue(stack)
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        region = jurisdiction.primary_region if stack == "prod" else jurisdiction.standby_region
        vault = only(graph, VAULT, f"{cell}-backup-vault")
        assert vault.props["name"] == f"trustfabric-prod-{cell}-{region}"
        assert provider_region(graph, vault) == region
        key_name = f"{cell}-keyring-backups" if stack == "prod" else f"{cell}-keyring-backups-replica"
        keys = [graph.get(urn) for urn in vault.property_dependencies["kmsKeyArn"]]
        assert [key.name for key in keys if key is not None] == [key_name]
        assert vault.props["forceDestroy"] is False
        assert parent_type(graph, vault) == "trustfabric:resilience:CellBackup"


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_production_vaults_are_locked_in_compliance_mode(stack, request):
    graph = request.getfixturevalue(stack)
    # The cells' vaults (tenants' own vaults, under their own keys, are tests/components/governance's; the evidence
    # store's, in the audit account, tests/components/security's).
    locks = {
        lock.name: lock.props
        for lock in graph.of_type(LOCK)
        if parent_type(graph, lock) == "trustfabric:resilience:CellBackup"
        and "trustfabric:security:EvidenceStore$" not in lock.urn
    }
    assert set(locks) == {f"{cell}-backup-vault-lock" for cell in CELLS}
    for code, days in STATUTORY_DAYS.items():
        lock = locks[f"{code.lower()}-backup-vault-lock"]
        # changeable_for_days set: compliance mode (immutable once the grace period ends).
        assert lock["changeableForDays"] == 3
        assert lock["minRetentionDays"] == 7
        assert lock["maxRetentionDays"] == days


def test_dev_vault_is_not_locked_and_does_not_copy(dev):
    assert dev.of_type(LOCK) == []
    for plan in dev.of_type(PLAN):
        assert all(not rule.get("copyActions") for rule in plan.props["rules"])


def test_vault_access_policy_denies_tampering_to_everyone(prod):
    policy = only(prod, VAULT_POLICY, "uk-backup-vault-policy")
    (statement,) = document(policy, "policy")["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == {"AWS": "*"}
    assert sorted(statement["Action"]) == sorted(PROTECTED_ACTIONS)
    assert statement["Resource"].startswith("arn:aws:backup:eu-west-2:")


@pytest.mark.parametrize("code", sorted(STATUTORY_DAYS))
def test_records_plans_keep_the_statutory_retention(prod, dr, code):
    for graph in (prod, dr):
        for tier in ("records", "tier0"):
            plan = only(graph, PLAN, f"{code.lower()}-backup-{tier}")
            lifecycles = [rule["lifecycle"] for rule in plan.props["rules"]]
            assert max(lifecycle["deleteAfter"] for lifecycle in lifecycles) >= STATUTORY_DAYS[code]
            for lifecycle in lifecycles:
                if lifecycle.get("coldStorageAfter") is not None:
                    assert lifecycle["deleteAfter"] >= lifecycle["coldStorageAfter"] + 90


def test_tier0_plan_is_hourly_with_continuous_backup_for_35_days(prod):
    plan = only(prod, PLAN, "uk-backup-tier0")
    hourly = next(rule for rule in plan.props["rules"] if rule["ruleName"] == "tier0-hourly")
    assert hourly["schedule"] == "cron(0 * * * ? *)"
    assert hourly["enableContinuousBackup"] is True
    assert hourly["lifecycle"]["deleteAfter"] == 35


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_every_rule_copies_to_the_same_cells_vault_in_the_paired_region(stack, request, prod, dr):
    graph = request.getfixturevalue(stack)
    other = dr if stack == "prod" else prod
    other_vaults = {vault.props["name"] for vault in other.of_type(VAULT)}
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        paired = jurisdiction.standby_region if stack == "prod" else jurisdiction.primary_region
        target = f"arn:aws:backup:{paired}:{ACCOUNT_ID}:backup-vault:trustfabric-prod-{cell}-{paired}"
        for tier in ("tier0", "records"):
            for rule in only(graph, PLAN, f"{cell}-backup-{tier}").props["rules"]:
                assert [action["destinationVaultArn"] for action in rule["copyActions"]] == [target]
                assert rule["copyActions"][0]["lifecycle"] == rule["lifecycle"]
        # The copy target is exactly the vault the other stack of the pair declares.
        assert target.rsplit(":", 1)[1] in other_vaults


def test_selections_cover_every_data_store_of_the_cell(prod):
    for cell in CELLS:
        tier0 = only(prod, SELECTION, f"{cell}-backup-tier0-selection")
        names = sorted(prod.get(urn).name for urn in tier0.property_dependencies["resources"])  # type: ignore[union-attr]
        # The just-in-time access requests table is declared once, in prod's first cell (stacks/identity.py).
        access = [f"{cell}-access-requests"] if cell == "uk" else []
        assert names == [*access, f"{cell}-ledger-cluster", f"{cell}-ledger-events-table"]
        conditions = tier0.props["conditions"][0]["stringEquals"]
        assert {"key": "aws:ResourceTag/backup-tier", "value": "tier0"} in conditions
        assert {"key": "aws:ResourceTag/jurisdiction", "value": cell.upper()} in conditions
        records = only(prod, SELECTION, f"{cell}-backup-records-selection")
        # The ModelOps stores (stacks/modelops.py) and the golden dataset store (stacks/quality.py) join the records
        # tier: tagged stores here, their logs untagged.
        model_stores = sorted(
            r.name for r in prod.of_type("aws:s3/bucket:Bucket") if r.name.startswith(f"{cell}-model-stores-")
        )
        model_logs = [name for name in model_stores if name.endswith("-logs")]
        model_data = [name for name in model_stores if not name.endswith("-logs")]
        assert sorted(prod.get(u).name for u in records.property_dependencies["resources"]) == sorted(  # type: ignore[union-attr]
            [*model_data, f"{cell}-datasets-bucket", f"{cell}-records-bucket"]
        )
        logs = only(prod, SELECTION, f"{cell}-backup-records-untagged-selection")
        # Never the evidence store: it lives in the audit account, where AWS Backup of this account cannot select,
        # and backs itself up there (tests/components/security/test_evidence_store.py).
        # The data-governance layer's stores (stacks/governance.py): the erasure ledger, each tenant's access logs.
        # A tenant's bucket is backed up by its own plan into a vault under the tenant's key (TenantBackup), never
        # into the cell's vault.
        tenant = {"uk": "contoso", "eu": "northwind"}.get(cell)
        tenants = [f"{cell}-tenant-{tenant}-logs"] if tenant else []
        assert sorted(prod.get(u).name for u in logs.property_dependencies["resources"]) == sorted(  # type: ignore[union-attr]
            [
                f"{cell}-audit-access-logs",
                f"{cell}-audit-bucket",
                f"{cell}-datasets-logs",
                f"{cell}-erasure-ledger-table",
                *model_logs,
                f"{cell}-records-logs",
                *tenants,
            ]
        )
    stores = prod.of_type("aws:s3/bucket:Bucket", "aws:rds/cluster:Cluster", "aws:dynamodb/table:Table")
    selected = {urn for s in prod.of_type(SELECTION) for urn in s.property_dependencies.get("resources", [])}
    resilience_stores = {
        s.urn
        for s in stores
        if any(f"trustfabric:{layer}:" in s.urn for layer in ("resilience", "governance", "quality"))
    }
    assert resilience_stores and resilience_stores <= selected


def test_dr_backs_up_the_dynamodb_replica_it_does_not_declare(dr):
    selection = only(dr, SELECTION, "uk-backup-tier0-selection")
    assert (
        f"arn:aws:dynamodb:eu-west-1:{ACCOUNT_ID}:table/trustfabric-prod-uk-ledger-events"
        in (selection.props["resources"])
    )


def test_backup_role_has_the_managed_policies_and_the_boundary(prod):
    role = only(prod, ROLE, "uk-backup-role")
    assert document(role, "assumeRolePolicy")["Statement"][0]["Principal"] == {"Service": "backup.amazonaws.com"}
    assert role.props["permissionsBoundary"] == f"arn:aws:iam::{ACCOUNT_ID}:policy/trustfabric-prod-uk-boundary"
    attached = {a.props["policyArn"] for a in prod.of_type(ATTACHMENT) if a.name.startswith("uk-backup-role-")}
    assert attached == set(BACKUP_ROLE_POLICIES)


ARGS = {**UK_PROD, "kms_key_arn": "k"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"copy_to_region": "eu-central-1"},
            "CellBackup: copy_to_region: region 'eu-central-1' is outside UK's allowed regions; "
            "allowed: eu-west-2, eu-west-1",
        ),
        (
            {"copy_to_region": "eu-west-2"},
            "CellBackup: copy_to_region: 'eu-west-2' is the vault's own region; allowed: eu-west-1",
        ),
        ({"retention_days": 2000}, "CellBackup: retention_days: 2000 is out of range; allowed: 2192..36500"),
        ({"tiers": ("tier0", "gold")}, "CellBackup: tiers: unknown tier 'gold'; allowed: tier0, records"),
        (
            {"tiers": ("tier0",), "protected": {"records": ["arn"]}},
            "CellBackup: protected: tier 'records' has no plan; allowed: tier0",
        ),
        (
            {"vault_lock_changeable_for_days": 1},
            "CellBackup: vault_lock_changeable_for_days: 1 is out of range; allowed: 3..36500",
        ),
        (
            {"vault_lock_min_retention_days": 60},
            "CellBackup: vault_lock_min_retention_days: 60 is out of range; allowed: 1..35",
        ),
        (
            {"region": "us-east-1"},
            "CellBackup: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    assert refusal(lambda: validate_args(CellBackupArgs(**{**ARGS, **overrides}))) == message


def test_a_cell_name_that_makes_a_selection_name_longer_than_50_characters_is_refused():
    fits = "e" * (50 - len("trustfabric--records-untagged-selection"))
    validate_args(CellBackupArgs(**{**ARGS, "cell": fits, "untagged": {"records": ["arn"]}}))
    too_long = fits + "x"
    name = f"trustfabric-{too_long}-records-untagged-selection"
    assert len(name) == 51
    assert refusal(
        lambda: validate_args(CellBackupArgs(**{**ARGS, "cell": too_long, "untagged": {"records": ["arn"]}}))
    ) == (
        f"CellBackup: cell: {too_long!r} makes the selection name {name!r} 51 characters long; "
        "allowed: at most 50 (AWS Backup's limit)"
    )
