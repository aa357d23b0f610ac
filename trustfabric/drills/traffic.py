"""The data plane of a failover: the cell's Route53 failover records, moved with one change batch and verified.

Traffic moves before anything is promoted, and only through Route53's global API, never through a call to the
region being left: one UPSERT makes the target region's record PRIMARY (and the source region's SECONDARY),
the drill waits for INSYNC and then reads the hosted zone back to check that the answering record is the
target's endpoint and that its health check is healthy.

Usage::

    state.records = find_records(state)
    move_traffic(state, step)
    verify_traffic(state, step)
"""

from __future__ import annotations

from typing import Any

from .common import poll
from .failover_state import FailoverState
from .report import Step, StepFailed


def healthy(route53: Any, check_id: str) -> tuple[bool, str]:
    """Whether most Route53 checkers report the health check's endpoint healthy, and the first report."""
    observations = route53.get_health_check_status(HealthCheckId=check_id)["HealthCheckObservations"]
    reports = [observation.get("StatusReport", {}).get("Status", "") for observation in observations]
    healthy_count = sum(1 for report in reports if report.startswith("Success"))
    return bool(reports) and healthy_count * 2 > len(reports), (reports[0] if reports else "no observations")


def find_records(state: FailoverState) -> dict[str, dict[str, Any]]:
    """The cell's failover records by set identifier, read from its hosted zone (whose id `state` keeps)."""
    names, route53 = state.names, state.route53
    zones = route53.list_hosted_zones_by_name(DNSName=names.zone, MaxItems="1")["HostedZones"]
    if not zones or zones[0]["Name"].rstrip(".") != names.zone:
        raise StepFailed(f"no hosted zone {names.zone}")
    state.zone_id = zones[0]["Id"]
    records: dict[str, dict[str, Any]] = {}
    for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=state.zone_id):
        for record in page["ResourceRecordSets"]:
            if record["Name"].rstrip(".") == names.record and record.get("Failover"):
                records[record["SetIdentifier"]] = record
    return records


def move_traffic(state: FailoverState, step: Step) -> None:
    """One change batch: the target region's record PRIMARY, the source region's SECONDARY; wait for INSYNC."""
    changes = []
    for region, failover in ((state.target, "PRIMARY"), (state.source, "SECONDARY")):
        record = dict(state.records[state.names.set_identifier(region)])
        record["Failover"] = failover
        changes.append({"Action": "UPSERT", "ResourceRecordSet": record})
    change = state.route53.change_resource_record_sets(
        HostedZoneId=state.zone_id,
        ChangeBatch={"Comment": f"trustfabric drill {state.direction} {state.cell.code}", "Changes": changes},
    )["ChangeInfo"]

    def in_sync() -> bool:
        return bool(state.route53.get_change(Id=change["Id"])["ChangeInfo"]["Status"] == "INSYNC")

    timeout = state.options.change_timeout_seconds
    synced = poll(in_sync, timeout, state.aws.wait_delay(5))
    step.details.update(change_id=change["Id"], primary=state.target, secondary=state.source, insync=synced)
    if not synced:
        raise StepFailed(f"change {change['Id']} not INSYNC within {timeout}s")


def verify_traffic(state: FailoverState, step: Step) -> None:
    """The zone's one PRIMARY record is the target region's endpoint, and its health check is healthy."""
    names = state.names
    records = find_records(state)
    primary = [record for record in records.values() if record["Failover"] == "PRIMARY"]
    if len(primary) != 1:
        raise StepFailed(f"{len(primary)} PRIMARY records for {names.record}")
    answering = primary[0]
    values = [value["Value"] for value in answering.get("ResourceRecords", [])]
    is_healthy, report = healthy(state.route53, answering["HealthCheckId"])
    step.details.update(
        record=names.record,
        answering_set_identifier=answering["SetIdentifier"],
        answering_values=values,
        answering_health=report,
        record_sets={set_id: record["Failover"] for set_id, record in sorted(records.items())},
    )
    target_answers = answering["SetIdentifier"] == names.set_identifier(state.target)
    if not target_answers or values != [names.endpoint(state.target)]:
        raise StepFailed(f"{names.record} still answers with {values}")
    if not is_healthy:
        raise StepFailed(f"the answering record's health check is not healthy: {report}")
    state.served("traffic")
