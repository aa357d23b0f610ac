"""Health probes of a cell: Datadog synthetic API tests of the endpoints its Route53 health checks probe, run from
Datadog's managed locations inside the cell's jurisdiction, paging a PagerDuty service through Datadog's PagerDuty
integration.

Why: Route53 publishes `HealthCheckStatus` only in us-east-1 and an alarm lives in its metric's region, so only a
cell whose region is us-east-1 can page on its health check from CloudWatch; any other cell would need an alarm
outside its jurisdiction's regions (docs/adr/0011-on-call-as-code.md). The probe watches the same endpoint
(`https://<service>.<region>.<zone>/healthz`, `components.resilience.failover_routing`) from inside the
jurisdiction instead: one HTTP API test per service, every minute from every location, with a retry 10 seconds
later; it alerts when every location (Route53's own judgement: unhealthy when nearly every checker fails) has
failed for a minute, pages the service named by `notify` (an `@pagerduty-<service>` handle) and resolves the page
when the endpoint answers again. Its message names the runbook (`runbooks/<name>.md`).

Usage::

    HealthProbes(
        "uk-health-probes",
        HealthProbesArgs(
            stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            endpoints={"api": "api.eu-west-2.uk.trustfabric.example.com"},
            notify="@pagerduty-trustfabric-sev1",
            notify_service_object=sev1_service_object,
        ),
        opts=pulumi.ResourceOptions(provider=datadog_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_datadog as datadog

from components.validation import require_jurisdiction, require_non_empty, require_range, require_region_in_jurisdiction
from domain.residency import jurisdiction as jurisdiction_facts

COMPONENT = "HealthProbes"
RUNBOOK = "runbooks/route53-health-check-failed.md"
DATADOG_AWS_LOCATIONS = (
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)
"""AWS regions Datadog runs managed synthetic locations in (`aws:<region>`; the Europe and Americas subset of
https://docs.datadoghq.com/synthetics/platform/settings/?tab=specifyvalue#managed-locations, checked against
`datadog.get_synthetics_locations()` of the account). ca-west-1 has none: CA probes from ca-central-1 only."""
NOTIFY = re.compile(r"^@pagerduty-[A-Za-z0-9_.-]+$")
_RUNBOOK = re.compile(r"^runbooks/[a-z0-9][a-z0-9-]*\.md$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def jurisdiction_locations(code: str) -> tuple[str, ...]:
    """Datadog's managed locations inside the jurisdiction's allowed regions (`domain.residency`)."""
    return tuple(
        f"aws:{region}" for region in jurisdiction_facts(code).allowed_regions if region in DATADOG_AWS_LOCATIONS
    )


@dataclass(frozen=True)
class HealthProbesArgs:
    """Arguments of a cell's health probes."""

    stack: str
    """The stack the probes page for: in every test's name and tags."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA): where the probes may run from."""
    region: str
    """The region whose endpoints are probed (the Route53 health checks' region)."""
    endpoints: Mapping[str, str]
    """Service -> the regional endpoint its Route53 health check probes (`api.<region>.<zone>`)."""
    notify: str
    """`@pagerduty-<service>`: the Datadog PagerDuty service object the failure pages."""
    path: str = "/healthz"
    """HTTPS path requested, the health checks' `resource_path`."""
    port: int = 443
    locations: Sequence[str] = ()
    """Datadog locations (`aws:<region>`), each in the jurisdiction's allowed regions; default: every managed
    location there (`jurisdiction_locations`)."""
    tick_every_seconds: int = 60
    """How often each location probes: 30..300 (a page within two minutes needs a probe every minute or more)."""
    min_failure_seconds: int = 60
    """How long every location must have failed before the page: 0..600."""
    timeout_seconds: int = 10
    """Request timeout, as Route53's HTTPS checks wait: 1..60."""
    runbook: str = RUNBOOK
    notify_service_object: pulumi.Resource | None = None
    """The Datadog PagerDuty service object `notify` names, when the same stack declares it: every test is created
    after it, so a first deploy never has a test naming a handle Datadog does not know yet. None when another stack
    declares it (it exists before this stack is deployed)."""


