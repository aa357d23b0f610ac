"""The AWS point-in-time restore drill: RestoreDBClusterToPointInTime on moto, the rows on the local PostgreSQL.

moto creates, restores and deletes the clusters, and reports LatestRestorableTime; the connector maps the
scratch source cluster onto a fresh database (the drill seeds it and writes its transactions there) and the
restored cluster onto a copy of it as of the drill's target time (stream entries created after the target
removed: what Aurora's restore yields), so the drill's own checksums, commit log and RPO measurement run on
real rows. The two-part run (`--start` in one job, `--finish` in a later one) is tested the same way: the
request recorded in moto's Secrets Manager, a restore not yet available (a stopped cluster) left recorded.
Not tested against AWS: what a real restore recovers (the local PITR drill proves that on
PostgreSQL itself) and how long it takes.
"""

from __future__ import annotations

import json
from pathlib import Path

from trustfabric.drills.common import Aws
from trustfabric.drills.database.aws_pitr import (
    AwsPitrFinish,
    AwsPitrOptions,
    AwsPitrPending,
    AwsPitrStarted,
    run_aws_pitr,
    run_aws_pitr_finish,
)
from trustfabric.drills.database.aws_pitr_request import pending
from trustfabric.drills.database.server import Server
from trustfabric.drills.report import DrillOutcome

from .conftest import StandInDatabases

REGION = "eu-west-2"
RESTORE = "restore: RestoreDBClusterToPointInTime into a new cluster + verify rows and transactions (IAM, TLS)"


def restored_source(key: str) -> str | None:
    identifier, region = key.split(".")
    return f"{identifier}-src.{region}" if identifier.endswith("-pitr") else None


def pitr(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path, lag: int = 0
) -> tuple[DrillOutcome, StandInDatabases]:
    options = AwsPitrOptions(entries=20, commits=6, after_target=3, ca_bundle=ca_bundle)
    drill = run_aws_pitr("UK", aws=aws, options=options, reports_dir=tmp_path, echo=lambda _: None)
    stand_in = StandInDatabases(primary, restored_source, lag=lag, as_of=lambda: drill.target_time)
    drill.connector = stand_in
    try:
        return drill.run(), stand_in
    finally:
        stand_in.close()


