"""Failover and failback against a seeded moto server: traffic moves, replicas promote, RTO is judged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from trustfabric.drills import failover as failover_module
from trustfabric.drills.common import RECONCILE_FAILOVER, Aws, TierTarget
from trustfabric.drills.failover import FailoverOptions, run_failback, run_failover
from trustfabric.drills.seed import seed_environment

QUIET = {"echo": lambda _: None}


def failover_records(endpoint: str, zone: str) -> dict[str, tuple[str, str]]:
    """set identifier -> (Failover, value) of the `api` failover records, read from the hosted zone."""
    route53 = boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint)
    zone_id = route53.list_hosted_zones_by_name(DNSName=zone)["HostedZones"][0]["Id"]
    records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {r["SetIdentifier"]: (r["Failover"], r["ResourceRecords"][0]["Value"]) for r in records if r.get("Failover")}


def test_seed_builds_the_environment_the_failover_needs(aws: Aws, endpoint: str) -> None:
    report = seed_environment("UK", aws=aws, **QUIET)

    assert report.passed, report.verdict
    assert failover_records(endpoint, "uk.trustfabric.example.com") == {
        "api-eu-west-2": ("PRIMARY", "api.eu-west-2.uk.trustfabric.example.com"),
        "api-eu-west-1": ("SECONDARY", "api.eu-west-1.uk.trustfabric.example.com"),
    }
    s3 = boto3.client("s3", region_name="eu-west-2", endpoint_url=endpoint)
    replication = s3.get_bucket_replication(Bucket="trustfabric-prod-uk-records-eu-west-2-123456789012")
    rule = replication["ReplicationConfiguration"]["Rules"][0]
    assert rule["Destination"]["Bucket"] == "arn:aws:s3:::trustfabric-prod-uk-records-eu-west-1-123456789012"
    standby_rds = boto3.client("rds", region_name="eu-west-1", endpoint_url=endpoint)
    replica = standby_rds.describe_db_instances(DBInstanceIdentifier="trustfabric-prod-uk-ledger")["DBInstances"][0]
    assert replica["ReadReplicaSourceDBInstanceIdentifier"].startswith("arn:aws:rds:eu-west-2:")


def test_failover_moves_traffic_promotes_and_meets_rto(aws: Aws, endpoint: str, reports_dir: Path) -> None:
    outcome = run_failover("UK", aws=aws, options=FailoverOptions(seed=True), reports_dir=reports_dir, **QUIET)

    report = outcome.report
    assert outcome.exit_code == 0, report.verdict
    labels = {step.name: step.label for step in report.steps}
    for name in (
        "readiness: ledger table in eu-west-1",
        "readiness: records bucket (replicated) in eu-west-1",
        "readiness: recent recovery points in eu-west-1",
        "readiness: ledger database replica in eu-west-1",
        "readiness: route53 health checks and failover records",
        "data plane: route53 failover records UPSERT (PRIMARY -> eu-west-1)",
        "data plane: verify answering record in the hosted zone",
        "promote: rds read replica in eu-west-1",
        "verify: stores serve in eu-west-1",
    ):
        assert labels[name] == "done", (name, labels[name])
    assert labels["promote: aurora global cluster to eu-west-1"].startswith("skipped (no Aurora global cluster")
    assert labels["promote: dynamodb global table replica"].startswith("skipped (DynamoDB global table replicas")
    # The hosted zone now answers from the standby region.
    assert failover_records(endpoint, "uk.trustfabric.example.com") == {
        "api-eu-west-1": ("PRIMARY", "api.eu-west-1.uk.trustfabric.example.com"),
        "api-eu-west-2": ("SECONDARY", "api.eu-west-2.uk.trustfabric.example.com"),
    }
    rto = report.measurements["rto_seconds"]
    # Failover is judged against the failover objectives: tier0 RTO 15 min, records RTO 1 h.
    assert rto["tier0"]["rto_target_seconds"] == 15 * 60 and rto["records"]["rto_target_seconds"] == 3600
    assert rto["tier0"]["rpo_target_seconds"] == 60 and rto["records"]["rpo_target_seconds"] == 15 * 60
    assert rto["tier0"]["rto_met"] and rto["records"]["rto_met"]
    assert 0 < rto["tier0"]["rto_seconds"] < 60
    assert report.next_steps == [RECONCILE_FAILOVER]
    assert RECONCILE_FAILOVER == "pulumi config set trust-fabric:role active -s dr && pulumi up -s dr"
    data = json.loads(outcome.json_path.read_text())
    assert outcome.json_path.name.startswith("failover-UK-") and data["passed"] is True
    assert "pulumi up -s dr" in outcome.markdown_path.read_text()


def test_failover_without_a_standby_fails_readiness_and_moves_nothing(aws: Aws, reports_dir: Path) -> None:
    outcome = run_failover("EU", aws=aws, reports_dir=reports_dir, **QUIET)

    report = outcome.report
    assert outcome.exit_code == 1
    labels = {step.name: step.label for step in report.steps}
    assert labels["readiness: ledger table in eu-west-1"] == (
        "failed (no table trustfabric-prod-eu-ledger-events in eu-west-1)"
    )
    assert labels["data plane: route53 failover records UPSERT (PRIMARY -> eu-west-1)"].startswith(
        "skipped (needs readiness: ledger table in eu-west-1"
    )
    assert labels["promote: rds read replica in eu-west-1"].startswith("skipped (needs data plane:")
    assert report.next_steps == []


def test_primary_down_never_calls_the_primary_region(aws: Aws, reports_dir: Path, monkeypatch: Any) -> None:
    seed_environment("CA", aws=aws, **QUIET)
    regions: list[tuple[str, str]] = []
    real_client = Aws.client

    def recording_client(self: Aws, service: str, region: str) -> Any:
        regions.append((service, region))
        return real_client(self, service, region)

    monkeypatch.setattr(Aws, "client", recording_client)
    options = FailoverOptions(primary_down=True)
    outcome = run_failover("CA", aws=aws, options=options, reports_dir=reports_dir, **QUIET)

    assert outcome.exit_code == 0, outcome.report.verdict
    assert {region for service, region in regions if service != "route53"} == {"ca-west-1"}
    bucket_step = next(step for step in outcome.report.steps if step.name.startswith("readiness: records bucket"))
    assert bucket_step.details["replication_configuration"].startswith("ca-central-1 declared lost")


def test_rto_over_the_target_fails_the_drill(aws: Aws, reports_dir: Path, monkeypatch: Any) -> None:
    monkeypatch.setitem(
        failover_module.FAILOVER_TARGETS,
        "tier0",
        TierTarget("tier0", rpo_seconds=300, rto_seconds=0, stores=("dynamodb", "rds")),
    )
    outcome = run_failover("US", aws=aws, options=FailoverOptions(seed=True), reports_dir=reports_dir, **QUIET)

    assert outcome.exit_code == 1
    assert outcome.report.measurements["rto_seconds"]["tier0"]["rto_met"] is False
    assert "tier0 RTO" in outcome.report.verdict and "(target 0s)" in outcome.report.verdict
    assert outcome.report.next_steps == []


def test_failback_returns_traffic_and_rebuilds_the_replica(aws: Aws, endpoint: str, reports_dir: Path) -> None:
    assert (
        run_failover("UK", aws=aws, options=FailoverOptions(seed=True), reports_dir=reports_dir, **QUIET).exit_code == 0
    )

    outcome = run_failback("UK", aws=aws, reports_dir=reports_dir, **QUIET)

    assert outcome.exit_code == 0, outcome.report.verdict
    assert failover_records(endpoint, "uk.trustfabric.example.com") == {
        "api-eu-west-2": ("PRIMARY", "api.eu-west-2.uk.trustfabric.example.com"),
        "api-eu-west-1": ("SECONDARY", "api.eu-west-1.uk.trustfabric.example.com"),
    }
    rebuilt = next(step for step in outcome.report.steps if step.name.startswith("failback: re-create"))
    assert rebuilt.label == "done"
    snapshot = rebuilt.details["final_snapshot_of_standby_writer"]
    standby_rds = boto3.client("rds", region_name="eu-west-1", endpoint_url=endpoint)
    assert standby_rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot)["DBSnapshots"]
    replica = standby_rds.describe_db_instances(DBInstanceIdentifier="trustfabric-prod-uk-ledger")["DBInstances"][0]
    assert replica["ReadReplicaSourceDBInstanceIdentifier"].startswith("arn:aws:rds:eu-west-2:")
    assert outcome.report.next_steps == [
        "pulumi config set trust-fabric:role standby -s dr && pulumi up -s dr && pulumi preview -s prod"
    ]
    assert outcome.json_path.name.startswith("failback-UK-")


def test_failback_refuses_primary_down(aws: Aws, reports_dir: Path) -> None:
    from trustfabric.errors import TrustFabricError

    with pytest.raises(TrustFabricError, match="--primary-down applies to failover only"):
        run_failback("UK", aws=aws, options=FailoverOptions(primary_down=True), reports_dir=reports_dir)
