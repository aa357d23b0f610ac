"""The dead-letter depth alarm (`components.observability.queue_alarms`) as each of its users declares it in prod:
game days, the nightly evaluation schedule and the feedback queues all alarm on the first undeliverable message
of their own dead-letter queue, and notify their own topic."""

from __future__ import annotations

from tests.components.helpers import dependency_names, only, prod

__all__ = ["prod"]

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"

# alarm resource -> (its dead-letter queue, the topic it notifies)
USERS = {
    "uk-game-days-undelivered": ("uk-game-days-dlq", "uk-game-days-pages"),
    "uk-model-pipelines-evaluation-dlq-depth": ("uk-model-pipelines-evaluation-dlq", "uk-model-pipelines-alerts"),
    "uk-feedback-user-corrections-dlq-depth": ("uk-feedback-user-corrections-dlq", "uk-model-pipelines-alerts"),
    "uk-feedback-compliance-feedback-dlq-depth": ("uk-feedback-compliance-feedback-dlq", "uk-model-pipelines-alerts"),
}


def test_every_dead_letter_queue_alarms_on_its_first_message(prod):
    for name, (queue_name, topic_name) in USERS.items():
        alarm = only(prod, ALARM, name)
        props = alarm.props
        assert (props["namespace"], props["metricName"], props["statistic"]) == (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "Maximum",
        ), name
        assert (props["period"], props["evaluationPeriods"], props["threshold"]) == (300, 1, 0), name
        assert props["comparisonOperator"] == "GreaterThanThreshold", name
        assert props["treatMissingData"] == "notBreaching", name
        queue = only(prod, QUEUE, queue_name)
        assert props["dimensions"] == {"QueueName": queue.props["name"]}, name
        assert dependency_names(prod, alarm, "alarmActions") == [topic_name], name
        assert "runbook" in props["alarmDescription"].lower(), name
