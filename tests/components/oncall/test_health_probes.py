"""Health probes: every cell of prod, dr and dev pages when its Route53 health check's endpoint fails, a cell in
us-east-1 through its CloudWatch alarm there, every other cell through a Datadog synthetic test run from inside
its jurisdiction, against the very endpoint its health check probes, paging its stack's platform service."""

from __future__ import annotations

import re
from dataclasses import replace

import pulumi
import pulumi_datadog as datadog
import pytest

from components.oncall.health_probes import (
    DATADOG_AWS_LOCATIONS,
    HealthProbesArgs,
    jurisdiction_locations,
    validate_args,
)
from domain.residency import jurisdiction
from slogen.datadog import DATADOG_NOTIFY
from tests.components.helpers import dependency_names, only, refusal
from tests.conftest import REPO_ROOT
from trustfabric.engine import run_program
from trustfabric.graph import SECRET_SIG, SIG_KEY, Resource, ResourceGraph

PROBE = "datadog:index/syntheticsTest:SyntheticsTest"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SERVICE_OBJECT = "datadog:pagerduty/serviceObject:ServiceObject"
RUNBOOK = re.compile(r"Runbook: (runbooks/[a-z0-9-]+\.md)")
CELL_REGIONS = {"uk": ("UK", "eu-west-2"), "eu": ("EU", "eu-central-1"), "ca": ("CA", "ca-central-1")}

ARGS = HealthProbesArgs(
    stack="prod",
    cell="uk",
    jurisdiction="UK",
    region="eu-west-2",
    endpoints={"api": "api.eu-west-2.uk.trustfabric.example.com"},
    notify="@pagerduty-trustfabric-sev1",
)


def test_every_jurisdiction_outside_us_east_1_probes_only_from_its_own_regions():
    assert jurisdiction_locations("UK") == ("aws:eu-west-2", "aws:eu-west-1")
    assert jurisdiction_locations("EU") == ("aws:eu-central-1", "aws:eu-west-1", "aws:eu-west-3", "aws:eu-north-1")
    assert jurisdiction_locations("CA") == ("aws:ca-central-1",)  # Datadog has no location in ca-west-1
    for code in ("UK", "EU", "US", "CA"):
        for location in jurisdiction_locations(code):
            assert jurisdiction(code).allows(location.removeprefix("aws:"))


def test_valid_arguments_pass():
    validate_args(ARGS)
    validate_args(replace(ARGS, locations=("aws:eu-west-2",)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"locations": ("aws:us-east-1",)},
            "HealthProbes: locations: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            {"locations": ("gcp:europe-west2",)},
            f"HealthProbes: locations: 'gcp:europe-west2'; allowed: aws:<region> of {', '.join(DATADOG_AWS_LOCATIONS)}",
        ),
        ({"notify": "@slack-oncall"}, "HealthProbes: notify: '@slack-oncall'; allowed: @pagerduty-<service>"),
        ({"endpoints": {}}, "HealthProbes: endpoints: must not be empty"),
        ({"path": "healthz"}, "HealthProbes: path: 'healthz' is not a path; allowed: /..."),
        ({"runbook": "docs/x.md"}, "HealthProbes: runbook: 'docs/x.md'; allowed: runbooks/<name>.md"),
        ({"region": "us-east-1"}, None),
        ({"tick_every_seconds": 10}, None),
    ],
)
def test_bad_arguments_are_refused_by_name(change, message):
    found = refusal(lambda: validate_args(replace(ARGS, **change)))
    if message is None:
        assert found.startswith(f"HealthProbes: {next(iter(change))}: "), found
    else:
        assert found == message


def health_check_url(graph: ResourceGraph, cell: str) -> str:
    check = only(graph, HEALTH_CHECK, f"{cell}-routing-api-health")
    assert (check.props["type"], check.props["port"]) == ("HTTPS", 443)
    return f"https://{check.props['fqdn']}{check.props['resourcePath']}"


