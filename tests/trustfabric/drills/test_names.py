"""The drills look up exactly the names the stacks declare: prod's and dr's graphs name what CellNames finds."""

from __future__ import annotations

from typing import Any

import pytest

from domain.residency import CODES, JURISDICTIONS
from trustfabric.drills.common import CellNames
from trustfabric.engine import ACCOUNT_ID
from trustfabric.graph import ResourceGraph


def declared(graph: ResourceGraph, type_: str, name: str, prop: str) -> Any:
    """One input of the one resource of a type and name in a stack's graph."""
    (resource,) = [r for r in graph.of_type(type_) if r.name == name]
    return resource.props[prop]


@pytest.mark.parametrize("code", CODES)
def test_the_drills_find_the_stores_prod_and_dr_declare(stack_graph, code: str) -> None:
    prod, dr = stack_graph("prod"), stack_graph("dr")
    cell = code.lower()
    names = CellNames.of(JURISDICTIONS[code], ACCOUNT_ID)

    bucket = "aws:s3/bucket:Bucket"
    assert declared(prod, bucket, f"{cell}-records-bucket", "bucket") == names.records_bucket(names.primary)
    assert declared(dr, bucket, f"{cell}-records-bucket", "bucket") == names.records_bucket(names.standby)
    role = declared(prod, "aws:iam/role:Role", f"{cell}-records-replication-role", "name")
    assert role == names.replication_role(names.primary)
    assert declared(prod, "aws:dynamodb/table:Table", f"{cell}-ledger-events-table", "name") == names.table
    global_cluster = "aws:rds/globalCluster:GlobalCluster"
    assert declared(prod, global_cluster, f"{cell}-ledger-global", "globalClusterIdentifier") == names.global_cluster


@pytest.mark.parametrize("code", CODES)
def test_the_drills_move_the_failover_records_prod_and_dr_declare(stack_graph, code: str) -> None:
    prod, dr = stack_graph("prod"), stack_graph("dr")
    cell = code.lower()
    names = CellNames.of(JURISDICTIONS[code], ACCOUNT_ID)

    assert declared(prod, "aws:route53/zone:Zone", f"{cell}-routing-zone", "name") == names.zone
    for graph, region in ((prod, names.primary), (dr, names.standby)):
        record = "aws:route53/record:Record"
        assert declared(graph, record, f"{cell}-routing-api-record", "name") == names.record
        assert declared(graph, record, f"{cell}-routing-api-record", "setIdentifier") == names.set_identifier(region)
        assert declared(graph, record, f"{cell}-routing-api-record", "records") == [names.endpoint(region)]
        tags = declared(graph, "aws:route53/healthCheck:HealthCheck", f"{cell}-routing-api-health", "tags")
        assert tags["Name"] == names.set_identifier(region)
