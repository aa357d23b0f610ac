"""The quarterly report takes the AWS drills' own reports: row-level restore, PITR with the achieved RPO,
failover and failback with the data-loss figure, each judged against tier0, and A1.3's evidence reads it.

The drills run on moto with the local PostgreSQL behind the connector (as in test_aws_*.py), so their
reports are stand-in runs: counted here with `include_stand_ins`, as `drill report --include-stand-ins` does.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from trustfabric.drills.common import Aws
from trustfabric.drills.database.server import Server
from trustfabric.drills.failover import FailoverOptions, run_failback, run_failover
from trustfabric.drills.quarterly import build_quarterly, parse_quarter
from trustfabric.drills.restore import RestoreOptions, run_restore
from trustfabric.evidence.matrix import load_drill_reports

from .conftest import StandInDatabases
from .test_aws_failover import PRIMARY, STANDBY, replica_of
from .test_aws_pitr import pitr
from .test_aws_restore import restored_source

QUIET = {"echo": lambda _: None}


def quarter_of_today() -> str:
    today = dt.datetime.now(dt.UTC)
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_the_aws_drills_reports_are_judged_per_tier_and_reach_a13(
    aws: Aws, primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    for region in (PRIMARY, STANDBY):
        aws.client("secretsmanager", region).create_secret(
            Name="trustfabric/prod/uk/ledger-drill", SecretString=json.dumps({"username": "ledger_writer"})
        )
    stand_ins = [
        StandInDatabases(primary, restored_source),
        StandInDatabases(primary, replica_of(PRIMARY, STANDBY)),
        StandInDatabases(primary, replica_of(STANDBY, PRIMARY)),
    ]
    try:
        restore = RestoreOptions(stores=("rds",), ledger_rows=10, ca_bundle=ca_bundle)
        run_restore("UK", aws=aws, options=restore, reports_dir=reports, connector=stand_ins[0], **QUIET)
        pitr(aws, primary, ca_bundle, reports)
        options = FailoverOptions(seed=True, commits=5, ca_bundle=ca_bundle)
        run_failover("UK", aws=aws, options=options, reports_dir=reports, connector=stand_ins[1], **QUIET)
        run_failback("UK", aws=aws, options=options, reports_dir=reports, connector=stand_ins[2], **QUIET)
    finally:
        for stand_in in stand_ins:
            stand_in.close()

    practice = build_quarterly(parse_quarter(quarter_of_today()), reports)
    counted = build_quarterly(parse_quarter(quarter_of_today()), reports, include_stand_ins=True)

    assert {drill: entry["status"] for drill, entry in practice.results["UK"].items()} == dict.fromkeys(
        ("restore", "pitr", "failover", "failback"), "missing"
    )  # moto runs are practice, never production evidence
    uk = counted.results["UK"]
    assert {drill: entry["status"] for drill, entry in uk.items()} == dict.fromkeys(
        ("restore", "pitr", "failover", "failback"), "pass"
    ), {drill: entry["reasons"] for drill, entry in uk.items()}
    assert uk["pitr"]["tiers"]["tier0"]["rpo"]["target_seconds"] == 300
    assert uk["failover"]["tiers"]["tier0"]["acknowledged_missing"] == 0
    assert uk["failback"]["tiers"]["tier0"]["rpo"]["met"] is True
    json_path, _ = counted.write(tmp_path / "out")
    (record,) = load_drill_reports(json_path.parent)
    assert record.name == "quarterly" and record.status == "fail"  # EU, US and CA have no drills here
    assert "UK restore" not in json.loads(json_path.read_text())["summary"]
