"""Game days as the stacks declare them: schedules outside the blackouts with a key, a dead-letter queue and
retries, one least-privilege role each, the start notice at low urgency and the failure page; and the refusals."""

from __future__ import annotations

import json
from dataclasses import replace

from components.delivery.game_days import GameDaysArgs, validate_args
from domain.game_days import BlackoutWindow, CronSchedule, blacked_out, parse_blackout_tag, parse_cron
from tests.components.helpers import only, parent_type, refusal

SCHEDULE = "aws:scheduler/schedule:Schedule"
GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"
RULE = "aws:cloudwatch/eventRule:EventRule"
QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def game_day_schedules(graph):
    return [r for r in graph.of_type(SCHEDULE) if "-game-days-" in r.name]


def test_every_prod_cell_schedules_monthly_game_days_outside_its_blackouts(prod):
    for cell in ("uk", "eu", "us", "ca"):
        group = only(prod, GROUP, f"{cell}-game-days-group").props
        windows = parse_blackout_tag(group["tags"]["game-day-blackouts"])
        assert windows, cell
        months = []
        for schedule in [s for s in game_day_schedules(prod) if s.name.startswith(f"{cell}-")]:
            props = schedule.props
            assert props["groupName"] == group["name"]
            minute, hour, day, scheduled = parse_cron(props["scheduleExpression"])
            assert (hour, minute) == (2, 0)
            assert not any(blacked_out(windows, month, day) for month in scheduled)
            months += scheduled
        assert sorted(months) == list(range(1, 13)), cell


def test_dr_has_no_game_day(dr):
    assert game_day_schedules(dr) == []


def test_a_schedule_starts_one_template_under_the_cells_key_with_retries_and_a_dead_letter_queue(prod):
    schedule = only(prod, SCHEDULE, "uk-game-days-az-impairment-d08").props
    assert schedule["kmsKeyArn"].startswith("arn:aws:kms:eu-west-2:")
    assert schedule["scheduleExpressionTimezone"] == "Europe/London"
    target = schedule["target"]
    assert target["arn"] == "arn:aws:scheduler:::aws-sdk:fis:startExperiment"
    assert json.loads(target["input"])["ExperimentTemplateId"].startswith("uk-chaos-az-impairment")
    assert target["retryPolicy"] == {"maximumEventAgeInSeconds": 3600, "maximumRetryAttempts": 3}
    assert target["deadLetterConfig"]["arn"].endswith("trustfabric-prod-uk-game-day-dlq")
    assert only(prod, QUEUE, "uk-game-days-dlq").props["kmsMasterKeyId"] == schedule["kmsKeyArn"]


def test_each_schedule_role_starts_only_its_own_template(prod):
    role = only(prod, ROLE, "uk-game-days-az-impairment-d08-role").props
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["ArnEquals"]["aws:SourceArn"].endswith(
        ":schedule/trustfabric-prod-uk-game-days/trustfabric-prod-uk-game-day-az-impairment-d08"
    )
    statements = {
        s["Sid"]: s
        for s in json.loads(only(prod, POLICY, "uk-game-days-az-impairment-d08-policy").props["policy"])["Statement"]
    }
    start = statements["StartOneTemplate"]
    assert start["Action"] == "fis:StartExperiment"
    template_arn, experiments = start["Resource"]
    assert (
        template_arn.startswith("arn:aws:fis:eu-west-2:")
        and ":experiment-template/uk-chaos-az-impairment" in template_arn
    )
    assert experiments.endswith(":experiment/*")
    assert sorted(statements) == ["CellKey", "DeadLetter", "StartOneTemplate"]


def test_a_start_is_a_low_urgency_notice_and_a_failure_pages(prod):
    notices = json.loads(only(prod, RULE, "uk-game-days-notices-rule").props["eventPattern"])
    pages = json.loads(only(prod, RULE, "uk-game-days-pages-rule").props["eventPattern"])
    assert notices["detail"]["new-state"] == {"status": ["running"]}
    assert pages["detail"]["new-state"] == {"status": ["failed", "stopped"]}
    assert len(notices["detail"]["experiment-template-id"]) == 4
    for kind in ("notices", "pages"):
        topic = only(prod, TOPIC, f"uk-game-days-{kind}")
        assert topic.props["kmsMasterKeyId"].startswith("arn:aws:kms:")
        assert only(prod, SUBSCRIPTION, f"uk-game-days-{kind}-pagerduty").props["protocol"] == "https"
        assert parent_type(prod, topic) == "trustfabric:delivery:GameDays"


def test_refusals():
    args = GameDaysArgs(
        deployment="prod",
        cell="uk",
        region="eu-west-2",
        time_zone="Europe/London",
        schedules=(CronSchedule("az-impairment", 8, (1,), "cron(0 2 8 1 ? *)"),),
        blackouts=(BlackoutWindow((1, 1), (1, 7)),),
        template_ids={"az-impairment": "EXT1"},
        kms_key_arn="k",
        permissions_boundary_arn="b",
        notice_endpoint="https://n",
        page_endpoint="https://p",
    )
    validate_args(args)
    assert refusal(lambda: validate_args(replace(args, schedules=()))) == "GameDays: schedules: must not be empty"
    inside = (CronSchedule("az-impairment", 3, (1,), "cron(0 2 3 1 ? *)"),)
    assert refusal(lambda: validate_args(replace(args, schedules=inside))) == (
        "GameDays: schedules: az-impairment-d03: 01-03 is inside a blackout window"
    )
    unknown = (CronSchedule("meteor", 8, (1,), "cron(0 2 8 1 ? *)"),)
    assert refusal(lambda: validate_args(replace(args, schedules=unknown))) == (
        "GameDays: schedules: meteor-d08: no template for experiment 'meteor'; allowed: az-impairment"
    )
    weekly = (CronSchedule("az-impairment", 8, (1,), "cron(0 2 ? * TUE *)"),)
    assert refusal(lambda: validate_args(replace(args, schedules=weekly))) == (
        "GameDays: schedules: az-impairment-d08: 'cron(0 2 ? * TUE *)' is not a game-day cron"
    )
