"""aws-cloudwatch-alarm-actions-enabled: an alarm acts on ALARM."""

import pytest

from policies.aws.cloudwatch.metric_alarm_actions import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

ALARM = """
aws.cloudwatch.MetricAlarm("{name}", comparison_operator="GreaterThanThreshold", evaluation_periods=1,
                           metric_name="m", namespace="n", period=60, statistic="Maximum", threshold=1{extra})
"""


def program(*alarms: tuple[str, str]) -> str:
    head = "import pulumi_aws as aws\ntopic = aws.sns.Topic('pages')\n"
    return head + "".join(ALARM.format(name=name, extra=extra) for name, extra in alarms)


COMPLIANT = program(
    ("paging", ", alarm_actions=[topic.arn], ok_actions=[topic.arn]"),
    ("explicit", ", actions_enabled=True, alarm_actions=['arn:aws:sns:eu-west-2:123456789012:pages']"),
)
BROKEN = program(
    ("silent", ""),
    ("ok-only", ", ok_actions=[topic.arn]"),
    ("disabled", ", actions_enabled=False, alarm_actions=[topic.arn]"),
)
EXPECTED = {
    "silent": "CloudWatch alarm 'silent' notifies nobody on ALARM; add the cell's on-call topic to alarm_actions.",
    "ok-only": "CloudWatch alarm 'ok-only' notifies nobody on ALARM; add the cell's on-call topic to alarm_actions.",
    "disabled": "CloudWatch alarm 'disabled' has its actions disabled; set actions_enabled=True.",
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


def test_unknown_actions_are_never_a_pass_but_an_unknown_topic_in_the_list_counts():
    [diagnostic] = evaluate(
        POLICY, resource("aws:cloudwatch/metricAlarm:MetricAlarm", {"alarmActions": UNKNOWN}, name="a")
    )
    assert diagnostic.detail == (
        "CloudWatch alarm 'a': alarm_actions is not known during preview; list the on-call topic literally."
    )
    assert (
        evaluate(POLICY, resource("aws:cloudwatch/metricAlarm:MetricAlarm", {"alarmActions": [UNKNOWN]}, name="b"))
        == []
    )


def test_composite_alarms_are_judged_too():
    [diagnostic] = evaluate(
        POLICY, resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", {"alarmRule": "x"}, name="c")
    )
    assert diagnostic.detail == (
        "CloudWatch composite alarm 'c' notifies nobody on ALARM; add the cell's on-call topic to alarm_actions."
    )


def test_alarms_that_a_composite_alarm_or_an_appconfig_monitor_watches_act_through_them(tmp_path):
    code = program(("long", ""), ("short", ""))
    code += """
composite = aws.cloudwatch.CompositeAlarm("burn", alarm_name="burn",
    alarm_rule=pulumi.Output.all(long.name, short.name).apply(lambda n: f'ALARM("{n[0]}") AND ALARM("{n[1]}")'))
app = aws.appconfig.Application("app")
aws.appconfig.Environment("env", application_id=app.id,
    monitors=[aws.appconfig.EnvironmentMonitorArgs(alarm_arn=composite.arn, alarm_role_arn="arn:aws:iam::1:role/r")])
"""
    code = code.replace('aws.cloudwatch.MetricAlarm("long"', 'long = aws.cloudwatch.MetricAlarm("long"')
    code = code.replace('aws.cloudwatch.MetricAlarm("short"', 'short = aws.cloudwatch.MetricAlarm("short"')
    code = "import pulumi\n" + code
    assert evaluate(POLICY, run_snippet(tmp_path, code)) == []
