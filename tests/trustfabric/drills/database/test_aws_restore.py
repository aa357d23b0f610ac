"""The AWS restore drill's RDS store, verified row by row: moto for the RDS and Secrets Manager calls, the
local PostgreSQL for the rows.

The drill builds its database endpoints from what RDS reports (asserted here: the seeding login from the
Secrets Manager secret, the verification login with an IAM token, both TLS verify-full); the connector maps
the source instance onto a fresh database and the restored instance onto a copy of it made after the
snapshot, so the drill's own seeding, checksums and verification run on real rows. Not tested against AWS:
that RDS accepts the token and the CA bundle, and the time a real restore takes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from trustfabric.drills.common import Aws
from trustfabric.drills.database.server import Server
from trustfabric.drills.report import DrillOutcome
from trustfabric.drills.restore import RestoreOptions, run_restore
from trustfabric.errors import TrustFabricError

from .conftest import StandInDatabases

REGION = "eu-west-2"


def restored_source(key: str) -> str | None:
    identifier, region = key.split(".")
    return f"{identifier.removesuffix('-restored')}.{region}" if identifier.endswith("-restored") else None


@pytest.fixture
def stand_in(primary: Server) -> Iterator[StandInDatabases]:
    databases = StandInDatabases(primary, restored_source)
    try:
        yield databases
    finally:
        databases.close()


def restore(aws: Aws, stand_in: StandInDatabases, ca_bundle: str, tmp_path: Path, **options: object) -> DrillOutcome:
    chosen = RestoreOptions(stores=("rds",), ledger_rows=30, ca_bundle=ca_bundle, **options)  # type: ignore[arg-type]
    return run_restore("UK", aws=aws, options=chosen, reports_dir=tmp_path, echo=lambda _: None, connector=stand_in)


def test_a_clean_restore_verifies_every_ledger_row_through_iam_and_tls(
    aws: Aws, stand_in: StandInDatabases, ca_bundle: str, tmp_path: Path
) -> None:
    outcome = restore(aws, stand_in, ca_bundle, tmp_path)

    report = outcome.report
    assert outcome.exit_code == 0, report.verdict
    assert report.measurements["rows_lost"] == 0
    assert (report.measurements["rows_changed"], report.measurements["rows_unexpected"]) == (0, 0)
    assert report.measurements["tables_missing"] == []
    tables = report.measurements["rows"]["tables"]
    assert {name: table["actual_rows"] for name, table in tables.items()} == {
        "accounts": 21, "journal_entries": 30, "journal_lines": 90, "tenants": 3
    }  # fmt: skip
    assert report.verdict.startswith("144 ledger rows restored and verified by SHA-256, 0 lost")
    seeding, *others = stand_in.seen
    assert seeding.host.startswith("tf-drill-uk-") and ".eu-west-2." in seeding.host
    assert (seeding.user, seeding.sslmode, seeding.sslrootcert) == ("drill_admin", "verify-full", ca_bundle)
    (verification,) = others
    assert verification.host.split(".")[0] == seeding.host.split(".")[0] + "-restored"
    assert (verification.user, verification.sslmode, verification.sslrootcert) == (
        "ledger_drill", "verify-full", ca_bundle
    )  # fmt: skip
    assert str(verification.password).startswith(f"{verification.host}:5432/?Action=connect&DBUser=ledger_drill&")
    statuses = {step.name: step.label for step in report.steps}
    assert statuses["rds: verify every ledger row (IAM token, TLS)"] == "done"
    # Everything the drill created is gone: instances, snapshot and both secrets.
    assert aws.client("rds", REGION).describe_db_instances()["DBInstances"] == []
    assert aws.client("secretsmanager", REGION).list_secrets()["SecretList"] == []


def test_injected_row_loss_is_reported_as_that_many_rows_and_fails(
    aws: Aws, stand_in: StandInDatabases, ca_bundle: str, tmp_path: Path
) -> None:
    outcome = restore(aws, stand_in, ca_bundle, tmp_path, inject_row_loss=4)

    report = outcome.report
    assert outcome.exit_code == 1
    assert report.measurements["rows_lost"] == 4
    lines = report.measurements["rows"]["tables"]["journal_lines"]
    assert (lines["status"], lines["rows_lost"], lines["lost"]) == (
        "differs",
        4,
        ["[1, 1]", "[1, 2]", "[1, 3]", "[2, 1]"],
    )
    assert report.verdict.startswith("4 tables, 144 rows expected: 4 lost, 0 changed, 0 unexpected")
    statuses = {step.name: step.label for step in report.steps}
    assert statuses["rds: verify every ledger row (IAM token, TLS)"].startswith(
        "failed (4 tables, 144 rows expected: 4 lost,"
    )
    data = json.loads(outcome.json_path.read_text())
    assert data["measurements"]["rows_lost"] == 4 and data["passed"] is False


def test_without_a_ca_bundle_the_drill_is_bad_input(aws: Aws, stand_in: StandInDatabases, tmp_path: Path) -> None:
    with pytest.raises(TrustFabricError, match=r"^RDS CA bundle /nonexistent\.pem not found; download "):
        restore(aws, stand_in, "/nonexistent.pem", tmp_path)
