"""Health probes: every prod cell pages when its Route53 health check's endpoint fails, the US cell through its
CloudWatch alarm in us-east-1, every other cell through a Datadog synthetic test run from inside its
jurisdiction, against the very endpoint its health check probes, paging the platform service."""

from __future__ import annotations

import re
from dataclasses import replace

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
from trustfabric.graph import ResourceGraph

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


def test_every_prod_health_check_pages_by_one_path(prod):
    """The US cell's check pages through its CloudWatch alarm (us-east-1), every other through a probe: each check
    has exactly one page, so none is silent and none pages twice."""
    for check in prod.of_type(HEALTH_CHECK):
        cell = check.name.split("-")[0]
        alarms = [
            alarm.name
            for alarm in prod.of_type(ALARM)
            if alarm.props.get("namespace") == "AWS/Route53"
            and check.name in dependency_names(prod, alarm, "dimensions")
        ]
        probes = [
            probe.name
            for probe in prod.of_type(PROBE)
            if probe.props["requestDefinition"]["url"] == f"https://{check.props['fqdn']}{check.props['resourcePath']}"
        ]
        assert len(alarms) + len(probes) == 1, (check.name, alarms, probes)
        assert bool(alarms) == (cell == "us"), check.name


def test_dr_and_dev_declare_no_probe(dr, dev):
    """Their Datadog account declares no PagerDuty service object for them (stacks/observability.py): a probe
    there would page nobody or prod's service; left for later in docs/adr/0011-on-call-as-code.md."""
    for graph in (dr, dev):
        assert not graph.of_type(PROBE)
