"""aws-cloudwatch-alarm-runbook-linked: an alarm names its runbook."""

import pytest

from policies.aws.cloudwatch.alarm_runbook_linked import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

ALARM = """
aws.cloudwatch.MetricAlarm("{name}", comparison_operator="GreaterThanThreshold", evaluation_periods=1,
                           metric_name="m", namespace="n", period=60, statistic="Maximum", threshold=1{extra})
"""


def program(*alarms: tuple[str, str]) -> str:
    return "import pulumi_aws as aws\n" + "".join(ALARM.format(name=name, extra=extra) for name, extra in alarms)


COMPLIANT = program(
    ("linked", ", alarm_description='Lag. Runbook: runbooks/ledger-replication-lag.md'"),
    ("in-text", ", alarm_description='see runbooks/backup-job-failed.md first'"),
)
BROKEN = program(
    ("undescribed", ""),
    ("wiki", ", alarm_description='Runbook: https://wiki.example.com/lag'"),
    ("not-markdown", ", alarm_description='Runbook: runbooks/lag.txt'"),
)
MESSAGE = "CloudWatch alarm '{}' names no runbook; end alarm_description with 'Runbook: runbooks/<name>.md'."
EXPECTED = {name: MESSAGE.format(name) for name in ("undescribed", "wiki", "not-markdown")}


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


def test_an_unknown_description_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY, resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", {"alarmDescription": UNKNOWN}, name="c")
    )
    assert diagnostic.detail == (
        "CloudWatch composite alarm 'c': alarm_description is not known during preview; name its runbook literally."
    )