def locations_of(args: HealthProbesArgs) -> tuple[str, ...]:
    return tuple(args.locations) or jurisdiction_locations(args.jurisdiction)


def validate_args(args: HealthProbesArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction(COMPONENT, "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction(COMPONENT, "region", args.region, args.jurisdiction)
    require_non_empty(COMPONENT, "endpoints", args.endpoints)
    for service in args.endpoints:
        if not _LABEL.match(service):
            raise ValueError(f"{COMPONENT}: endpoints: {service!r} is not a DNS label; allowed: [a-z0-9-]")
    if not NOTIFY.match(args.notify):
        raise ValueError(f"{COMPONENT}: notify: {args.notify!r}; allowed: @pagerduty-<service>")
    if not args.path.startswith("/"):
        raise ValueError(f"{COMPONENT}: path: {args.path!r} is not a path; allowed: /...")
    if not _RUNBOOK.match(args.runbook):
        raise ValueError(f"{COMPONENT}: runbook: {args.runbook!r}; allowed: runbooks/<name>.md")
    require_range(COMPONENT, "port", args.port, 1, 65535)
    require_range(COMPONENT, "tick_every_seconds", args.tick_every_seconds, 30, 300)
    require_range(COMPONENT, "min_failure_seconds", args.min_failure_seconds, 0, 600)
    require_range(COMPONENT, "timeout_seconds", args.timeout_seconds, 1, 60)
    locations = locations_of(args)
    if not locations:
        raise ValueError(f"{COMPONENT}: locations: Datadog has no managed location in {args.jurisdiction}")
    for location in locations:
        region = location.removeprefix("aws:")
        if not location.startswith("aws:") or region not in DATADOG_AWS_LOCATIONS:
            raise ValueError(
                f"{COMPONENT}: locations: {location!r}; allowed: aws:<region> of {', '.join(DATADOG_AWS_LOCATIONS)}"
            )
        require_region_in_jurisdiction(COMPONENT, "locations", region, args.jurisdiction)


class HealthProbes(pulumi.ComponentResource):
    """One Datadog HTTP API test per service endpoint of a cell, paging through `notify`."""

    test_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: HealthProbesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__(f"trustfabric:oncall:{COMPONENT}", name, None, opts)
        locations = locations_of(args)
        service_objects = [args.notify_service_object] if args.notify_service_object is not None else []
        self.test_ids = {}
        for service, endpoint in sorted(args.endpoints.items()):
            url = f"https://{endpoint}:{args.port}{args.path}" if args.port != 443 else f"https://{endpoint}{args.path}"
            alert = f"trustfabric-{args.stack}-{args.cell}-{service}-health-check-failed"
            test = datadog.SyntheticsTest(
                f"{name}-{service}",
                name=alert,
                type="api",
                subtype="http",
                status="live",
                locations=list(locations),
                request_definition=datadog.SyntheticsTestRequestDefinitionArgs(
                    method="GET", url=url, timeout=args.timeout_seconds
                ),
                assertions=[datadog.SyntheticsTestAssertionArgs(type="statusCode", operator="is", target="200")],
                options_list=datadog.SyntheticsTestOptionsListArgs(
                    tick_every=args.tick_every_seconds,
                    min_location_failed=len(locations),
                    min_failure_duration=args.min_failure_seconds,
                    retry=datadog.SyntheticsTestOptionsListRetryArgs(count=1, interval=10_000),
                    follow_redirects=False,
                    monitor_name=alert,
                    monitor_priority=1,
                ),
                message=(
                    f"{endpoint}{args.path} fails from every Datadog location in {args.jurisdiction} "
                    f"({', '.join(locations)}): the {service} endpoint of {args.cell} in {args.region} is down, "
                    f"and its Route53 health check fails its failover record over.\n"
                    f"Runbook: {args.runbook}\n{args.notify}"
                ),
                tags=[
                    f"stack:{args.stack}",
                    f"cell:{args.cell}",
                    f"jurisdiction:{args.jurisdiction.lower()}",
                    f"service:{service}",
                    "severity:sev1",
                ],
                opts=pulumi.ResourceOptions(parent=self, depends_on=service_objects),
            )
            self.test_ids[service] = test.id
        self.register_outputs({"test_ids": self.test_ids})
