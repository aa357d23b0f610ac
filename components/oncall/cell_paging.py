"""Cell paging: every alerting path of a cell ends at a person.

For each domain the cell alerts for, an SNS topic (encrypted with the cell's logs key) subscribed over HTTPS to
that domain's PagerDuty service (its Amazon CloudWatch integration, which confirms the subscription itself);
the topics other layers declare (the audit trail's security alerts, the model pipelines' alerts) get the same
subscription to their domain's service. EventBridge rules
(AWS Backup job and copy job failures, secret rotation failures) and CloudWatch alarms (replication lag) publish
to the topic of their domain; alarms notify on ALARM and on OK, so PagerDuty resolves the incident itself.
Every rule and alarm names its runbook (`runbooks/<name>.md`) in its description.

Usage::

    CellPaging(
        "uk-paging",
        CellPagingArgs(
            stack="prod", cell="uk", kms_key_arn=logs_key_arn,
            endpoints={"platform": services.cloudwatch_endpoints["platform"]},
            rules=(EventAlert("backup-failed", "platform", "runbooks/backup-job-failed.md", "AWS Backup job failed",
                              {"source": ["aws.backup"]}),),
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.oncall.services import DOMAINS
from components.validation import require_choice

COMPONENT = "CellPaging"
RUNBOOK = re.compile(r"^runbooks/[a-z0-9][a-z0-9-]*\.md$")
COMPARISONS = (
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)


@dataclass(frozen=True)
class EventAlert:
    """An EventBridge rule whose every match pages."""

    name: str
    domain: str
    """Whose PagerDuty service is paged (`components.oncall.services.DOMAINS`)."""
    runbook: str
    """`runbooks/<name>.md`, linked from the rule's description."""
    description: str
    pattern: Mapping[str, Any]
    """The event pattern."""


BACKUP_FAILED = EventAlert(
    name="backup-job-failed",
    domain="platform",
    runbook="runbooks/backup-job-failed.md",
    description="An AWS Backup job or copy job of the cell failed, expired or was aborted",
    pattern={
        "source": ["aws.backup"],
        "detail-type": ["Backup Job State Change", "Copy Job State Change"],
        "detail": {"state": ["FAILED", "EXPIRED", "ABORTED"]},
    },
)
"""Every account and region that runs AWS Backup jobs declares this rule: a cell's workload account in its region
(`stacks/oncall.py`), the audit account where the evidence store backs itself up
(`components/security/evidence_store.py`). EventBridge delivers a job's events only to the default bus of the
account and region the job runs in."""


@dataclass(frozen=True)
class MetricAlert:
    """A CloudWatch alarm on one metric that pages while it is in ALARM."""

    name: str
    domain: str
    runbook: str
    description: str
    namespace: str
    metric_name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    threshold: float
    statistic: str = "Maximum"
    period_seconds: int = 60
    evaluation_periods: int = 5
    comparison: str = "GreaterThanThreshold"
    treat_missing_data: str = "notBreaching"
    """Replication metrics are absent while nothing changes: absence is health, not an alarm."""


@dataclass(frozen=True)
class CellPagingArgs:
    """Arguments of a cell's paging."""

    stack: str
    cell: str
    kms_key_arn: pulumi.Input[str]
    """The cell's logs key: encrypts the alert topics (EventBridge and CloudWatch may use it)."""
    endpoints: Mapping[str, pulumi.Input[str]]
    """Domain -> HTTPS endpoint of its PagerDuty service's CloudWatch integration (secret)."""
    rules: Sequence[EventAlert] = field(default_factory=tuple)
    alarms: Sequence[MetricAlert] = field(default_factory=tuple)
    subscribed_topics: Mapping[str, tuple[str, pulumi.Input[str]]] = field(default_factory=dict)
    """Topics other layers declare that page too: name -> (domain, topic ARN), e.g. the audit trail's
    `security-alerts` -> ("security", arn); each is subscribed to its domain's service."""


def alerts(args: CellPagingArgs) -> list[EventAlert | MetricAlert]:
    """Every rule and alarm of the arguments."""
    return [*args.rules, *args.alarms]