def test_each_prod_cell_outside_us_east_1_probes_its_health_checked_endpoint_from_its_jurisdiction(prod):
    for cell, (code, region) in CELL_REGIONS.items():
        probe = only(prod, PROBE, f"{cell}-health-probes-api")
        props = probe.props
        assert (props["type"], props["subtype"], props["status"]) == ("api", "http", "live")
        # The same endpoint and path Route53's health check of the cell's failover record requests.
        assert props["requestDefinition"]["url"] == health_check_url(prod, cell)
        assert props["requestDefinition"]["method"] == "GET"
        assert region in props["requestDefinition"]["url"]
        assert props["assertions"] == [{"type": "statusCode", "operator": "is", "target": "200"}]
        locations = props["locations"]
        assert locations and all(jurisdiction(code).allows(location.removeprefix("aws:")) for location in locations)
        options = props["optionsList"]
        # Every location failing for a minute, probed every minute: paged within two minutes, as the US alarm.
        assert options["minLocationFailed"] == len(locations)
        assert options["tickEvery"] + options["minFailureDuration"] <= 120
        assert options["monitorName"] == f"trustfabric-prod-{cell}-api-health-check-failed"
        # The probe runs through the cell's own Datadog provider, which names no AWS region.
        provider = prod.resources[probe.provider]
        assert provider.type == "pulumi:providers:datadog" and provider.name == f"{cell}-probes-datadog"


def test_the_probes_page_the_platform_service_and_name_the_runbook(prod):
    handle = DATADOG_NOTIFY["sev1"]
    service_object = next(
        o for o in prod.of_type(SERVICE_OBJECT) if o.props["serviceName"] == handle.removeprefix("@pagerduty-")
    )
    # The handle's service object is keyed with the platform service's Events API v2 integration.
    assert dependency_names(prod, service_object, "serviceKey") == ["oncall-platform-events"]
    for cell in CELL_REGIONS:
        message = only(prod, PROBE, f"{cell}-health-probes-api").props["message"]
        assert message.splitlines()[-1] == handle
        runbooks = RUNBOOK.findall(message)
        assert runbooks == ["runbooks/route53-health-check-failed.md"]
        assert (REPO_ROOT / runbooks[0]).is_file()
        assert "Datadog" in (REPO_ROOT / runbooks[0]).read_text(encoding="utf-8")


def route53_alarms_of(graph: ResourceGraph, check: Resource) -> list[str]:
    return [
        alarm.name
        for alarm in graph.of_type(ALARM)
        if alarm.props.get("namespace") == "AWS/Route53" and check.name in dependency_names(graph, alarm, "dimensions")
    ]


def probes_of(graph: ResourceGraph, check: Resource) -> list[Resource]:
    url = f"https://{check.props['fqdn']}{check.props['resourcePath']}"
    return [probe for probe in graph.of_type(PROBE) if probe.props["requestDefinition"]["url"] == url]


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_health_check_pages_by_exactly_one_path(stack, request):
    """A check in us-east-1 pages through its CloudWatch alarm there, every other through a probe: each check has
    exactly one page, so none is silent and none pages twice."""
    graph = request.getfixturevalue(stack)
    checks = graph.of_type(HEALTH_CHECK)
    assert checks
    for check in checks:
        alarms, probes = route53_alarms_of(graph, check), probes_of(graph, check)
        assert len(alarms) + len(probes) == 1, (check.name, alarms, [p.name for p in probes])
        assert bool(alarms) == (check.region == "us-east-1"), check.name


def declared_handles(graph: ResourceGraph) -> dict[str, Resource]:
    """`@pagerduty-<service>` -> the Datadog service object a stack declares for it."""
    return {f"@pagerduty-{o.props['serviceName']}": o for o in graph.of_type(SERVICE_OBJECT)}


def probe_gaps(graph: ResourceGraph, prod: ResourceGraph) -> list[str]:
    """What keeps a health check outside us-east-1 from paging a person from inside its jurisdiction: no probe (or
    more than one) of its endpoint, a probe location outside the cell's jurisdiction, a handle whose service object
    neither the stack nor prod (the one Datadog account) declares, a probe created without waiting for its stack's
    own service object, or no runbook."""
    gaps = []
    handles = declared_handles(graph)
    for check in sorted(graph.of_type(HEALTH_CHECK), key=lambda check: check.name):
        if check.region == "us-east-1":
            continue
        cell = check.name.split("-")[0]
        code = cell.upper()  # cells are named by their jurisdiction
        probes = probes_of(graph, check)
        if len(probes) != 1:
            gaps.append(f"{check.name}: {len(probes)} probes")
            continue
        probe = probes[0]
        outside = [loc for loc in probe.props["locations"] if not jurisdiction(code).allows(loc.removeprefix("aws:"))]
        if outside or not probe.props["locations"]:
            gaps.append(f"{check.name}: locations outside {code}: {outside}")
        if probe.props["optionsList"]["minLocationFailed"] != len(probe.props["locations"]):
            gaps.append(f"{check.name}: pages before every location fails")
        handle = probe.props["message"].splitlines()[-1]
        if handle in handles:
            if handles[handle].urn not in probe.dependencies:
                gaps.append(f"{check.name}: created without waiting for {handle}")
        elif handle not in declared_handles(prod):
            gaps.append(f"{check.name}: {handle} is declared by no stack")
        if RUNBOOK.findall(probe.props["message"]) != ["runbooks/route53-health-check-failed.md"]:
            gaps.append(f"{check.name}: no runbook")
    return gaps


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_health_check_outside_us_east_1_is_probed_from_inside_the_jurisdiction(stack, request, prod):
    """Each health check outside us-east-1 (every one of dr's, dev's one) has one probe of its endpoint, run only
    from the cell's jurisdiction, paging a handle whose service object the stack itself declares (or prod, the one
    Datadog account), created after that object."""
    graph = request.getfixturevalue(stack)
    assert [check for check in graph.of_type(HEALTH_CHECK) if check.region != "us-east-1"]
    assert probe_gaps(graph, prod) == []
    for probe in graph.of_type(PROBE):
        cell = probe.name.split("-")[0]
        assert probe.props["optionsList"]["monitorName"] == f"trustfabric-{stack}-{cell}-api-health-check-failed"


