"""Failover routing: zone owned by prod, HTTPS /healthz health checks, PRIMARY in prod and SECONDARY in dr."""

from __future__ import annotations

import pytest

from components.resilience.failover_routing import FailoverRoutingArgs, validate_args
from tests.components.resilience.conftest import CELLS, only, parent_type
from trustfabric.graph import UNKNOWN_VALUE
from trustfabric.residency import JURISDICTIONS

ZONE = "aws:route53/zone:Zone"
CHECK = "aws:route53/healthCheck:HealthCheck"
RECORD = "aws:route53/record:Record"


def test_prod_owns_the_zones_and_the_primary_records(prod):
    assert {z.props["name"] for z in prod.of_type(ZONE)} == {f"{cell}.trustfabric.example.com" for cell in CELLS}
    assert set(prod.outputs) >= {f"{cell}_zone_id" for cell in CELLS}
    for code, jurisdiction in JURISDICTIONS.items():
        cell, region = code.lower(), jurisdiction.primary_region
        check = only(prod, CHECK, f"{cell}-routing-api-health").props
        assert check["type"] == "HTTPS" and check["resourcePath"] == "/healthz" and check["port"] == 443
        assert check["fqdn"] == f"api.{region}.{cell}.trustfabric.example.com"
        record = only(prod, RECORD, f"{cell}-routing-api-record")
        assert record.props["name"] == f"api.{cell}.trustfabric.example.com"
        assert record.props["failoverRoutingPolicies"] == [{"type": "PRIMARY"}]
        assert record.props["setIdentifier"] == f"api-{region}"
        assert record.props["records"] == [check["fqdn"]]
        assert [prod.get(u).name for u in record.property_dependencies["healthCheckId"]] == [
            f"{cell}-routing-api-health"
        ]
        assert parent_type(prod, record) == "trustfabric:resilience:FailoverRouting"


def test_dr_declares_secondary_records_in_prods_zone(dr):
    assert dr.of_type(ZONE) == []
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        record = only(dr, RECORD, f"{cell}-routing-api-record")
        assert record.props["failoverRoutingPolicies"] == [{"type": "SECONDARY"}]
        assert record.props["setIdentifier"] == f"api-{jurisdiction.standby_region}"
        # The zone id is prod's `<cell>_zone_id` output: known only once prod exists.
        assert record.props["zoneId"] is UNKNOWN_VALUE
        assert record.props["name"] == f"api.{cell}.trustfabric.example.com"


ARGS = {"cell": "us", "jurisdiction": "US", "region": "us-east-1", "zone_name": "us.example.com"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"failover_type": "TERTIARY", "create_zone": True},
            "FailoverRouting: failover_type: 'TERTIARY' is not allowed; allowed: PRIMARY, SECONDARY",
        ),
        (
            {"failover_type": "PRIMARY"},
            "FailoverRouting: zone_id: give exactly one of zone_id and create_zone; allowed: create_zone=True "
            "(primary footprint) or the zone's id",
        ),
        (
            {"failover_type": "PRIMARY", "create_zone": True, "health_check_path": "healthz"},
            "FailoverRouting: health_check_path: 'healthz' is not a path; allowed: /...",
        ),
        (
            {"failover_type": "PRIMARY", "create_zone": True, "ttl": 3600},
            "FailoverRouting: ttl: 3600 is out of range; allowed: 10..300",
        ),
        (
            {"failover_type": "PRIMARY", "create_zone": True, "region": "ca-central-1"},
            "FailoverRouting: region: region 'ca-central-1' is outside US's allowed regions; "
            "allowed: us-east-1, us-east-2, us-west-2",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    with pytest.raises(ValueError) as error:
        validate_args(FailoverRoutingArgs(**{**ARGS, **overrides}))
    assert str(error.value) == message