def validate_args(args: CellPagingArgs) -> None:
    for domain in args.endpoints:
        require_choice(COMPONENT, "endpoints", domain, DOMAINS)
    for topic, (domain, _) in args.subscribed_topics.items():
        if domain not in args.endpoints:
            raise ValueError(f"{COMPONENT}: subscribed_topics: {topic}: domain {domain!r} has no endpoint")
    names: set[str] = set()
    for alert in alerts(args):
        if alert.name in names:
            raise ValueError(f"{COMPONENT}: {alert.name}: declared twice; each alert has one name")
        names.add(alert.name)
        if alert.domain not in args.endpoints:
            raise ValueError(
                f"{COMPONENT}: {alert.name}: domain {alert.domain!r} has no endpoint; "
                f"allowed: {', '.join(args.endpoints) or 'none given'}"
            )
        if not RUNBOOK.fullmatch(alert.runbook):
            raise ValueError(f"{COMPONENT}: {alert.name}: runbook {alert.runbook!r}; allowed: runbooks/<name>.md")
    for alarm in args.alarms:
        require_choice(COMPONENT, f"{alarm.name}.comparison", alarm.comparison, COMPARISONS)


def described(alert: EventAlert | MetricAlert) -> str:
    """The description every console, page and policy reads: what fired, then its runbook."""
    return f"{alert.description}. Runbook: {alert.runbook}"


def topic_policy(topic_arn: str, account_id: str) -> str:
    """EventBridge rules and CloudWatch alarms of this account may publish; TLS only."""
    statements = [
        {
            "Sid": "AccountAlertsPublish",
            "Effect": "Allow",
            "Principal": {"Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


class CellPaging(pulumi.ComponentResource):
    """Alert topics subscribed to PagerDuty, and the rules and alarms that publish to them."""

    topic_arns: Mapping[str, pulumi.Output[str]]

    def __init__(self, name: str, args: CellPagingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__(f"trustfabric:oncall:{COMPONENT}", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        used = [domain for domain in args.endpoints if any(a.domain == domain for a in alerts(args))]
        topics: dict[str, aws.sns.Topic] = {}
        for domain in used:
            topic = aws.sns.Topic(
                f"{name}-{domain}",
                name=f"trustfabric-{args.stack}-{args.cell}-oncall-{domain}",
                kms_master_key_id=args.kms_key_arn,
                opts=child,
            )
            aws.sns.TopicPolicy(
                f"{name}-{domain}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, account_id).apply(lambda v: topic_policy(v[0], v[1])),
                opts=child,
            )
            self._subscribe(f"{name}-{domain}-pagerduty", topic.arn, args.endpoints[domain], child)
            topics[domain] = topic
        for topic_name, (domain, topic_arn) in args.subscribed_topics.items():
            self._subscribe(f"{name}-{topic_name}-pagerduty", topic_arn, args.endpoints[domain], child)

        for rule_spec in args.rules:
            rule = aws.cloudwatch.EventRule(
                f"{name}-{rule_spec.name}",
                description=described(rule_spec),
                event_pattern=json.dumps(rule_spec.pattern, sort_keys=True),
                opts=child,
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{rule_spec.name}-page",
                rule=rule.name,
                arn=topics[rule_spec.domain].arn,
                target_id="pagerduty",
                opts=child,
            )
        for alarm in args.alarms:
            topic_arn = topics[alarm.domain].arn
            aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm.name}",
                name=f"trustfabric-{args.stack}-{args.cell}-{alarm.name}",
                alarm_description=described(alarm),
                namespace=alarm.namespace,
                metric_name=alarm.metric_name,
                dimensions=dict(alarm.dimensions),
                statistic=alarm.statistic,
                period=alarm.period_seconds,
                evaluation_periods=alarm.evaluation_periods,
                threshold=alarm.threshold,
                comparison_operator=alarm.comparison,
                treat_missing_data=alarm.treat_missing_data,
                actions_enabled=True,
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                opts=child,
            )
        self.topic_arns = {domain: topic.arn for domain, topic in topics.items()}
        self.register_outputs({"topic_arns": self.topic_arns})

    def _subscribe(
        self, name: str, topic_arn: pulumi.Input[str], endpoint: pulumi.Input[str], child: pulumi.ResourceOptions
    ) -> None:
        aws.sns.TopicSubscription(
            name,
            topic=topic_arn,
            protocol="https",
            endpoint=endpoint,
            endpoint_auto_confirms=True,
            opts=child,
        )
