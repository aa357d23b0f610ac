"""aws-scheduler-fis-schedule-protected and aws-scheduler-game-day-outside-blackout: passing and violating
schedules, as a real program declares them, and unknown values."""

from __future__ import annotations

import pytest

from policies.aws.scheduler.fis_schedule_protected import POLICY as PROTECTED
from policies.aws.scheduler.game_day_outside_blackout import POLICY as BLACKOUT
from policies.lib.game_days import inside, parse_windows, run_days
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet

PROGRAM = """
import pulumi_aws as aws
s = aws.scheduler
KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DLQ = "arn:aws:sqs:eu-west-2:123456789012:game-day-dlq"
START = "arn:aws:scheduler:::aws-sdk:fis:startExperiment"
s.ScheduleGroup("game-days", name="game-days", tags={"game-day-blackouts": "01-15/02-07 12-20/01-05"})
s.ScheduleGroup("untagged", name="untagged")
def schedule(name, expression, *, group="game-days", key=KEY, dlq=DLQ, retry=True, arn=START):
    s.Schedule(name, name=name, group_name=group, schedule_expression=expression,
        schedule_expression_timezone="Europe/London", kms_key_arn=key,
        flexible_time_window=s.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
        target=s.ScheduleTargetArgs(arn=arn, role_arn="arn:aws:iam::123456789012:role/gd",
            input='{"ExperimentTemplateId": "EXT1"}',
            dead_letter_config=s.ScheduleTargetDeadLetterConfigArgs(arn=dlq) if dlq else None,
            retry_policy=s.ScheduleTargetRetryPolicyArgs(maximum_event_age_in_seconds=3600,
                maximum_retry_attempts=3) if retry else None))
schedule("planned", "cron(0 2 8 2,3,6 ? *)")
schedule("one-off", "at(2027-03-09T02:00:00)")
schedule("in-deadline", "cron(0 2 20 1,4 ? *)")
schedule("new-year", "at(2027-01-02T02:00:00)")
schedule("weekly", "cron(0 2 ? * TUE *)")
schedule("elsewhere", "cron(0 2 8 3 ? *)", group="untagged")
schedule("unprotected", "cron(0 2 8 3 ? *)", key=None, dlq=None, retry=False)
schedule("no-retry", "cron(0 2 9 3 ? *)", retry=False)
schedule("not-chaos", "cron(0 2 20 1 ? *)", key=None, dlq=None, retry=False,
    arn="arn:aws:lambda:eu-west-2:123456789012:function:nightly")
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("game-days"), PROGRAM)


def reported(policy, graph) -> dict[str, str]:
    diagnostics = evaluate(policy, graph)
    assert {d.enforcement for d in diagnostics} <= {"mandatory"}
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in diagnostics}


def test_schedules_starting_experiments_without_a_key_queue_or_retries_are_reported(graph):
    assert reported(PROTECTED, graph) == {
        "unprotected": "Scheduler schedule 'unprotected' starts FIS experiments without kms_key_arn (a customer "
        "managed key), target.dead_letter_config (an encrypted SQS queue), target.retry_policy; a game day that "
        "cannot start must be retried, kept and alarmed on.",
        "no-retry": "Scheduler schedule 'no-retry' starts FIS experiments without target.retry_policy; a game day "
        "that cannot start must be retried, kept and alarmed on.",
    }


def test_game_days_inside_a_blackout_or_not_provably_outside_are_reported(graph):
    assert reported(BLACKOUT, graph) == {
        "in-deadline": "Scheduler schedule 'in-deadline' starts FIS experiments on 01-20 (inside 01-15..02-07), a "
        "filing blackout; move the game day out of the window.",
        "new-year": "Scheduler schedule 'new-year' starts FIS experiments on 01-02 (inside 12-20..01-05), a filing "
        "blackout; move the game day out of the window.",
        "weekly": "Scheduler schedule 'weekly' runs on 'cron(0 2 ? * TUE *)', which cannot be proven to stay out "
        "of the blackout windows; use cron(M H D months ? *) or at(...).",
        "elsewhere": "Scheduler schedule 'elsewhere' starts FIS experiments but schedule group 'untagged' has no "
        "readable game-day-blackouts tag; it cannot be proven to stay out of the filing blackouts.",
    }


SCHEDULE = "aws:scheduler/schedule:Schedule"
PROTECTED_TARGET = {
    "arn": "arn:aws:scheduler:::aws-sdk:fis:startExperiment",
    "deadLetterConfig": {"arn": "arn:aws:sqs:eu-west-2:1:dlq"},
    "retryPolicy": {"maximumRetryAttempts": 3},
}


def test_a_planned_protected_schedule_passes_both():
    group = resource(
        "aws:scheduler/scheduleGroup:ScheduleGroup", {"name": "g", "tags": {"game-day-blackouts": "none"}}, name="g"
    )
    schedule = resource(
        SCHEDULE,
        {
            "groupName": "g",
            "scheduleExpression": "cron(0 2 8 1,2,3 ? *)",
            "kmsKeyArn": "arn:aws:kms:eu-west-2:1:key/k",
            "target": PROTECTED_TARGET,
        },
        name="s",
    )
    assert evaluate(PROTECTED, schedule) == []
    assert evaluate(BLACKOUT, graph_of(group, schedule)) == []


def test_a_key_still_unknown_in_preview_is_a_key_but_an_unknown_target_is_reported():
    known_later = resource(SCHEDULE, {"kmsKeyArn": UNKNOWN, "target": PROTECTED_TARGET}, name="s")
    assert evaluate(PROTECTED, known_later) == []
    [diagnostic] = evaluate(PROTECTED, resource(SCHEDULE, {"kmsKeyArn": "k", "target": UNKNOWN}, name="s"))
    assert diagnostic.detail == (
        "Scheduler schedule 's': its target is not known during preview, so whether it starts FIS experiments "
        "unprotected cannot be judged; set the target literally."
    )


def test_an_unknown_expression_or_group_is_never_a_pass():
    group = resource(
        "aws:scheduler/scheduleGroup:ScheduleGroup", {"name": "g", "tags": {"game-day-blackouts": "none"}}, name="g"
    )
    unknown_expression = resource(
        SCHEDULE, {"groupName": "g", "scheduleExpression": UNKNOWN, "target": PROTECTED_TARGET}, name="s"
    )
    [diagnostic] = evaluate(BLACKOUT, graph_of(group, unknown_expression))
    assert diagnostic.detail == "Scheduler schedule 's': its expression is not known during preview; set it literally."
    unknown_group = resource(
        SCHEDULE, {"groupName": UNKNOWN, "scheduleExpression": "cron(0 2 8 1 ? *)", "target": PROTECTED_TARGET}
    )
    [diagnostic] = evaluate(BLACKOUT, graph_of(group, unknown_group))
    assert "its group_name is not known during preview" in diagnostic.detail


def test_the_reader_times_only_what_it_can_prove():
    assert run_days("cron(0 2 8 3,7 ? *)") == [(3, 8), (7, 8)]
    assert run_days("cron(0 2 31 2,3 ? *)") == [(3, 31)]
    assert run_days("at(2027-04-10T02:00:00)") == [(4, 10)]
    assert run_days("rate(30 days)") is None
    assert run_days("cron(0 2 L * ? *)") is None
    assert parse_windows("none") == []
    assert parse_windows("13-01/01-02") is None
    assert parse_windows("") is None
    [window] = parse_windows("12-20/01-05")
    assert inside(window, (12, 31)) and inside(window, (1, 5)) and not inside(window, (1, 6))
