"""Every paging alarm and rule of every stack names a runbook that exists and routes to a PagerDuty service; the
alarms of issue 15's last points (records replication, the trail's deliveries, Route53 health checks and DNSSEC)
watch the right metric of the right resource and page the right service."""

from __future__ import annotations

import re

import pytest

from tests.components.helpers import dependency_names, only, provider_region
from tests.conftest import REPO_ROOT
from trustfabric.graph import Resource, ResourceGraph

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RUNBOOK = re.compile(r"runbooks/[a-z0-9][a-z0-9-]*\.md")
ENDPOINT = re.compile(r"^oncall-(ledger|filings|ingestion|security|platform)-cloudwatch$")


def pagerduty_services(graph: ResourceGraph, topic_names: list[str]) -> set[str]:
    """The PagerDuty integrations (`oncall-<domain>-cloudwatch`) the named topics' HTTPS subscriptions reach."""
    found = set()
    for subscription in graph.of_type(SUBSCRIPTION):
        if set(dependency_names(graph, subscription, "topic")) & set(topic_names):
            assert subscription.props["protocol"] == "https", subscription.name
            found.update(dependency_names(graph, subscription, "endpoint"))
    return found


def runbook_of(description: str) -> str:
    """The runbook an alarm or rule names (`runbooks/<name>.md`, as aws-cloudwatch-alarm-runbook-linked reads it)."""
    found = RUNBOOK.findall(description)
    assert len(found) == 1, description
    return str(found[0])


def paging_alarms(graph: ResourceGraph) -> list[Resource]:
    """Alarms that act on ALARM themselves (the SLO burn-rate alarms are watched by composites, not paging)."""
    return [alarm for alarm in graph.of_type(ALARM) if alarm.props.get("alarmActions")]


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_paging_alarm_and_rule_has_a_runbook_and_a_route_to_pagerduty(request, stack):
    graph = request.getfixturevalue(stack)
    alarms = paging_alarms(graph)
    assert len(alarms) >= 2
    for alarm in alarms:
        assert (REPO_ROOT / runbook_of(alarm.props["alarmDescription"])).is_file(), alarm.name
        services = pagerduty_services(graph, dependency_names(graph, alarm, "alarmActions"))
        assert len(services) == 1 and ENDPOINT.match(services.pop()), alarm.name
        if "-paging-" in alarm.name:  # the on-call layer's own alarms also resolve their incident on OK
            assert alarm.props["okActions"] == alarm.props["alarmActions"], alarm.name
    rules = [rule for rule in graph.of_type(RULE) if "-paging-" in rule.name]
    assert rules
    for rule in rules:
        assert (REPO_ROOT / runbook_of(rule.props["description"])).is_file(), rule.name
        target = only(graph, TARGET, f"{rule.name}-page")
        services = pagerduty_services(graph, dependency_names(graph, target, "arn"))
        assert len(services) == 1 and ENDPOINT.match(services.pop()), rule.name


def alarm_route(graph: ResourceGraph, name: str) -> tuple[dict, list[str]]:
    alarm = only(graph, ALARM, name)
    return alarm.props, sorted(pagerduty_services(graph, dependency_names(graph, alarm, "alarmActions")))


def test_each_prod_cell_pages_the_platform_service_when_its_records_fail_to_replicate(prod):
    pairs = {"uk": ("eu-west-2", "eu-west-1"), "eu": ("eu-central-1", "eu-west-1")}
    pairs |= {"us": ("us-east-1", "us-west-2"), "ca": ("ca-central-1", "ca-west-1")}
    for cell, (region, paired) in pairs.items():
        for name, metric, threshold in (
            ("records-replication-failed", "OperationsFailedReplication", 0),
            ("records-replication-late", "ReplicationLatency", 900),
        ):
            props, services = alarm_route(prod, f"{cell}-paging-{name}")
            assert (props["namespace"], props["metricName"], props["threshold"]) == ("AWS/S3", metric, threshold)
            assert props["comparisonOperator"] == "GreaterThanThreshold"
            assert props["dimensions"] == {
                "SourceBucket": f"trustfabric-prod-{cell}-records-{region}-123456789012",
                "DestinationBucket": f"trustfabric-prod-{cell}-records-{paired}-123456789012",
                "RuleId": f"records-to-{paired}",
            }
            assert props["alarmDescription"].endswith("Runbook: runbooks/records-replication-failed.md")
            assert services == ["oncall-platform-cloudwatch"]
        # The rule the alarms name is the rule the bucket replicates with.
        config = only(
            prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", f"{cell}-records-bucket-replication"
        )
        assert [rule["id"] for rule in config.props["rules"]] == [f"records-to-{paired}"]
    # dr is the replica target and dev does not replicate: nothing to watch there.


