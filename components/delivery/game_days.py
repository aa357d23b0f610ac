"""Game days of a cell: EventBridge Scheduler starts its FIS experiments monthly, and on-call hears of each.

From the cell's game-day plan (`domain.game_days`: one cron expression per experiment and day of the month,
never inside the jurisdiction's blackout windows, at an off-peak local time) this declares:

- a schedule group `trustfabric-<deployment>-<cell>-game-days` whose `game-day-blackouts` tag carries the blackout
  windows the schedules were planned around (the policy `aws-scheduler-game-day-outside-blackout` re-checks them);
- per schedule: its own role, assumable by EventBridge Scheduler for this schedule group only, allowed
  `fis:StartExperiment` on that one experiment template, and nothing else but its dead-letter queue and key; the
  schedule (Scheduler's universal target `aws-sdk:fis:startExperiment`) with the cell's key (`kms_key_arn`),
  a retry policy bounded to the off-peak hour, and the dead-letter queue;
- one dead-letter queue (SQS, encrypted with the cell's key) and an alarm that pages when a start was undeliverable;
- two EventBridge rules on the FIS experiment state changes of the cell's templates: `running` publishes a
  low-urgency start notice (the business-hours PagerDuty service, outside support hours), `failed` or `stopped`
  pages (the platform service), each through its own topic encrypted with the cell's key.

Usage::

    GameDays(
        "uk-game-days",
        GameDaysArgs(deployment="prod", cell="uk", region="eu-west-2", time_zone="Europe/London",
                     schedules=cron_schedules(plan_game_days(windows, experiments), hour=2, minute=0),
                     blackouts=windows, template_ids=chaos.template_ids, kms_key_arn=keys["logs"],
                     permissions_boundary_arn=boundary, notice_endpoint=services.notice_endpoint,
                     page_endpoint=services.cloudwatch_endpoints["platform"]),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.observability.queue_alarms import dead_letter_depth_alarm
from components.oncall.cell_paging import topic_policy
from components.trust import assume_role_policy
from components.validation import require_range
from domain.game_days import BLACKOUT_TAG, BlackoutWindow, CronSchedule, blacked_out, blackout_tag, parse_cron

COMPONENT = "GameDays"
SCHEDULER_SERVICE = "scheduler.amazonaws.com"
START_EXPERIMENT_TARGET = "arn:aws:scheduler:::aws-sdk:fis:startExperiment"
"""Scheduler's universal target for FIS StartExperiment."""
RUNBOOK = "runbooks/chaos-game-day.md"
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
NOTICE_STATES = ("running",)
PAGE_STATES = ("failed", "stopped")


@dataclass(frozen=True)
class GameDaysArgs:
    """Arguments of a cell's game days."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr)."""
    cell: str
    """The cell's name prefix (`uk`)."""
    region: str
    """Region of the cell's provider (the templates' region)."""
    time_zone: str
    """IANA time zone the cron expressions are read in (the jurisdiction's)."""
    schedules: Sequence[CronSchedule]
    """The planned schedules (`domain.game_days.cron_schedules`); each names an experiment of `template_ids`."""
    blackouts: Sequence[BlackoutWindow]
    """The windows the schedules avoid; recorded on the schedule group for the policy to re-check."""
    template_ids: Mapping[str, pulumi.Input[str]]
    """Experiment key -> FIS experiment template id (`ChaosExperiments.template_ids`)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's key: the schedules' target input, the dead-letter queue and the notice topics."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by every schedule role."""
    notice_endpoint: pulumi.Input[str]
    """HTTPS endpoint of the low-urgency path (the business-hours service's CloudWatch integration)."""
    page_endpoint: pulumi.Input[str]
    """HTTPS endpoint of the paging path (the platform service's CloudWatch integration)."""
    maximum_retry_attempts: int = 3
    """Retries of an undelivered start: 0..185."""
    maximum_event_age_minutes: int = 60
    """How late a start may still be retried: 1..180 minutes (a retry never leaves the off-peak hours)."""


