"""The AWS failover drill's data-loss figure: acknowledged transactions before the cut, counted after promotion.

moto runs the failover itself (Route53, the read replica's promotion) and Secrets Manager; the connector maps
the ledger database in the region being left onto a local database and the promoted one onto a copy of it
made after promotion, so the drill's own writes, commit log and row checksums run on real rows. `lag` leaves
the newest N acknowledged transactions out of the copy: the asynchronous cross-region replica that never
received them. Not tested against AWS: the real replication lag, and that RDS accepts the IAM token.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trustfabric.drills.common import Aws
from trustfabric.drills.database.server import Server
from trustfabric.drills.failover import FailoverOptions, run_failback, run_failover
from trustfabric.drills.report import DrillOutcome

from .conftest import StandInDatabases

SECRET = "trustfabric/prod/uk/ledger-drill"
PRIMARY, STANDBY = "eu-west-2", "eu-west-1"
WRITE = f"data: acknowledged transactions on the ledger writer in {PRIMARY}"
CHECK = f"data: acknowledged transactions and rows on the promoted database in {STANDBY}"


def replica_of(source: str, target: str) -> Callable[[str], str | None]:
    """The database in `target` is a copy of the one in `source`."""
    return lambda key: key.replace(f".{target}", f".{source}") if key.endswith(f".{target}") else None


@pytest.fixture
def secret(aws: Aws) -> str:
    for region in (PRIMARY, STANDBY):  # a replicated secret: readable in either region
        aws.client("secretsmanager", region).create_secret(
            Name=SECRET, SecretString=json.dumps({"username": "ledger_writer"})
        )
    return SECRET


@pytest.fixture
def databases(primary: Server) -> Iterator[Callable[..., StandInDatabases]]:
    made: list[StandInDatabases] = []

    def make(source: str = PRIMARY, target: str = STANDBY, lag: int = 0) -> StandInDatabases:
        made.append(StandInDatabases(primary, replica_of(source, target), lag=lag))
        return made[-1]

    yield make
    for stand_in in made:
        stand_in.close()


def drill(aws: Aws, stand_in: StandInDatabases, ca_bundle: str, tmp_path: Path, **options: object) -> DrillOutcome:
    chosen = FailoverOptions(seed=True, commits=12, ca_bundle=ca_bundle, **options)  # type: ignore[arg-type]
    return run_failover("UK", aws=aws, options=chosen, reports_dir=tmp_path, echo=lambda _: None, connector=stand_in)


def test_a_failover_with_every_transaction_replicated_reports_zero_lost_next_to_the_rto(
    aws: Aws, secret: str, databases: Callable[..., StandInDatabases], ca_bundle: str, tmp_path: Path
) -> None:
    stand_in = databases()
    outcome = drill(aws, stand_in, ca_bundle, tmp_path)

    report = outcome.report
    assert outcome.exit_code == 0, report.verdict
    loss = report.measurements["data_loss"]
    assert (loss["acknowledged"], loss["acknowledged_missing"], loss["rpo_seconds"]) == (12, 0, 0.0)
    assert (loss["replication"], loss["rpo_target_seconds"], loss["rpo_met"]) == ("asynchronous", 60, True)
    assert report.measurements["rows_lost"] == 0
    assert report.measurements["rto_seconds"]["tier0"]["rto_met"] is True  # the drill's own RTO, kept
    assert report.verdict.endswith("; 0 acknowledged transaction(s) lost, within tier0's RPO")
    labels = {step.name: step.label for step in report.steps}
    assert labels[WRITE] == labels[CHECK] == "done"
    pre_checked, written, checked = stand_in.seen  # the login's pre-check, before anything moves
    assert pre_checked.host == written.host and f".{PRIMARY}." in written.host and f".{STANDBY}." in checked.host
    assert labels[f"readiness: ledger database login in {PRIMARY}"] == "done"
    for endpoint in (pre_checked, written, checked):
        assert (endpoint.user, endpoint.sslmode, endpoint.sslrootcert) == ("ledger_writer", "verify-full", ca_bundle)
        assert str(endpoint.password).startswith(f"{endpoint.host}:5432/?Action=connect&DBUser=ledger_writer&")


def test_transactions_the_replica_never_received_are_counted_and_judged_against_the_rpo(
    aws: Aws, secret: str, databases: Callable[..., StandInDatabases], ca_bundle: str, tmp_path: Path
) -> None:
    within_rpo = drill(aws, databases(lag=3), ca_bundle, tmp_path)
    strict = drill(aws, databases(lag=3), ca_bundle, tmp_path, require_zero_loss=True)

    loss = within_rpo.report.measurements["data_loss"]
    assert (loss["acknowledged"], loss["acknowledged_missing"]) == (12, 3)
    assert within_rpo.report.measurements["commits"]["missing"] == [1_000_009, 1_000_010, 1_000_011]
    assert 0 < loss["rpo_seconds"] < 60 and loss["rpo_met"] is True  # asynchronous: within tier0's 1 min
    assert within_rpo.exit_code == 0, within_rpo.report.verdict
    assert strict.exit_code == 1
    assert strict.report.measurements["data_loss"]["acknowledged_missing"] == 3
    assert "3 acknowledged transaction(s) missing after promotion; --require-zero-loss requires 0" in (
        strict.report.verdict
    )


def test_a_failback_must_lose_nothing(
    aws: Aws, secret: str, databases: Callable[..., StandInDatabases], ca_bundle: str, tmp_path: Path
) -> None:
    stand_in = databases(source=STANDBY, target=PRIMARY, lag=2)
    options = FailoverOptions(seed=True, commits=12, ca_bundle=ca_bundle)
    outcome = run_failback(
        "UK", aws=aws, options=options, reports_dir=tmp_path, echo=lambda _: None, connector=stand_in
    )

    assert outcome.exit_code == 1
    loss = outcome.report.measurements["data_loss"]
    assert (loss["acknowledged_missing"], loss["zero_loss_required"], loss["rpo_met"]) == (2, True, False)
    assert "2 acknowledged transaction(s) missing after promotion; a planned failback requires 0" in (
        outcome.report.verdict
    )


def test_with_the_primary_declared_lost_there_is_no_data_loss_figure(
    aws: Aws, secret: str, databases: Callable[..., StandInDatabases], ca_bundle: str, tmp_path: Path
) -> None:
    stand_in = databases()
    outcome = drill(aws, stand_in, ca_bundle, tmp_path, primary_down=True)

    labels = {step.name: step.label for step in outcome.report.steps}
    assert labels[WRITE].startswith("skipped (")
    assert labels[CHECK].startswith(f"skipped ({PRIMARY} declared lost (--primary-down): no acknowledged")
    assert "data_loss" not in outcome.report.measurements and stand_in.seen == []
