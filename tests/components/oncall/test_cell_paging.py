"""Cell paging: every cell's alert topics are subscribed to PagerDuty, and its rules and alarms publish to them."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from components.oncall.cell_paging import CellPagingArgs, EventAlert, MetricAlert, validate_args
from slogen.alertmanager import alertmanager_config
from stacks.oncall import BACKUP_FAILED, CONFIG_DELIVERY_FAILED, ROTATION_FAILED, routing_key_files
from tests.components.helpers import CELLS, dependency_names, only, provider_region, refusal
from tests.conftest import REPO_ROOT
from trustfabric.engine import ACCOUNT_ID

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KV_SECRET = "vault:kv/secretV2:SecretV2"


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_alert_topic_of_every_cell_is_subscribed_to_pagerduty(request, stack):
    graph = request.getfixturevalue(stack)
    cells = CELLS if stack != "dev" else ("uk",)
    for cell in cells:
        for domain in ("platform", "security", "ledger") if stack != "dev" else ("platform", "security"):
            topic = only(graph, TOPIC, f"{cell}-paging-{domain}")
            assert topic.props["name"] == f"trustfabric-{stack}-{cell}-oncall-{domain}"
            assert topic.props["kmsMasterKeyId"].startswith("arn:aws:kms:")
            subscription = only(graph, SUBSCRIPTION, f"{cell}-paging-{domain}-pagerduty")
            assert subscription.props["protocol"] == "https"
            assert subscription.props["endpointAutoConfirms"] is True
            assert dependency_names(graph, subscription, "topic") == [topic.name]


def test_the_security_alerts_topic_of_each_cell_pages_the_security_service(prod):
    for cell in CELLS:
        subscription = only(prod, SUBSCRIPTION, f"{cell}-paging-security-alerts-pagerduty")
        assert dependency_names(prod, subscription, "topic") == [f"{cell}-audit-alerts"]
        assert dependency_names(prod, subscription, "endpoint") == ["oncall-security-cloudwatch"]
        assert subscription.props["protocol"] == "https"
        assert subscription.props["endpointAutoConfirms"] is True
        assert provider_region(prod, subscription) == provider_region(prod, only(prod, TOPIC, f"{cell}-audit-alerts"))


def test_backup_and_rotation_failures_page(prod):
    for cell in CELLS:
        for alert, domain in ((BACKUP_FAILED, "platform"), (ROTATION_FAILED, "security")):
            rule = only(prod, RULE, f"{cell}-paging-{alert.name}")
            assert json.loads(rule.props["eventPattern"]) == alert.pattern
            assert rule.props["description"].endswith(f"Runbook: {alert.runbook}")
            target = only(prod, TARGET, f"{cell}-paging-{alert.name}-page")
            assert dependency_names(prod, target, "arn") == [f"{cell}-paging-{domain}"]
    backup = json.loads(only(prod, RULE, "uk-paging-backup-job-failed").props["eventPattern"])
    assert backup["detail"]["state"] == ["FAILED", "EXPIRED", "ABORTED"]


def test_prod_watches_the_ledger_tables_replication_and_dr_the_global_databases(prod, dr):
    table = only(prod, ALARM, "uk-paging-ledger-table-replication-lag").props
    assert (table["namespace"], table["metricName"]) == ("AWS/DynamoDB", "ReplicationLatency")
    assert table["dimensions"] == {"TableName": "trustfabric-prod-uk-ledger-events", "ReceivingRegion": "eu-west-1"}
    aurora = only(dr, ALARM, "uk-paging-ledger-global-replication-lag").props
    assert (aurora["namespace"], aurora["metricName"]) == ("AWS/RDS", "AuroraGlobalDBReplicationLag")
    assert aurora["dimensions"] == {"DBClusterIdentifier": "trustfabric-prod-uk-ledger-eu-west-1"}
    for props, graph in ((table, prod), (aurora, dr)):
        alarm = next(a for a in graph.of_type(ALARM) if a.name.startswith("uk-paging-ledger"))
        assert dependency_names(graph, alarm, "alarmActions") == dependency_names(graph, alarm, "okActions")
        assert dependency_names(graph, alarm, "alarmActions") == ["uk-paging-ledger"]
        assert props["alarmActions"] == props["okActions"] and len(props["alarmActions"]) == 1
        assert props["actionsEnabled"] is True
        assert props["threshold"] == 60000
        assert props["alarmDescription"].endswith("Runbook: runbooks/ledger-replication-lag.md")
    assert not [a for a in prod.of_type(ALARM) if "global-replication" in a.name]


def test_alert_topics_admit_only_this_accounts_rules_and_alarms_over_tls(prod):
    policy = json.loads(only(prod, "aws:sns/topicPolicy:TopicPolicy", "uk-paging-ledger-policy").props["policy"])
    allow, deny = policy["Statement"]
    assert allow["Principal"] == {"Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]}
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_every_runbook_an_alert_names_exists(prod, dr, dev):
    for graph in (prod, dr, dev):
        for resource in (*graph.of_type(RULE), *graph.of_type(ALARM)):
            description = resource.props.get("description") or resource.props.get("alarmDescription") or ""
            if "Runbook: " in description:
                assert (REPO_ROOT / description.rsplit("Runbook: ", 1)[1]).is_file(), resource.name


def alarm(**changes):
    values = {
        "name": "lag",
        "domain": "ledger",
        "runbook": "runbooks/ledger-replication-lag.md",
        "description": "d",
        "namespace": "AWS/RDS",
        "metric_name": "m",
        "dimensions": {},
        "threshold": 1.0,
        **changes,
    }
    return MetricAlert(**values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"endpoints": {"billing": "x"}},
            "CellPaging: endpoints: 'billing' is not allowed; allowed: ledger, filings, ingestion, security, platform",
        ),
        (
            {"subscribed_topics": {"security-alerts": ("security", "arn:aws:sns:eu-west-2:1:t")}},
            "CellPaging: subscribed_topics: security-alerts: domain 'security' has no endpoint",
        ),
        (
            {"alarms": (alarm(domain="platform"),)},
            "CellPaging: lag: domain 'platform' has no endpoint; allowed: ledger",
        ),
        (
            {"alarms": (alarm(runbook="https://wiki/lag"),)},
            "CellPaging: lag: runbook 'https://wiki/lag'; allowed: runbooks/<name>.md",
        ),
        ({"alarms": (alarm(), alarm())}, "CellPaging: lag: declared twice; each alert has one name"),
        (
            {"alarms": (alarm(comparison="Above"),)},
            "CellPaging: lag.comparison: 'Above' is not allowed; allowed: GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold",
        ),
        (
            {
                "rules": (
                    EventAlert("r", "ledger", "runbooks/x.md", "d", {}),
                    EventAlert("r", "ledger", "runbooks/x.md", "d", {}),
                )
            },
            "CellPaging: r: declared twice; each alert has one name",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name(changes, message):
    values = {"stack": "prod", "cell": "uk", "kms_key_arn": "k", "endpoints": {"ledger": "https://e"}, **changes}
    assert refusal(lambda: validate_args(CellPagingArgs(**values))) == message


def test_runbooks_of_the_stack_alerts_are_written():
    for name in (
        "backup-job-failed",
        "secret-rotation-failed",
        "config-delivery-failed",
        "ledger-replication-lag",
        "pagerduty-routing-keys",
    ):
        text = (REPO_ROOT / "runbooks" / f"{name}.md").read_text(encoding="utf-8")
        for section in ("## Trigger", "## Impact", "## Diagnosis", "## Steps", "## Verification", "## Rollback"):
            assert section in text, f"{name}: {section}"
    assert Path(REPO_ROOT / BACKUP_FAILED.runbook).is_file()


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_alertmanagers_routing_key_files_come_from_the_declared_integrations(request, stack):
    graph = request.getfixturevalue(stack)
    cells = CELLS if stack != "dev" else ("uk",)
    files = {
        PurePosixPath(config["routing_key_file"]).name
        for receiver in alertmanager_config()["receivers"]
        for config in receiver.get("pagerduty_configs", [])
    }
    assert files == {"pagerduty-sev1-routing-key", "pagerduty-business-hours-routing-key"}
    for cell in cells:
        secret = only(graph, KV_SECRET, f"{cell}-paging-routing-keys")
        assert secret.props["name"] == "observability/pagerduty-routing-keys"
        assert dependency_names(graph, secret, "mount") == [f"{cell}-vault-kv"]
        # The keys exist once PagerDuty creates the integrations: never a literal in the program.
        assert not isinstance(secret.props["dataJson"], str)
        assert sorted(dependency_names(graph, secret, "dataJson")) == [
            "oncall-business-hours-events",
            "oncall-platform-events",
        ]
        assert routing_key_files() == {
            "pagerduty-sev1": "pagerduty-sev1-routing-key",
            "pagerduty-business-hours": "pagerduty-business-hours-routing-key",
        }


def test_config_delivery_failures_page_once_per_region(prod, dr):
    names = ("uk", "eu", "us", "ca")
    assert [
        c for c in names if any(r.name == f"{c}-paging-config-delivery-failed" for r in prod.of_type(RULE))
    ] == list(names)
    # dr's UK and EU cells share eu-west-1: the UK cell owns its Config recorder, and pages for it.
    assert [c for c in names if any(r.name == f"{c}-paging-config-delivery-failed" for r in dr.of_type(RULE))] == [
        "uk",
        "us",
        "ca",
    ]
    rule = only(prod, RULE, "uk-paging-config-delivery-failed")
    assert json.loads(rule.props["eventPattern"]) == CONFIG_DELIVERY_FAILED.pattern
    assert dependency_names(prod, only(prod, TARGET, "uk-paging-config-delivery-failed-page"), "arn") == [
        "uk-paging-security"
    ]


def test_the_model_alert_topic_of_each_cell_that_serves_models_pages_the_platform_service(prod):
    for cell in CELLS:
        subscription = only(prod, SUBSCRIPTION, f"{cell}-paging-model-alerts-pagerduty")
        assert dependency_names(prod, subscription, "topic") == [f"{cell}-model-pipelines-alerts"]
        assert dependency_names(prod, subscription, "endpoint") == ["oncall-platform-cloudwatch"]
        assert subscription.props["endpointAutoConfirms"] is True
