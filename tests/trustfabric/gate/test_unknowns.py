"""Unknown values (not computed in a preview) never pass by accident and never crash the gate."""

from __future__ import annotations

import pytest

from policies.base import resource_policy
from tests.trustfabric.gate.sample_policies import NAIVE_META, NAIVE_POLICY
from tests.trustfabric.helpers import KMS_POLICY, UNKNOWN_PROGRAM, kms_policy
from trustfabric.errors import TrustFabricError
from trustfabric.gate import run_gate

DERIVED_URN = "urn:pulumi:test::foreign::aws:kms/key:Key::derived-key"


def _no_exemptions(tmp_path):
    path = tmp_path / "exemptions.yaml"
    path.write_text("exemptions: []\n")
    return path


def test_a_policy_guarding_unknowns_reports_them(program, tmp_path):
    result = run_gate(
        program(UNKNOWN_PROGRAM), "test", exemptions_file=_no_exemptions(tmp_path), policies=[kms_policy()]
    )
    assert [(f.policy, f.enforcement, f.resource.urn, f.message) for f in result.findings] == [
        (
            KMS_POLICY,
            "mandatory",
            DERIVED_URN,
            "KMS key 'derived-key': enable_key_rotation is not known during preview; set it to True.",
        )
    ]


def test_a_policy_the_sdk_cannot_run_becomes_an_advisory_finding(program, tmp_path):
    result = run_gate(
        program(UNKNOWN_PROGRAM), "test", exemptions_file=_no_exemptions(tmp_path), policies=[NAIVE_POLICY]
    )
    [finding] = result.findings
    assert (finding.policy, finding.enforcement, finding.severity) == (
        "test-naive-rotation",
        "advisory",
        "low",
    )
    assert finding.resource.urn == DERIVED_URN
    assert finding.message == (
        "not evaluated: string value at .enableKeyRotation can't be known during preview; "
        "compliance is not proven until the value is known"
    )
    assert finding.extra == {"kind": "cannot-run"}
    assert finding.controls == ("SOC2 CC6.1",)
    assert result.exit_code == 0  # advisory: shown, not blocking


def _crash(args, report_violation):
    raise KeyError("kmsKeyId")


def test_a_crashing_policy_is_one_error_line_naming_resource_and_module(program, tmp_path):
    crashing = resource_policy(NAIVE_META, _crash)
    with pytest.raises(TrustFabricError) as error:
        run_gate(program(UNKNOWN_PROGRAM), "test", exemptions_file=_no_exemptions(tmp_path), policies=[crashing])
    message = str(error.value)
    assert message.startswith("policy evaluation failed on urn:pulumi:test::foreign::aws:kms/key:Key::")
    assert "tests.trustfabric.gate.test_unknowns:" in message and message.endswith("KeyError: 'kmsKeyId'")
    assert "\n" not in message
