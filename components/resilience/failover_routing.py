"""Failover routing: Route53 health checks and failover records per service endpoint of a cell.

Each service `api` of a cell answers at `api.<zone>`; each region serves it at `api.<region>.<zone>` (the
regional endpoint, resolved to the region's load balancer by the compute layer). This component declares, for
the stack's region, an HTTPS health check of `https://api.<region>.<zone>/healthz` and a failover CNAME
`api.<zone>` -> the regional endpoint, with set identifier `api-<region>` and the failover type of the stack:
PRIMARY for the serving footprint (prod, or dr once `active`), SECONDARY for the standby (dr). Route53's data
plane moves traffic when the primary's health check fails, without any control plane of the failed region.

The zone (`<cell>.<deployment-domain>`, public) is owned by the primary footprint (`create_zone=True`); the dr
stack passes its id (`zone_id`, read from the prod stack's `<cell>_zone_id` output).

Usage::

    routing = FailoverRouting(
        "uk-routing",
        FailoverRoutingArgs(cell="uk", jurisdiction="UK", region="eu-west-2", zone_name="uk.trustfabric.example.com",
                            failover_type="PRIMARY", create_zone=True),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.validation import (
    require_choice,
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)

FAILOVER_TYPES = ("PRIMARY", "SECONDARY")
HEALTH_CHECK_PATH = "/healthz"
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class FailoverRoutingArgs:
    """Arguments of a cell's failover routing in one region."""

    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA)."""
    region: str
    """Region whose endpoints this stack serves (the provider's region)."""
    zone_name: str
    """The cell's hosted zone, e.g. `uk.trustfabric.example.com`."""
    failover_type: str
    """PRIMARY (the serving footprint) or SECONDARY (the standby)."""
    zone_id: pulumi.Input[str] | None = None
    """Id of the hosted zone; None with `create_zone`."""
    create_zone: bool = False
    """Declare the (public) hosted zone here: only the primary footprint owns it."""
    services: Sequence[str] = ("api",)
    """Service endpoints of the cell, as DNS labels."""
    health_check_path: str = HEALTH_CHECK_PATH
    """HTTPS path the health checkers request."""
    port: int = 443
    request_interval: int = 10
    """Seconds between checks from each checker: 10 (fast) or 30."""
    failure_threshold: int = 3
    """Consecutive failures before an endpoint is unhealthy: 1..10."""
    ttl: int = 60
    """TTL of the failover records, seconds: 10..300 (low, so clients follow a failover)."""


def validate_args(args: FailoverRoutingArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("FailoverRouting", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("FailoverRouting", "region", args.region, args.jurisdiction)
    require_choice("FailoverRouting", "failover_type", args.failover_type, FAILOVER_TYPES)
    if args.create_zone == (args.zone_id is not None):
        raise ValueError(
            "FailoverRouting: zone_id: give exactly one of zone_id and create_zone; "
            "allowed: create_zone=True (primary footprint) or the zone's id"
        )
    require_non_empty("FailoverRouting", "services", args.services)
    for service in args.services:
        if not _LABEL.match(service):
            raise ValueError(f"FailoverRouting: services: {service!r} is not a DNS label; allowed: [a-z0-9-]{{1,63}}")
    if not args.health_check_path.startswith("/"):
        raise ValueError(f"FailoverRouting: health_check_path: {args.health_check_path!r} is not a path; allowed: /...")
    require_choice("FailoverRouting", "request_interval", str(args.request_interval), ("10", "30"))
    require_range("FailoverRouting", "failure_threshold", args.failure_threshold, 1, 10)
    require_range("FailoverRouting", "ttl", args.ttl, 10, 300)


def regional_endpoint(service: str, region: str, zone_name: str) -> str:
    return f"{service}.{region}.{zone_name}"


class FailoverRouting(pulumi.ComponentResource):
    """Health checks and failover records of a cell's services for one region (and the zone, when owned)."""

    zone_id: pulumi.Output[str]
    health_check_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: FailoverRoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:resilience:FailoverRouting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.create_zone:
            zone = aws.route53.Zone(
                f"{name}-zone",
                name=args.zone_name,
                comment=f"{args.jurisdiction} cell service endpoints (failover records of prod and dr)",
                force_destroy=False,
                opts=child,
            )
            zone_id: pulumi.Output[str] = zone.zone_id
        else:
            zone_id = pulumi.Output.from_input(args.zone_id).apply(str)

        self.health_check_ids = {}
        for service in args.services:
            endpoint = regional_endpoint(service, args.region, args.zone_name)
            check = aws.route53.HealthCheck(
                f"{name}-{service}-health",
                type="HTTPS",
                fqdn=endpoint,
                port=args.port,
                resource_path=args.health_check_path,
                enable_sni=True,
                request_interval=args.request_interval,
                failure_threshold=args.failure_threshold,
                measure_latency=True,
                tags={"Name": f"{service}-{args.region}", "failover": args.failover_type.lower()},
                opts=child,
            )
            aws.route53.Record(
                f"{name}-{service}-record",
                zone_id=zone_id,
                name=f"{service}.{args.zone_name}",
                type="CNAME",
                ttl=args.ttl,
                records=[endpoint],
                set_identifier=f"{service}-{args.region}",
                failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type=args.failover_type)],
                health_check_id=check.id,
                opts=child,
            )
            self.health_check_ids[service] = check.id
        self.zone_id = zone_id
        self.register_outputs({"zone_id": self.zone_id, "health_check_ids": self.health_check_ids})
