"""aws-appconfig-environment-alarm-monitor: every environment is watched by at least one alarm."""

from __future__ import annotations

from policies.aws.appconfig.environment_alarm_monitor import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

PROGRAM = """
import pulumi_aws as aws
app = aws.appconfig.Application("app")
alarm = aws.cloudwatch.CompositeAlarm("burn", alarm_name="burn", alarm_rule='ALARM("a") AND ALARM("b")')
aws.appconfig.Environment("watched", application_id=app.id,
    monitors=[aws.appconfig.EnvironmentMonitorArgs(alarm_arn=alarm.arn)])
aws.appconfig.Environment("literal", application_id=app.id,
    monitors=[aws.appconfig.EnvironmentMonitorArgs(alarm_arn="arn:aws:cloudwatch:eu-west-2:123456789012:alarm:x")])
aws.appconfig.Environment("unwatched", application_id=app.id)
aws.appconfig.Environment("empty", application_id=app.id, monitors=[])
"""
TYPE = "aws:appconfig/environment:Environment"


def message(name: str) -> str:
    return (
        f"AppConfig environment '{name}' has no alarm monitor, so a bad deployment is never rolled back; "
        "add monitors with the service's SLO burn-rate alarms."
    )


def test_environments_without_a_monitor_are_mandatory_violations(tmp_path):
    diagnostics = evaluate(POLICY, run_snippet(tmp_path, PROGRAM))
    assert sorted((d.urn.rsplit("::", 1)[1], d.detail) for d in diagnostics) == [
        ("empty", message("empty")),
        ("unwatched", message("unwatched")),
    ]
    assert {d.enforcement for d in diagnostics} == {"mandatory"}


def test_unknown_monitors_are_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource(TYPE, {"applicationId": "a", "monitors": UNKNOWN}, name="e"))
    assert diagnostic.detail == (
        "AppConfig environment 'e': monitors are not known during preview; declare them literally."
    )


def test_an_alarm_arn_not_yet_known_counts_as_a_monitor():
    graph = resource(TYPE, {"applicationId": "a", "monitors": [{"alarmArn": UNKNOWN}]}, name="e")
    assert evaluate(POLICY, graph) == []
