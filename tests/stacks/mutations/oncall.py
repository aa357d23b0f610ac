"""Mutations for the on-call policies: alert topics that reach nobody, alarms that notify nobody or name no
runbook, health probes that name no runbook."""

from __future__ import annotations

from tests.stacks.mutations.edits import set_at
from tests.stacks.mutations.model import Mutation

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PROBE = "datadog:index/syntheticsTest:SyntheticsTest"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-sns-alert-topic-subscribed",
        stack="prod",
        type=SUBSCRIPTION,
        name="eu-paging-ledger-pagerduty",
        change="remove the ledger topic's PagerDuty subscription",
        expect="no confirmed subscription delivers them to anyone",
        edit=None,
        flagged=(TOPIC, "eu-paging-ledger"),
    ),
    Mutation(
        policy="aws-cloudwatch-alarm-actions-enabled",
        stack="dr",
        type=ALARM,
        name="ca-paging-ledger-global-replication-lag",
        change="disable the alarm's actions",
        expect="has its actions disabled",
        edit=set_at(["actions_enabled"], False),
    ),
    Mutation(
        policy="aws-cloudwatch-alarm-runbook-linked",
        stack="prod",
        type=ALARM,
        name="ca-paging-ledger-table-replication-lag",
        change="describe the alarm without its runbook",
        expect="names no runbook",
        edit=set_at(["alarm_description"], "The ledger table's replica lags"),
    ),
    Mutation(
        policy="datadog-synthetics-test-runbook-linked",
        stack="dr",
        type=PROBE,
        name="ca-health-probes-api",
        change="page from dr's health probe of ca-west-1 without its runbook",
        expect="names no runbook",
        edit=set_at(["message"], "api.ca-west-1 is down\n@pagerduty-trustfabric-dr-sev1"),
    ),
)
