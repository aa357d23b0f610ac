"""aws-sfn-erasure-workflow-guarded: erasure state machines are encrypted with a CMK, logged without data, traced."""

from __future__ import annotations

import pytest

from policies.aws.sfn.erasure_workflow_guarded import POLICY
from tests.policies.harness import evaluate, run_snippet

PROGRAM = """
import pulumi_aws as aws
sfn = aws.sfn
KEY = "arn:aws:kms:eu-west-2:123456789012:key/1"
LOGS = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/vendedlogs/states/x:*"
def machine(name, tags, encryption=True, level="ALL", data=False, tracing=True, destination=LOGS):
    sfn.StateMachine(name, role_arn="arn:aws:iam::123456789012:role/x", definition='{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
        encryption_configuration=sfn.StateMachineEncryptionConfigurationArgs(type="CUSTOMER_MANAGED_KMS_KEY",
            kms_key_id=KEY) if encryption else None,
        logging_configuration=sfn.StateMachineLoggingConfigurationArgs(level=level, include_execution_data=data,
            log_destination=destination),
        tracing_configuration=sfn.StateMachineTracingConfigurationArgs(enabled=tracing), tags=tags)
ERASURE = {"workflow": "erasure"}
machine("guarded", ERASURE)
machine("aws-owned-key", ERASURE, encryption=False)
machine("errors-only", ERASURE, level="ERROR")
machine("with-data", ERASURE, data=True)
machine("untraced", ERASURE, tracing=False)
machine("nowhere", ERASURE, destination=None)
machine("other-workflow", {"workflow": "grants"}, encryption=False, data=True, tracing=False)
machine("untagged", None, encryption=False, level="OFF")
"""


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> dict[str, str]:
    graph = run_snippet(tmp_path_factory.mktemp("erasure"), PROGRAM)
    diagnostics = evaluate(POLICY, graph)
    assert {d.enforcement for d in diagnostics} == {"mandatory"}
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in diagnostics}


def test_a_guarded_erasure_machine_and_other_workflows_pass(reported):
    assert [name for name in ("guarded", "other-workflow", "untagged") if name in reported] == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("aws-owned-key", "its executions are not encrypted with a customer-managed key"),
        ("errors-only", "it logs at level 'ERROR', not ALL"),
        ("with-data", "its logs include execution data (the subject's records)"),
        ("untraced", "tracing is off"),
        ("nowhere", "it has no log destination"),
    ],
)
def test_each_missing_guard_is_reported_by_name(reported, name, problem):
    assert reported[name] == f"Erasure state machine '{name}': {problem}."
