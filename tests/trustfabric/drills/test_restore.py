"""The restore drill against a moto server: 0 lost on a normal run, loss and corruption detected, reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3

from trustfabric.drills.common import Aws
from trustfabric.drills.records import known_records, sha256, verify
from trustfabric.drills.restore import RestoreOptions, run_restore

SMALL = {"objects": 6, "items": 5}
SKIPPED_ROWS = (
    "skipped (this endpoint's instances hold no database (a stand-in); rows are verified against AWS, or in "
    "tests through a connector to a local PostgreSQL)"
)

EXPECTED_STEPS = [
    "s3: create versioned source bucket",
    "s3: write known objects",
    "s3: recovery point (object versions)",
    "dynamodb: create table with point-in-time recovery",
    "dynamodb: write known items",
    "dynamodb: create_backup",
    "dynamodb: point-in-time recovery window",
    "rds: create source instance",
    "rds: seed the ledger and take row checksums",
    "rds: create_db_snapshot",
    "incident: declare",
    "incident: overwrite and delete source objects",
    "s3: restore object versions into a new bucket",
    "fault injection: delete/corrupt restored objects",
    "s3: verify SHA-256 of every object",
    "dynamodb: restore_table_from_backup + verify SHA-256",
    "dynamodb: restore_table_to_point_in_time + verify SHA-256",
    "rds: restore_db_instance_from_db_snapshot",
    "fault injection: delete restored ledger rows",
    "rds: verify every ledger row (IAM token, TLS)",
    "cleanup: delete what the drill created",
]


def test_normal_run_restores_every_record_and_cleans_up(aws: Aws, reports_dir: Path, endpoint: str) -> None:
    outcome = run_restore("UK", aws=aws, options=RestoreOptions(**SMALL), reports_dir=reports_dir, echo=lambda _: None)

    report = outcome.report
    assert outcome.exit_code == 0, report.verdict
    assert report.measurements["records_written"] == 11
    assert report.measurements["records_lost"] == 0
    assert report.measurements["records_restored"] == 6 + 5 + 5  # S3 once, DynamoDB from backup and from PITR
    targets = report.measurements["restore_targets"]
    assert set(targets) == {
        "s3: new bucket from object versions",
        "dynamodb: new table from backup",
        "dynamodb: new table from point in time",
    }
    assert all(target["lost"] == 0 for target in targets.values())
    assert [step.name for step in report.steps] == EXPECTED_STEPS
    statuses = {step.name: step.label for step in report.steps}
    assert statuses["fault injection: delete/corrupt restored objects"] == "skipped (no fault injection requested)"
    # moto's instances hold no database: the ledger rows are not verified here (test_aws_restore.py verifies
    # them with a local PostgreSQL), and the report says so.
    no_database = SKIPPED_ROWS
    assert statuses["rds: seed the ledger and take row checksums"] == no_database
    assert statuses["rds: verify every ledger row (IAM token, TLS)"].startswith("skipped (needs rds: seed the ledger")
    assert report.measurements["rows"] is None and "rows_lost" not in report.measurements
    assert "rds: ledger rows not verified (see the seeding step)" in report.notes
    assert all(
        label == "done"
        for name, label in statuses.items()
        if not name.startswith("fault injection") and "ledger" not in name
    )
    # RPO: the newest recovery point of each store was seconds old at the incident; within the tier targets.
    rpo = report.measurements["rpo_seconds"]
    assert set(rpo) == {"s3", "dynamodb", "rds"}
    assert all(0 <= seconds < 60 for seconds in rpo.values())
    tiers = report.measurements["tiers"]
    assert tiers["tier0"]["rpo_met"] and tiers["records"]["rto_met"]
    # Restore is judged against the restore objectives: tier0 RPO 5 min / RTO 4 h, records 24 h / 4 h.
    assert (tiers["tier0"]["rpo_target_seconds"], tiers["tier0"]["rto_target_seconds"]) == (300, 4 * 3600)
    assert (tiers["records"]["rpo_target_seconds"], tiers["records"]["rto_target_seconds"]) == (
        86400,
        4 * 3600,
    )
    assert set(report.measurements["time_to_restore_seconds"]) == {"s3", "dynamodb", "rds"}
    assert any(
        "AWS Backup restore job not available on this endpoint; used DynamoDB native backup" in note
        for note in report.notes
    )
    # Cleanup left nothing behind.
    s3 = boto3.client("s3", region_name="eu-west-2", endpoint_url=endpoint)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("tf-drill-")] == []
    ddb = boto3.client("dynamodb", region_name="eu-west-2", endpoint_url=endpoint)
    assert [t for t in ddb.list_tables()["TableNames"] if t.startswith("tf-drill-")] == []
    rds = boto3.client("rds", region_name="eu-west-2", endpoint_url=endpoint)
    assert [
        d for d in rds.describe_db_instances()["DBInstances"] if d["DBInstanceIdentifier"].startswith("tf-drill-")
    ] == []


def test_report_files_are_written_with_every_step(aws: Aws, reports_dir: Path) -> None:
    outcome = run_restore("EU", aws=aws, options=RestoreOptions(**SMALL), reports_dir=reports_dir, echo=lambda _: None)

    assert re.fullmatch(r"restore-EU-\d{8}T\d{12}Z\.json", outcome.json_path.name)
    assert outcome.markdown_path == outcome.json_path.with_suffix(".md")
    data = json.loads(outcome.json_path.read_text())
    assert data["drill"] == "restore" and data["jurisdiction"] == "EU" and data["passed"] is True
    assert [step["name"] for step in data["steps"]] == EXPECTED_STEPS
    assert all(
        step["label"] in {"done", "skipped (no fault injection requested)", SKIPPED_ROWS}
        or step["name"] == "rds: verify every ledger row (IAM token, TLS)"
        for step in data["steps"]
    )
    assert all(isinstance(step["duration_seconds"], float | int) for step in data["steps"])
    assert data["measurements"]["region"] == "eu-central-1"
    markdown = outcome.markdown_path.read_text()
    assert "**PASSED**" in markdown
    assert "| 21 | cleanup: delete what the drill created | done |" in markdown
    assert "records_lost | 0" in markdown


def test_a_deleted_restored_object_is_one_record_lost(aws: Aws, reports_dir: Path) -> None:
    options = RestoreOptions(**SMALL, inject_loss=1)
    outcome = run_restore("US", aws=aws, options=options, reports_dir=reports_dir, echo=lambda _: None)

    report = outcome.report
    assert outcome.exit_code == 1
    assert report.measurements["records_lost"] == 1
    s3_target = report.measurements["restore_targets"]["s3: new bucket from object versions"]
    assert s3_target == {**s3_target, "written": 6, "restored": 5, "lost": 1}
    assert s3_target["missing"] == ["records/s3-000000.json"]
    verify_step = next(step for step in report.steps if step.name == "s3: verify SHA-256 of every object")
    assert verify_step.label == "failed (1 of 6 records lost (missing or checksum mismatch))"
    assert report.verdict.startswith("1 record(s) lost")
    assert json.loads(outcome.json_path.read_text())["passed"] is False


def test_only_selected_stores_run_and_others_say_why(aws: Aws, reports_dir: Path) -> None:
    options = RestoreOptions(objects=3, stores=("s3",))
    outcome = run_restore("CA", aws=aws, options=options, reports_dir=reports_dir, echo=lambda _: None)

    labels = {step.name: step.label for step in outcome.report.steps}
    assert outcome.exit_code == 0
    assert labels["rds: restore_db_instance_from_db_snapshot"] == "skipped (not selected (--stores))"
    assert labels["dynamodb: restore_table_from_backup + verify SHA-256"] == "skipped (not selected (--stores))"
    assert outcome.report.measurements["records_written"] == 3
    assert outcome.report.measurements["region"] == "ca-central-1"


def test_keep_leaves_the_restored_resources(aws: Aws, reports_dir: Path, endpoint: str) -> None:
    options = RestoreOptions(objects=2, items=2, stores=("s3", "dynamodb"), keep=True)
    outcome = run_restore("UK", aws=aws, options=options, reports_dir=reports_dir, echo=lambda _: None)

    cleanup = outcome.report.steps[-1]
    assert cleanup.status == "skipped" and cleanup.reason.startswith("--keep")
    s3 = boto3.client("s3", region_name="eu-west-2", endpoint_url=endpoint)
    buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    assert [name.rsplit("-", 1)[-1] for name in buckets] == ["restored", "src"]
    ddb = boto3.client("dynamodb", region_name="eu-west-2", endpoint_url=endpoint)
    assert sum(name.endswith(("-from-backup", "-pitr")) for name in ddb.list_tables()["TableNames"]) == 2


def test_verify_counts_missing_and_mismatched_records() -> None:
    records = known_records("UK", "s3", 3, "run")
    expected = {key: sha256(body) for key, body in records.items()}
    actual = dict(records)
    first, second, _ = sorted(records)
    del actual[first]
    actual[second] = b"tampered"

    result = verify("s3", expected, actual)

    assert (result.written, result.restored, result.lost) == (3, 1, 2)
    assert result.missing == [first] and result.mismatched == [second]
