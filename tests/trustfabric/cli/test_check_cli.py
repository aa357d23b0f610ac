"""`trustfabric check` over foreign programs: exit codes, the JSON contract, text and progress on stderr."""

from __future__ import annotations

import json

import pytest

from tests.trustfabric.helpers import CLEAN_PROGRAM, KMS_POLICY, SEEDED_PROGRAM, kms_policy
from tests.trustfabric.report.sources import with_source_lines

LEDGER_URN = "urn:pulumi:test::foreign::aws:kms/key:Key::ledger-key"


def test_clean_program_exits_0_with_no_violations(run_check):
    result = run_check(CLEAN_PROGRAM, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "stack": "test",
        "resources": 1,
        "violations": [],
        "exempted": [],
        "summary": {"mandatory": 0, "advisory": 0, "resources": 0, "exempted": 0},
    }


@pytest.fixture
def source_lines(monkeypatch):
    with_source_lines(monkeypatch)


def test_seeded_violation_exits_1_with_the_json_contract(run_check, source_lines):
    # Every registered policy runs here (no isolation): the seeded violation must be among what they find.
    result = run_check(SEEDED_PROGRAM, "--format", "json", isolated=False)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert list(document)[:3] == ["stack", "resources", "violations"]
    assert document["stack"] == "test"
    assert document["resources"] == 2
    [violation] = [v for v in document["violations"] if v["policy"] == KMS_POLICY]
    assert violation == {
        "policy": KMS_POLICY,
        "enforcement": "mandatory",
        "severity": "high",
        "message": "KMS key 'ledger-key' does not rotate its key material; set enable_key_rotation=True.",
        "resource": {"urn": LEDGER_URN, "type": "aws:kms/key:Key", "name": "ledger-key"},
        "controls": ["SOC2 CC6.1", "ISO27001:2022 A.8.24", "GDPR Art.32", "CIS-AWS-3.0 3.6"],
        "source": {"file": "__main__.py", "line": 5},
        "checker": "policy",
        "remediation": kms_policy().meta.remediation,
    }


def test_json_output_is_deterministic(program, isolated_config, exemptions_file, cli):
    args = (
        "--stack",
        "test",
        "--program",
        program(SEEDED_PROGRAM),
        "--policy-config",
        isolated_config(),
        "--exemptions",
        exemptions_file([]),
        "--format",
        "json",
    )
    assert cli(*args).stdout == cli(*args).stdout


def test_text_report_names_resource_line_policy_fix_and_controls(run_check, source_lines):
    result = run_check(SEEDED_PROGRAM)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "stack test (2 resources evaluated)",
        "",
        "HIGH (1)",
        f"  x [mandatory] {KMS_POLICY}: aws:kms/key:Key ledger-key",
        "      at: __main__.py:5",
        "      KMS key 'ledger-key' does not rotate its key material; set enable_key_rotation=True.",
        f"      fix: {kms_policy().meta.remediation}",
        "      controls: SOC2 CC6.1, ISO27001:2022 A.8.24, GDPR Art.32, CIS-AWS-3.0 3.6",
        f"      urn: {LEDGER_URN}",
        "",
        "1 mandatory, 0 advisory violations in 1 resource",
    ]
    assert result.stderr == ""  # progress only on a terminal; never on stdout


def test_output_file_receives_the_report_and_stdout_stays_empty(run_check, tmp_path):
    report = tmp_path / "report.json"
    result = run_check(SEEDED_PROGRAM, "--format", "json", "--output", report)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert [v["resource"]["name"] for v in json.loads(report.read_text())["violations"]] == ["ledger-key"]


def test_unknown_format_is_a_one_line_exit_2(program, cli):
    result = cli("--stack", "test", "--program", program(CLEAN_PROGRAM), "--format", "xml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --format: 'xml' is not allowed; allowed: text, json, sarif\n"


def test_missing_stack_file_is_exit_2_naming_the_file(program, cli):
    result = cli("--stack", "nosuch", "--program", program(CLEAN_PROGRAM), "--format", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: ") and "Pulumi.nosuch.yaml" in result.stderr
    assert result.stderr.count("\n") == 1


def test_preview_prints_the_tree_of_the_same_run_before_the_report(run_check):
    result = run_check(SEEDED_PROGRAM, "--preview")
    assert result.exit_code == 1
    tree_end = result.stdout.index("2 resources of 1 types")
    assert result.stdout.startswith("stack test (foreign)\n")
    assert "aws:kms/key:Key x2 [eu-west-2]: ledger-key, vault-key" in result.stdout[:tree_end]
    assert result.stdout.index("ledger-key", tree_end) > tree_end  # the report follows, naming the violation


def test_preview_with_a_machine_format_is_a_one_line_exit_2(program, cli):
    result = cli("--stack", "test", "--program", program(CLEAN_PROGRAM), "--preview", "--format", "sarif")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --preview: goes with --format text only, not sarif\n"
