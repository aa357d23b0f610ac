"""datadog-synthetics-test-runbook-linked: a synthetic test names its runbook."""

import pytest

from policies.datadog.synthetics_test_runbook_linked import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

TEST = """
datadog.SyntheticsTest("{name}", name="{name}", type="api", subtype="http", status="live", locations=["aws:eu-west-2"],
                       request_definition={{"method": "GET", "url": "https://api.example.com/healthz"}},
                       assertions=[{{"type": "statusCode", "operator": "is", "target": "200"}}],
                       options_list={{"tick_every": 60}}{extra})
"""


def program(*tests: tuple[str, str]) -> str:
    return "import pulumi_datadog as datadog\n" + "".join(TEST.format(name=name, extra=extra) for name, extra in tests)


COMPLIANT = program(
    ("linked", ", message='api down.\\nRunbook: runbooks/route53-health-check-failed.md\\n@pagerduty-x'"),
    ("in-text", ", message='see runbooks/route53-health-check-failed.md first'"),
)
BROKEN = program(
    ("silent", ""),
    ("wiki", ", message='Runbook: https://wiki.example.com/health @pagerduty-x'"),
    ("not-markdown", ", message='Runbook: runbooks/health.txt'"),
)
MESSAGE = "Datadog synthetic test '{}' names no runbook; put 'Runbook: runbooks/<name>.md' in its message."
EXPECTED = {name: MESSAGE.format(name) for name in ("silent", "wiki", "not-markdown")}


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


def test_an_unknown_message_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY, resource("datadog:index/syntheticsTest:SyntheticsTest", {"message": UNKNOWN}, name="t")
    )
    assert diagnostic.detail == (
        "Datadog synthetic test 't': message is not known during preview; name its runbook literally."
    )