def validate_args(args: GameDaysArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    if not args.schedules:
        raise ValueError(f"{COMPONENT}: schedules: must not be empty")
    keys = set()
    for schedule in args.schedules:
        if schedule.experiment not in args.template_ids:
            raise ValueError(
                f"{COMPONENT}: schedules: {schedule.key}: no template for experiment {schedule.experiment!r}; "
                f"allowed: {', '.join(sorted(args.template_ids)) or 'none given'}"
            )
        parsed = parse_cron(schedule.expression)
        if parsed is None:
            raise ValueError(f"{COMPONENT}: schedules: {schedule.key}: {schedule.expression!r} is not a game-day cron")
        for month in parsed[3]:
            if blacked_out(args.blackouts, month, parsed[2]):
                raise ValueError(
                    f"{COMPONENT}: schedules: {schedule.key}: {month:02d}-{parsed[2]:02d} is inside a blackout window"
                )
        if schedule.key in keys:
            raise ValueError(f"{COMPONENT}: schedules: {schedule.key}: declared twice")
        keys.add(schedule.key)
    require_range(COMPONENT, "maximum_retry_attempts", args.maximum_retry_attempts, 0, 185)
    require_range(COMPONENT, "maximum_event_age_minutes", args.maximum_event_age_minutes, 1, 180)


def group_name(args: GameDaysArgs) -> str:
    return f"trustfabric-{args.deployment}-{args.cell}-game-days"


def schedule_role_name(deployment: str, cell: str, region: str, schedule_key: str) -> str:
    """The IAM name of a schedule's role (deterministic: the cell's keyring admits it before it exists)."""
    return f"trustfabric-{deployment}-{cell}-{region}-gd-{schedule_key}"


def template_arn(region: str, account: str, template_id: str) -> str:
    return f"arn:aws:fis:{region}:{account}:experiment-template/{template_id}"


def start_policy(template: str, experiments: str, queue_arn: str, key_arn: str) -> str:
    """Start one experiment template; put an undeliverable start on the dead-letter queue, under the cell's key."""
    return policy_document(
        [
            {
                "Sid": "StartOneTemplate",
                "Effect": "Allow",
                "Action": "fis:StartExperiment",
                "Resource": [template, experiments],
            },
            {"Sid": "DeadLetter", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn},
            {
                "Sid": "CellKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": key_arn,
            },
        ]
    )


def scheduler_trust(args: GameDaysArgs, schedule_name: str, account: str) -> str:
    """EventBridge Scheduler may assume the role for this one schedule of this account only."""
    return assume_role_policy(
        SCHEDULER_SERVICE,
        account,
        source_arn=(
            "ArnEquals",
            f"arn:aws:scheduler:{args.region}:{account}:schedule/{group_name(args)}/{schedule_name}",
        ),
    )


def state_pattern(template_ids: Sequence[str], states: Sequence[str]) -> str:
    """FIS experiment state changes of these templates into one of these states."""
    return json.dumps(
        {
            "source": ["aws.fis"],
            "detail-type": ["FIS Experiment State Change"],
            "detail": {"experiment-template-id": sorted(template_ids), "new-state": {"status": list(states)}},
        },
        sort_keys=True,
    )


class GameDays(pulumi.ComponentResource):
    """The cell's game-day schedules, their roles and dead-letter queue, and the start and failure notices."""

    schedule_names: list[str]
    dead_letter_queue_arn: pulumi.Output[str]

    def __init__(self, name: str, args: GameDaysArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__(f"trustfabric:delivery:{COMPONENT}", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        prefix = f"trustfabric-{args.deployment}-{args.cell}"

        group = aws.scheduler.ScheduleGroup(
            f"{name}-group",
            name=group_name(args),
            tags={BLACKOUT_TAG: blackout_tag(args.blackouts)},
            opts=child,
        )
        dead_letters = aws.sqs.Queue(
            f"{name}-dlq",
            name=f"{prefix}-game-day-dlq",
            kms_master_key_id=args.kms_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            opts=child,
        )

        topics: dict[str, aws.sns.Topic] = {}
        for kind, endpoint in (("notices", args.notice_endpoint), ("pages", args.page_endpoint)):
            topic = aws.sns.Topic(
                f"{name}-{kind}", name=f"{prefix}-game-day-{kind}", kms_master_key_id=args.kms_key_arn, opts=child
            )
            aws.sns.TopicPolicy(
                f"{name}-{kind}-policy",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, account).apply(lambda v: topic_policy(v[0], v[1])),
                opts=child,
            )
            aws.sns.TopicSubscription(
                f"{name}-{kind}-pagerduty",
                topic=topic.arn,
                protocol="https",
                endpoint=endpoint,
                endpoint_auto_confirms=True,
                opts=child,
            )
            topics[kind] = topic

        dead_letter_depth_alarm(
            f"{name}-undelivered",
            alarm_name=f"{prefix}-game-day-undelivered",
            description=f"A game day of {args.cell} could not be started by the scheduler. Runbook: {RUNBOOK}",
            queue_name=dead_letters.name,
            alarm_actions=[topics["pages"].arn],
            opts=child,
        )

        self.schedule_names = []
        for schedule in args.schedules:
            schedule_name = f"{prefix}-game-day-{schedule.key}"
            template = pulumi.Output.all(account, args.template_ids[schedule.experiment]).apply(
                lambda values: template_arn(args.region, values[0], values[1])
            )
            role = aws.iam.Role(
                f"{name}-{schedule.key}-role",
                name=schedule_role_name(args.deployment, args.cell, args.region, schedule.key),
                description=f"EventBridge Scheduler starts the {schedule.experiment} game day of {args.cell}",
                assume_role_policy=account.apply(functools.partial(scheduler_trust, args, schedule_name)),
                permissions_boundary=args.permissions_boundary_arn,
                max_session_duration=3600,
                opts=child,
            )
            aws.iam.RolePolicy(
                f"{name}-{schedule.key}-policy",
                role=role.id,
                policy=pulumi.Output.all(account, template, dead_letters.arn, args.kms_key_arn).apply(
                    lambda values: start_policy(
                        values[1], f"arn:aws:fis:{args.region}:{values[0]}:experiment/*", values[2], values[3]
                    )
                ),
                opts=child,
            )
            aws.scheduler.Schedule(
                f"{name}-{schedule.key}",
                name=schedule_name,
                group_name=group_name(args),
                description=f"Game day: {schedule.experiment} in {args.cell}, outside the filing blackouts",
                schedule_expression=schedule.expression,
                schedule_expression_timezone=args.time_zone,
                flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
                kms_key_arn=args.kms_key_arn,
                state="ENABLED",
                target=aws.scheduler.ScheduleTargetArgs(
                    arn=START_EXPERIMENT_TARGET,
                    role_arn=role.arn,
                    input=pulumi.Output.from_input(args.template_ids[schedule.experiment]).apply(
                        lambda template_id: json.dumps(
                            {"ClientToken": "<aws.scheduler.execution-id>", "ExperimentTemplateId": template_id},
                            sort_keys=True,
                        )
                    ),
                    dead_letter_config=aws.scheduler.ScheduleTargetDeadLetterConfigArgs(arn=dead_letters.arn),
                    retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                        maximum_event_age_in_seconds=args.maximum_event_age_minutes * 60,
                        maximum_retry_attempts=args.maximum_retry_attempts,
                    ),
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[group]),
            )
            self.schedule_names.append(schedule_name)

        scheduled = sorted({schedule.experiment for schedule in args.schedules})
        template_ids = pulumi.Output.all(*(args.template_ids[key] for key in scheduled))
        for kind, states, what in (
            ("notices", NOTICE_STATES, "A game-day experiment of the cell started (low urgency)"),
            ("pages", PAGE_STATES, "A game-day experiment of the cell failed or was stopped by its SLO alarms"),
        ):
            rule = aws.cloudwatch.EventRule(
                f"{name}-{kind}-rule",
                description=f"{what}. Runbook: {RUNBOOK}",
                event_pattern=template_ids.apply(functools.partial(state_pattern, states=states)),
                opts=child,
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{kind}-target",
                rule=rule.name,
                arn=topics[kind].arn,
                target_id="pagerduty",
                opts=child,
            )
        self.dead_letter_queue_arn = dead_letters.arn
        self.register_outputs(
            {"schedule_names": self.schedule_names, "dead_letter_queue_arn": self.dead_letter_queue_arn}
        )