def test_the_restore_recovers_every_row_and_transaction_before_the_target_and_measures_the_rpo(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    outcome, stand_in = pitr(aws, primary, ca_bundle, tmp_path)

    report = outcome.report
    assert outcome.exit_code == 0, report.verdict
    assert (report.drill, report.measurements["environment"]) == ("pitr", "aws")
    commits = report.measurements["commits"]
    assert (commits["sent"], commits["acknowledged"], commits["present"]) == (9, 6, 6)
    assert commits["beyond_target"] == [] and report.measurements["acknowledged_missing"] == 0
    tier0 = report.measurements["tiers"]["tier0"]
    assert 0 <= tier0["rpo_seconds"] < 5 and tier0["rpo_met"] and tier0["rto_met"]
    assert (tier0["rpo_target_seconds"], tier0["rto_target_seconds"]) == (300, 4 * 3600)
    assert report.measurements["rows_lost"] == 0 and report.measurements["tables_missing"] == []
    source_login, *_, restored_login = stand_in.seen
    assert source_login.host.startswith("tf-drill-uk-") and "-pitr-src.cluster-" in source_login.host
    assert "-pitr.cluster-" in restored_login.host and restored_login.user == "ledger_drill"
    assert (restored_login.sslmode, restored_login.sslrootcert) == ("verify-full", ca_bundle)
    assert str(restored_login.password).startswith(f"{restored_login.host}:5432/?Action=connect&DBUser=ledger_drill&")
    assert aws.client("rds", REGION).describe_db_clusters()["DBClusters"] == []  # both clusters deleted
    assert "## Rows by table" in outcome.markdown_path.read_text()


def test_acknowledged_transactions_missing_before_the_target_fail_the_drill(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    outcome, _ = pitr(aws, primary, ca_bundle, tmp_path, lag=2)

    assert outcome.exit_code == 1
    data = json.loads(outcome.json_path.read_text())
    assert data["measurements"]["acknowledged_missing"] == 2
    assert data["measurements"]["commits"]["missing"] == [1_000_004, 1_000_005]
    assert data["verdict"].startswith("2 acknowledged transaction(s) before the target missing")
    labels = {step["name"]: step["label"] for step in data["steps"]}
    assert labels[RESTORE].startswith("failed (2 acknowledged transaction(s) before the target missing")


def started_drill(aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path) -> tuple[AwsPitrStarted, StandInDatabases]:
    options = AwsPitrOptions(entries=20, commits=6, after_target=3, ca_bundle=ca_bundle)
    drill = run_aws_pitr("UK", aws=aws, options=options, reports_dir=tmp_path, echo=lambda _: None)
    stand_in = StandInDatabases(primary, restored_source, as_of=lambda: drill.target_time)
    drill.connector = stand_in
    return drill.start(), stand_in


def finisher(aws: Aws, stand_in: StandInDatabases, ca_bundle: str, tmp_path: Path, wait: float = 60) -> AwsPitrFinish:
    options = AwsPitrOptions(ca_bundle=ca_bundle, timeout_seconds=wait)
    return run_aws_pitr_finish("UK", aws=aws, options=options, reports_dir=tmp_path, echo=lambda _: None,
                               connector=stand_in)  # fmt: skip


def test_start_requests_the_restore_and_records_it_in_the_account_and_finish_verifies_reports_and_deletes(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    started, stand_in = started_drill(aws, primary, ca_bundle, tmp_path)
    try:
        assert started.outcome is None and started.request is not None
        request = started.request
        rds, secrets = aws.client("rds", REGION), aws.client("secretsmanager", REGION)
        clusters = {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}
        assert clusters == {request.source_cluster, request.target_cluster}
        assert list(tmp_path.glob("*.json")) == []  # no report yet: --finish writes it
        (recorded,) = pending(secrets, "UK")
        assert recorded.name == request.name and recorded.name.endswith("-pitr-request")
        assert recorded.restore_time == request.restore_time and recorded.checksums == request.checksums
        assert [c.entry_id for c in recorded.log.acknowledged()] == list(range(1_000_000, 1_000_009))

        (outcome,) = finisher(aws, stand_in, ca_bundle, tmp_path).finish_pending()
    finally:
        stand_in.close()

    assert isinstance(outcome, DrillOutcome) and outcome.exit_code == 0, outcome
    data = json.loads(outcome.json_path.read_text())
    assert (data["drill"], data["measurements"]["environment"]) == ("pitr", "aws")
    commits = data["measurements"]["commits"]
    assert (commits["acknowledged"], commits["present"], commits["beyond_target"]) == (6, 6, [])
    tier0 = data["measurements"]["tiers"]["tier0"]
    assert tier0["rpo_met"] and tier0["rto_met"] and tier0["rto_seconds"] > 0
    assert data["measurements"]["requested"]["request"] == request.name
    assert sum(data["measurements"]["requested"]["seeded"].values()) > 0
    restored_login = stand_in.seen[-1]
    assert "-pitr.cluster-" in restored_login.host and restored_login.user == "ledger_drill"
    assert rds.describe_db_clusters()["DBClusters"] == [] and rds.describe_db_instances()["DBInstances"] == []
    assert secrets.list_secrets()["SecretList"] == []  # credentials and the request record deleted
    assert finisher(aws, stand_in, ca_bundle, tmp_path).finish_pending() == []


def test_a_restore_not_yet_available_stays_recorded_and_a_later_finish_completes_it(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    started, stand_in = started_drill(aws, primary, ca_bundle, tmp_path)
    try:
        assert started.request is not None
        rds = aws.client("rds", REGION)
        rds.stop_db_cluster(DBClusterIdentifier=started.request.target_cluster)  # not available yet

        (early,) = finisher(aws, stand_in, ca_bundle, tmp_path, wait=0).finish_pending()
        assert isinstance(early, AwsPitrPending) and early.status == "stopped"
        assert early.request.name == started.request.name
        assert list(tmp_path.glob("*.json")) == []

        rds.start_db_cluster(DBClusterIdentifier=started.request.target_cluster)
        (later,) = finisher(aws, stand_in, ca_bundle, tmp_path).finish_pending()
    finally:
        stand_in.close()
    assert isinstance(later, DrillOutcome) and later.exit_code == 0, later.report.verdict
    assert pending(aws.client("secretsmanager", REGION), "UK") == []


def test_a_restore_that_loses_acknowledged_transactions_fails_at_finish(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    started, stand_in = started_drill(aws, primary, ca_bundle, tmp_path)
    assert started.request is not None
    stand_in.lag = 2
    try:
        (outcome,) = finisher(aws, stand_in, ca_bundle, tmp_path).finish_pending()
    finally:
        stand_in.close()
    assert isinstance(outcome, DrillOutcome) and outcome.exit_code == 1
    data = json.loads(outcome.json_path.read_text())
    assert data["measurements"]["commits"]["missing"] == [1_000_004, 1_000_005]
    assert data["verdict"].startswith("2 acknowledged transaction(s) before the target missing")
    assert aws.client("rds", REGION).describe_db_clusters()["DBClusters"] == []  # deleted even when it fails
