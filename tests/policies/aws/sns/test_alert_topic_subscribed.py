"""aws-sns-alert-topic-subscribed: a topic rules or alarms alert to has a subscriber that needs no confirmation."""

import pytest

from policies.aws.sns.alert_topic_subscribed import POLICY
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
paged = aws.sns.Topic("paged", name="paged")
rule = aws.cloudwatch.EventRule("rule", event_pattern='{"source": ["aws.backup"]}')
aws.cloudwatch.EventTarget("to-paged", rule=rule.name, arn=paged.arn)
aws.sns.TopicSubscription("pagerduty", topic=paged.arn, protocol="https",
                          endpoint="https://events.pagerduty.com/integration/k/enqueue", endpoint_auto_confirms=True)
by_arn = aws.sns.Topic("by-arn", name="by-arn")
aws.cloudwatch.MetricAlarm("alarm", comparison_operator="GreaterThanThreshold", evaluation_periods=1,
                           metric_name="m", namespace="n", period=60, statistic="Maximum", threshold=1,
                           alarm_actions=["arn:aws:sns:eu-west-2:123456789012:by-arn"])
aws.sns.TopicSubscription("queue", topic="arn:aws:sns:eu-west-2:123456789012:by-arn", protocol="sqs",
                          endpoint="arn:aws:sqs:eu-west-2:123456789012:q")
aws.sns.Topic("quiet")  # nothing alerts to it: not judged
"""

BROKEN = """
import pulumi_aws as aws
unsubscribed = aws.sns.Topic("unsubscribed")
rule = aws.cloudwatch.EventRule("rule", event_pattern='{"source": ["aws.backup"]}')
aws.cloudwatch.EventTarget("to-unsubscribed", rule=rule.name, arn=unsubscribed.arn)
emailed = aws.sns.Topic("emailed")
aws.cloudwatch.MetricAlarm("alarm", comparison_operator="GreaterThanThreshold", evaluation_periods=1,
                           metric_name="m", namespace="n", period=60, statistic="Maximum", threshold=1,
                           alarm_actions=[emailed.arn])
aws.sns.TopicSubscription("email", topic=emailed.arn, protocol="email", endpoint="oncall@example.com")
unconfirmed = aws.sns.Topic("unconfirmed")
aws.cloudwatch.EventTarget("to-unconfirmed", rule=rule.name, arn=unconfirmed.arn)
aws.sns.TopicSubscription("https", topic=unconfirmed.arn, protocol="https", endpoint="https://example.com/hook")
"""

EXPECTED = {
    "unsubscribed": "SNS topic 'unsubscribed' receives alerts (EventBridge target 'to-unsubscribed') but no "
    "confirmed subscription delivers them to anyone; subscribe the on-call's PagerDuty endpoint (protocol https, "
    "endpoint_auto_confirms=True).",
    "emailed": "SNS topic 'emailed' receives alerts (CloudWatch alarm 'alarm') but no confirmed subscription "
    "delivers them to anyone; subscribe the on-call's PagerDuty endpoint (protocol https, "
    "endpoint_auto_confirms=True).",
    "unconfirmed": "SNS topic 'unconfirmed' receives alerts (EventBridge target 'to-unconfirmed') but no confirmed "
    "subscription delivers them to anyone; subscribe the on-call's PagerDuty endpoint (protocol https, "
    "endpoint_auto_confirms=True).",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_compliant_resources_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_way_to_break_it_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_a_subscription_whose_protocol_is_unknown_is_never_a_pass():
    topic = resource("aws:sns/topic:Topic", {"name": "t"}, name="t")
    alarm = resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm", {"alarmActions": ["arn:aws:sns:eu-west-2:123456789012:t"]}, name="a"
    )
    subscription = resource(
        "aws:sns/topicSubscription:TopicSubscription",
        {"topic": "arn:aws:sns:eu-west-2:123456789012:t", "protocol": UNKNOWN},
        name="s",
    )
    [diagnostic] = evaluate(POLICY, graph_of(topic, alarm, subscription))
    assert diagnostic.detail == (
        "SNS topic 't' receives alerts (CloudWatch alarm 'a') but its subscription's topic, protocol or "
        "confirmation is not known during preview; subscribe it literally (protocol https with "
        "endpoint_auto_confirms=True, lambda or sqs)."
    )
