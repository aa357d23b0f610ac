"""A stack's PagerDuty services: one per domain paging by severity, a business-hours service, secret keys."""

from __future__ import annotations

import pytest

from components.oncall.services import (
    CLOUDWATCH,
    DOMAINS,
    EVENTS_API_V2,
    OnCallServicesArgs,
    SupportHours,
    cloudwatch_endpoint,
    validate_args,
)
from tests.components.helpers import only, refusal
from trustfabric.graph import SECRET_SIG, SIG_KEY

SERVICE = "pagerduty:index/service:Service"
INTEGRATION = "pagerduty:index/serviceIntegration:ServiceIntegration"


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_every_domain_has_a_service_paging_by_severity_through_the_directory(request, stack):
    graph = request.getfixturevalue(stack)
    for domain in DOMAINS:
        service = only(graph, SERVICE, f"oncall-{domain}")
        assert service.props["name"] == f"trustfabric-{stack}-{domain}"
        assert service.props["incidentUrgencyRule"] == {"type": "constant", "urgency": "severity_based"}
        assert service.props["acknowledgementTimeout"] == "1800"
        assert "escalationPolicy" in service.props  # the directory's output, unknown until the oncall stack exists
        types = {only(graph, INTEGRATION, f"oncall-{domain}-{kind}").props["type"] for kind in ("events", "cloudwatch")}
        assert types == {EVENTS_API_V2, CLOUDWATCH}


def test_dev_never_pages_at_night(dev):
    for domain in DOMAINS:
        assert only(dev, SERVICE, f"oncall-{domain}").props["incidentUrgencyRule"]["urgency"] == "low"
    rule = only(dev, SERVICE, "oncall-business-hours").props["incidentUrgencyRule"]
    assert rule["duringSupportHours"]["urgency"] == "low"


def test_the_business_hours_service_is_high_only_in_support_hours(prod):
    service = only(prod, SERVICE, "oncall-business-hours").props
    assert service["supportHours"] == {
        "type": "fixed_time_per_day",
        "timeZone": "Europe/London",
        "startTime": "09:00:00",
        "endTime": "17:30:00",
        "daysOfWeeks": [1, 2, 3, 4, 5],
    }
    assert service["incidentUrgencyRule"] == {
        "type": "use_support_hours",
        "duringSupportHours": {"type": "constant", "urgency": "high"},
        "outsideSupportHours": {"type": "constant", "urgency": "low"},
    }
    assert service["scheduledActions"] == [
        {"type": "urgency_change", "toUrgency": "high", "ats": [{"type": "named_time", "name": "support_hours_start"}]}
    ]


def test_notices_reach_the_business_hours_service_through_its_cloudwatch_integration(prod):
    integration = only(prod, INTEGRATION, "oncall-business-hours-cloudwatch")
    assert integration.props["type"] == CLOUDWATCH
    assert integration.dependencies == [only(prod, SERVICE, "oncall-business-hours").urn]
    subscription = only(prod, "aws:sns/topicSubscription:TopicSubscription", "uk-game-days-notices-pagerduty")
    assert integration.urn in subscription.dependencies


def test_integration_keys_are_secret_outputs(prod):
    for integration in prod.of_type(INTEGRATION):
        assert integration.options.get("additional_secret_outputs") == ["integrationKey"]


def test_the_cloudwatch_endpoint_is_pagerdutys_enqueue_url():
    assert cloudwatch_endpoint("abc123") == "https://events.pagerduty.com/integration/abc123/enqueue"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"domains": ()}, "OnCallServices: domains: must not be empty"),
        (
            {"domains": ("ledger", "billing")},
            "OnCallServices: domains: 'billing' is not allowed; allowed: ledger, filings, ingestion, security, platform",
        ),
        ({"domains": ("ledger",)}, "OnCallServices: domains: must include 'platform', the service Sev1 pages reach"),
        ({"paging_urgency": "high"}, "OnCallServices: paging_urgency: 'high' is not allowed; allowed: severity, low"),
        ({"support_hours": SupportHours(days=(0, 1))}, "OnCallServices: support_hours.days: [0, 1]; allowed: 1..7"),
    ],
)
def test_bad_arguments_are_refused_by_name(changes, message):
    args = OnCallServicesArgs(**{"stack": "prod", "escalation_policy_id": "P1", **changes})
    assert refusal(lambda: validate_args(args)) == message


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_the_routing_keys_alertmanager_and_datadog_read_are_secret_stack_outputs(request, stack):
    graph = request.getfixturevalue(stack)
    keys = graph.outputs["pagerduty_routing_keys"]
    assert sorted(keys) == ["business-hours", "sev1"]
    assert all(value.get(SIG_KEY) == SECRET_SIG for value in keys.values())
