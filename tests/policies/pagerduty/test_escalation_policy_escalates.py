"""pagerduty-escalation-policy-escalates: an unacknowledged page reaches a second person within 10 minutes."""

import pytest

from policies.pagerduty.escalation_policy_escalates import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

HEAD = """
import pulumi_pagerduty as pagerduty
primary = pagerduty.User("primary", email="p@example.com")
secondary = pagerduty.User("secondary", email="s@example.com")
def rule(delay, *users):
    return pagerduty.EscalationPolicyRuleArgs(
        escalation_delay_in_minutes=delay,
        targets=[pagerduty.EscalationPolicyRuleTargetArgs(type="user_reference", id=u.id) for u in users],
    )
"""
COMPLIANT = (
    HEAD
    + """
pagerduty.EscalationPolicy("sev1", rules=[rule(10, primary), rule(10, secondary)])
pagerduty.EscalationPolicy("quick", rules=[rule(5, primary), rule(30, secondary), rule(30, primary)])
"""
)
BROKEN = (
    HEAD
    + """
pagerduty.EscalationPolicy("lonely", rules=[rule(10, primary)])
pagerduty.EscalationPolicy("slow", rules=[rule(30, primary), rule(10, secondary)])
pagerduty.EscalationPolicy("nobody", rules=[rule(10, primary), rule(10)])
"""
)
EXPECTED = {
    "lonely": "PagerDuty escalation policy 'lonely' has 1 rule(s): an unacknowledged page never reaches a second "
    "person; add a rule for the secondary schedule.",
    "slow": "PagerDuty escalation policy 'slow' waits 30 minutes before paging the next person; escalate within "
    "10 minutes.",
    "nobody": "PagerDuty escalation policy 'nobody': rule 2 has no target; name a schedule or user.",
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


def test_unknown_rules_are_never_a_pass():
    [diagnostic] = evaluate(
        POLICY, resource("pagerduty:index/escalationPolicy:EscalationPolicy", {"rules": UNKNOWN}, name="p", region=None)
    )
    assert (
        diagnostic.detail == "PagerDuty escalation policy 'p': rules are not known during preview; set them literally."
    )


def test_the_directory_passes(directory_graph):
    assert evaluate(POLICY, directory_graph) == []