def mutate_dr_probes(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """Break three of dr's probes, each a different way."""
    if args.type_ != PROBE:
        return None
    props = dict(args.props)
    if args.name == "uk-health-probes-api":
        props["message"] = (
            "api is down\nRunbook: runbooks/route53-health-check-failed.md\n@pagerduty-trustfabric-nobody"
        )
    elif args.name == "eu-health-probes-api":
        props["request_definition"] = datadog.SyntheticsTestRequestDefinitionArgs(
            method="GET", url="https://api.eu-west-1.example.com/healthz", timeout=10
        )
    elif args.name == "ca-health-probes-api":
        props["locations"] = ["aws:us-east-1"]
        props["options_list"] = datadog.SyntheticsTestOptionsListArgs(tick_every=60, min_location_failed=1)
    else:
        return None
    return pulumi.ResourceTransformationResult(props, args.opts)


def test_a_broken_dr_probe_is_found(prod):
    """The check above on a mutated dr: a probe paging an undeclared handle, an endpoint left without a probe, a
    probe run from outside its jurisdiction are each reported, and nothing else."""
    mutated = run_program(REPO_ROOT, "dr", transformations=[mutate_dr_probes])
    assert probe_gaps(mutated, prod) == [
        "ca-routing-api-health: locations outside CA: ['aws:us-east-1']",
        "eu-routing-api-health: 0 probes",
        "uk-routing-api-health: @pagerduty-trustfabric-nobody is declared by no stack",
    ]


@pytest.mark.parametrize("stack", ["dr", "dev"])
def test_dr_and_dev_page_their_own_platform_service(stack, request, prod):
    """dr and dev key their probes' handle with their own platform service (dev's pages at low urgency,
    Pulumi.dev.yaml `pagingUrgency: low`), never with prod's, and name it apart from every prod handle: the one
    Datadog account holds each service object once."""
    graph = request.getfixturevalue(stack)
    handles = {probe.props["message"].splitlines()[-1] for probe in graph.of_type(PROBE)}
    assert handles == {f"@pagerduty-trustfabric-{stack}-sev1"}
    (service_object,) = graph.of_type(SERVICE_OBJECT)
    assert f"@pagerduty-{service_object.props['serviceName']}" in handles
    assert not set(declared_handles(graph)) & set(declared_handles(prod))
    assert dependency_names(graph, service_object, "serviceKey") == ["oncall-platform-events"]
    assert not isinstance(service_object.props["serviceKey"], str)  # never a literal key
    assert service_object.inputs["serviceKey"].get(SIG_KEY) == SECRET_SIG  # shown redacted
    platform = only(graph, "pagerduty:index/service:Service", "oncall-platform")
    assert platform.props["name"] == f"trustfabric-{stack}-platform"
    urgency = platform.props["incidentUrgencyRule"]["urgency"]
    assert urgency == ("low" if stack == "dev" else "severity_based")


def test_prods_probes_depend_on_the_service_object_they_page(prod):
    """prod's handle is the observability layer's service object, declared with the first cell: every cell's
    probe waits for it."""
    handles = declared_handles(prod)
    for cell in CELL_REGIONS:
        probe = only(prod, PROBE, f"{cell}-health-probes-api")
        handle = probe.props["message"].splitlines()[-1]
        assert handles[handle].urn in probe.dependencies, probe.name