def test_dr_and_dev_declare_no_replication_alarm(dr, dev):
    for graph in (dr, dev):
        assert not [a.name for a in graph.of_type(ALARM) if "records-replication" in a.name]


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_the_trails_silent_deliveries_page_the_security_service_from_the_cell_that_declares_it(request, stack):
    graph = request.getfixturevalue(stack)
    s3, s3_services = alarm_route(graph, "uk-paging-cloudtrail-s3-delivery-stopped")
    assert (s3["namespace"], s3["metricName"]) == ("AWS/SNS", "NumberOfMessagesPublished")
    topic = only(graph, TOPIC, "uk-audit-trail-notifications")
    assert (
        s3["dimensions"]
        == {"TopicName": topic.props["name"]}
        == {"TopicName": f"trustfabric-{stack}-cloudtrail-log-files"}
    )
    logs, logs_services = alarm_route(graph, "uk-paging-cloudtrail-logs-delivery-stopped")
    assert (logs["namespace"], logs["metricName"]) == ("AWS/Logs", "IncomingLogEvents")
    group = only(graph, "aws:cloudwatch/logGroup:LogGroup", "uk-audit-trail-logs")
    assert logs["dimensions"] == {"LogGroupName": group.props["name"]}
    for props in (s3, logs):
        # Silence is the failure: fewer than one in each of three 5-minute periods, and no data counts.
        assert props["comparisonOperator"] == "LessThanThreshold" and props["threshold"] == 1
        assert (props["period"], props["evaluationPeriods"], props["statistic"]) == (300, 3, "Sum")
        assert props["treatMissingData"] == "breaching"
        assert props["alarmDescription"].endswith("Runbook: runbooks/cloudtrail-delivery-failed.md")
    assert s3_services == logs_services == ["oncall-security-cloudwatch"]
    # One trail per stack, so one pair of alarms: only the first cell has them.
    assert sorted(a.name for a in graph.of_type(ALARM) if "cloudtrail" in a.name) == [
        "uk-paging-cloudtrail-logs-delivery-stopped",
        "uk-paging-cloudtrail-s3-delivery-stopped",
    ]


def test_the_us_cell_pages_on_its_health_check_and_its_zones_dnssec_in_us_east_1(prod):
    health, services = alarm_route(prod, "us-paging-api-health-check-failed")
    assert (health["namespace"], health["metricName"]) == ("AWS/Route53", "HealthCheckStatus")
    assert dependency_names(prod, only(prod, ALARM, "us-paging-api-health-check-failed"), "dimensions") == [
        "us-routing-api-health"
    ]
    assert (health["comparisonOperator"], health["threshold"], health["statistic"]) == (
        "LessThanThreshold",
        1,
        "Minimum",
    )
    assert health["evaluationPeriods"] * health["period"] <= 120  # MTTD under 2 minutes of alarm evaluation
    assert health["treatMissingData"] == "breaching"
    assert health["alarmDescription"].endswith("Runbook: runbooks/route53-health-check-failed.md")
    assert services == ["oncall-platform-cloudwatch"]
    for name, metric in (
        ("dnssec-internal-failure", "DNSSECInternalFailure"),
        ("dnssec-ksk-needs-action", "DNSSECKeySigningKeysNeedingAction"),
    ):
        props, services = alarm_route(prod, f"us-paging-{name}")
        assert (props["namespace"], props["metricName"], props["threshold"]) == ("AWS/Route53", metric, 0)
        assert props["comparisonOperator"] == "GreaterThanThreshold"
        alarm = only(prod, ALARM, f"us-paging-{name}")
        # The zone the cell signs: its id comes from the signing resource's hosted zone.
        assert dependency_names(prod, alarm, "dimensions") == ["us-routing-zone"]
        assert props["alarmDescription"].endswith("Runbook: runbooks/dnssec-failure.md")
        assert services == ["oncall-security-cloudwatch"]
        assert provider_region(prod, alarm) == "us-east-1"
    assert provider_region(prod, only(prod, ALARM, "us-paging-api-health-check-failed")) == "us-east-1"


def test_route53_alarms_exist_only_where_the_metrics_are(prod, dr, dev):
    """Route53 publishes these metrics in us-east-1 only: cells elsewhere would need an alarm outside their
    jurisdiction's regions, so they declare none (module docstring of stacks/oncall.py)."""
    route53 = [
        (a.name, g) for g in (prod, dr, dev) for a in g.of_type(ALARM) if a.props.get("namespace") == "AWS/Route53"
    ]
    assert sorted(name for name, _ in route53) == [
        "us-paging-api-health-check-failed",
        "us-paging-dnssec-internal-failure",
        "us-paging-dnssec-ksk-needs-action",
    ]
    assert all(graph is prod for _, graph in route53)


def test_the_new_runbooks_are_followable():
    for name in (
        "cloudtrail-delivery-failed",
        "records-replication-failed",
        "route53-health-check-failed",
        "dnssec-failure",
    ):
        text = (REPO_ROOT / "runbooks" / f"{name}.md").read_text(encoding="utf-8")
        for section in ("## Trigger", "## Impact", "## Diagnosis", "## Steps", "## Verification", "## Rollback"):
            assert section in text, f"{name}: {section}"
