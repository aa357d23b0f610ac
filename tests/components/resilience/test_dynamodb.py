"""Ledger events table: CMK, point-in-time recovery, a replica in the paired region in prod only."""

from __future__ import annotations

import pytest

from components.resilience.dynamodb import LedgerTableArgs, validate_args
from domain.residency import JURISDICTIONS
from tests.components.helpers import only, parent_type, provider_region, refusal

TABLE = "aws:dynamodb/table:Table"


def test_prod_tables_are_global_with_a_replica_in_the_paired_region(prod):
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        table = only(prod, TABLE, f"{cell}-ledger-events-table")
        props = table.props
        assert props["name"] == f"trustfabric-prod-{cell}-ledger-events"
        assert props["serverSideEncryption"]["enabled"] is True
        key = props["serverSideEncryption"]["kmsKeyArn"]
        assert [prod.get(u).name for u in table.property_dependencies["serverSideEncryption"]] == [
            f"{cell}-keyring-data-restricted"
        ]
        assert props["pointInTimeRecovery"] == {"enabled": True}
        assert props["deletionProtectionEnabled"] is True
        (replica,) = props["replicas"]
        assert replica["regionName"] == jurisdiction.standby_region
        assert replica["pointInTimeRecovery"] is True and replica["propagateTags"] is True
        # The replica key is the data key's multi-Region replica: same key id, paired region.
        assert replica["kmsKeyArn"] == key.replace(
            f":{jurisdiction.primary_region}:", f":{jurisdiction.standby_region}:"
        )
        assert props["tags"] == {"backup-tier": "tier0"}
        assert provider_region(prod, table) == jurisdiction.primary_region
        assert parent_type(prod, table) == "trustfabric:resilience:LedgerTable"


def test_dr_declares_no_table_and_dev_has_no_replica(dr, dev):
    assert dr.of_type(TABLE) == []
    assert "replicas" not in only(dev, TABLE, "uk-ledger-events-table").props


ARGS = {
    "deployment": "prod",
    "cell": "ca",
    "jurisdiction": "CA",
    "region": "ca-central-1",
    "kms_key_arn": "k",
}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"replica_region": "us-east-1", "replica_kms_key_arn": "r"},
            "LedgerTable: replica_region: region 'us-east-1' is outside CA's allowed regions; "
            "allowed: ca-central-1, ca-west-1",
        ),
        (
            {"replica_region": "ca-central-1", "replica_kms_key_arn": "r"},
            "LedgerTable: replica_region: 'ca-central-1' is the table's own region; allowed: ca-west-1",
        ),
        (
            {"replica_region": "ca-west-1"},
            "LedgerTable: replica_kms_key_arn: required with replica_region; allowed: the data key's replica in "
            "ca-west-1",
        ),
        (
            {"jurisdiction": "FR"},
            "LedgerTable: jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    assert refusal(lambda: validate_args(LedgerTableArgs(**{**ARGS, **overrides}))) == message
