"""--policy-config: enforcement levels, schema validation with exact one-line errors, and floors."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.trustfabric.gate.sample_policies import RETENTION_POLICY
from tests.trustfabric.helpers import CLEAN_PROGRAM, KMS_POLICY, SEEDED_PROGRAM, kms_policy
from trustfabric.errors import TrustFabricError
from trustfabric.gate import Floor, load_policy_config, parse_floor, run_gate

LOG_PROGRAM = """
import pulumi_aws as aws

aws.cloudwatch.LogGroup("audit", retention_in_days=400)
"""


def _violations(result):
    return [(v["policy"], v["enforcement"], v["resource"]["name"]) for v in json.loads(result.stdout)["violations"]]


def test_lowering_enforcement_to_advisory_turns_exit_1_into_0(run_check):
    result = run_check(SEEDED_PROGRAM, "--format", "json", config={KMS_POLICY: {"enforcementLevel": "advisory"}})
    assert result.exit_code == 0
    assert _violations(result) == [(KMS_POLICY, "advisory", "ledger-key")]


def test_short_form_level_and_json_config_files_work(program, isolated_config, exemptions_file, cli, tmp_path):
    config = yaml.safe_load(isolated_config({KMS_POLICY: "advisory"}).read_text())
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    result = cli(
        "--stack",
        "test",
        "--program",
        program(SEEDED_PROGRAM),
        "--exemptions",
        exemptions_file([]),
        "--policy-config",
        path,
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert _violations(result) == [(KMS_POLICY, "advisory", "ledger-key")]


def test_disabled_removes_the_violation(run_check):
    result = run_check(SEEDED_PROGRAM, "--format", "json", config={KMS_POLICY: "disabled"})
    assert result.exit_code == 0
    assert _violations(result) == []


def test_remediate_reports_as_mandatory(run_check):
    result = run_check(SEEDED_PROGRAM, "--format", "json", config={KMS_POLICY: {"enforcementLevel": "remediate"}})
    assert result.exit_code == 1
    assert _violations(result) == [(KMS_POLICY, "mandatory", "ledger-key")]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {KMS_POLICY: {"enforcementLevel": "strict"}},
            f"{KMS_POLICY}.enforcementLevel: 'strict' is not allowed; "
            "allowed: advisory, mandatory, remediate, disabled",
        ),
        (
            {KMS_POLICY: "strict"},
            f"{KMS_POLICY}.enforcementLevel: 'strict' is not allowed; "
            "allowed: advisory, mandatory, remediate, disabled",
        ),
        (
            {"does-not-exist": "advisory"},
            "does-not-exist: unknown policy; see docs/policies.md for the policy names",
        ),
        (
            {KMS_POLICY: {"rotationDays": 90}},
            f"{KMS_POLICY}.rotationDays: unknown property; this policy takes no config",
        ),
        ({KMS_POLICY: ["advisory"]}, f"{KMS_POLICY}: expected an enforcement level or a mapping, got list"),
    ],
)
def test_bad_config_is_a_one_line_exit_2(program, isolated_config, cli, entry, message):
    path = isolated_config(entry)
    result = cli("--stack", "test", "--program", program(CLEAN_PROGRAM), "--policy-config", path, "--format", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {path}: {message}\n"


def test_schema_invalid_property_is_a_one_line_exit_2(program, tmp_path, cli, monkeypatch):
    monkeypatch.setattr("trustfabric.cli.common.pack_policies", lambda: [kms_policy(), RETENTION_POLICY])
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"test-log-retention": {"minimumDays": "a year"}}))
    result = cli("--stack", "test", "--program", program(CLEAN_PROGRAM), "--policy-config", path, "--format", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {path}: test-log-retention.minimumDays: 'a year' is not of type 'integer'\n"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"minimumDays": 0}, "test-log-retention.minimumDays: 0 is less than the minimum of 1"),
        (
            {"minimumTls": "SSLv3"},
            "test-log-retention.minimumTls: 'SSLv3' is not one of ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']",
        ),
        (
            {"retention": 5},
            "test-log-retention.retention: unknown property; allowed: minimumDays, minimumTls",
        ),
    ],
)
def test_properties_are_validated_against_the_policy_schema(tmp_path, entry, message):
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"test-log-retention": entry}))
    with pytest.raises(TrustFabricError) as error:
        load_policy_config(path, [RETENTION_POLICY])
    assert str(error.value) == f"{path}: {message}"


def test_a_pattern_that_is_no_regular_expression_is_a_config_error(tmp_path):
    from policies.aws.iam.role_permission_boundary import POLICY as BOUNDARY

    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({BOUNDARY.name: {"boundaryNamePattern": "(unclosed"}}))
    with pytest.raises(TrustFabricError) as error:
        load_policy_config(path, [BOUNDARY])
    assert str(error.value) == f"{path}: {BOUNDARY.name}.boundaryNamePattern: '(unclosed' is not a 'regex'"


def test_unreadable_and_malformed_files_name_the_file(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(TrustFabricError, match=r"missing\.yaml: cannot read: No such file or directory$"):
        load_policy_config(missing, [RETENTION_POLICY])
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(TrustFabricError, match=r"^.*broken\.json: not valid JSON: "):
        load_policy_config(broken, [RETENTION_POLICY])
    listed = tmp_path / "listed.yaml"
    listed.write_text("- a\n")
    with pytest.raises(TrustFabricError) as error:
        load_policy_config(listed, [RETENTION_POLICY])
    assert str(error.value) == f"{listed}: expected a mapping of policy name to its config, got list"


def test_config_properties_reach_the_policy_with_schema_defaults(tmp_path, program):
    directory = program(LOG_PROGRAM)
    assert run_gate(directory, "test", exemptions_file=_none(tmp_path), policies=[RETENTION_POLICY]).findings == []
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"test-log-retention": {"minimumDays": 500}}))
    result = run_gate(directory, "test", path, _none(tmp_path), policies=[RETENTION_POLICY])
    assert [f.message for f in result.findings] == ["log group 'audit' keeps events less than 500 days."]


def test_loosening_below_a_floor_is_mandatory_even_when_the_policy_passes(tmp_path, program):
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"test-log-retention": {"minimumDays": 30, "minimumTls": "TLSv1.1"}}))
    result = run_gate(program(LOG_PROGRAM), "test", path, _none(tmp_path), policies=[RETENTION_POLICY])
    assert result.exit_code == 1
    assert [(f.policy, f.enforcement, f.severity, f.message, f.extra) for f in result.findings] == [
        (
            "test-log-retention",
            "mandatory",
            "medium",
            "config loosens minimumDays to 30, below the floor 365; controls SOC2 CC7.2, "
            "ISO27001:2022 A.8.15 report failing",
            {"kind": "loosened-config"},
        ),
        (
            "test-log-retention",
            "mandatory",
            "medium",
            "config loosens minimumTls to TLSv1.1, below the floor TLSv1.2; controls SOC2 CC7.2, "
            "ISO27001:2022 A.8.15 report failing",
            {"kind": "loosened-config"},
        ),
    ]
    assert result.findings[0].controls == ("SOC2 CC7.2", "ISO27001:2022 A.8.15")
    assert result.findings[0].resource.type == "pulumi:pulumi:Stack"


def test_tightening_above_a_floor_is_fine(tmp_path, program):
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"test-log-retention": {"minimumDays": 365, "minimumTls": "TLSv1.3"}}))
    result = run_gate(program(LOG_PROGRAM), "test", path, _none(tmp_path), policies=[RETENTION_POLICY])
    assert result.findings == []
    assert result.exit_code == 0


def test_floor_forms():
    schema = {"tls": {"type": "string", "default": "TLSv1.2"}, "days": {"type": "integer"}}
    order = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    assert parse_floor("days", 365, schema) == Floor(365)
    assert parse_floor("tls", order, schema) == Floor("TLSv1.2", tuple(order))
    assert parse_floor("tls", {"floor": "TLSv1.1", "order": order}, schema) == Floor("TLSv1.1", tuple(order))
    floor = Floor("TLSv1.2", tuple(order))
    assert [floor.loosened_by(value) for value in [*order, "SSLv3"]] == [True, True, False, False, True]
    assert [Floor(365).loosened_by(value) for value in (364, 365, 3650, "365", True)] == [
        True,
        False,
        False,
        True,
        True,
    ]
    ceiling = parse_floor("days", {"ceiling": 30}, schema)
    assert ceiling == Floor(30, ceiling=True) and ceiling.beyond == "above the ceiling"
    assert [ceiling.loosened_by(value) for value in (29, 30, 31, "30", True)] == [False, False, True, True, True]
    assert Floor(365).beyond == "below the floor"
    with pytest.raises(ValueError, match="a ceiling is"):
        parse_floor("days", {"ceiling": 30, "floor": 1}, schema)
    with pytest.raises(ValueError, match="not a property of the policy's config_schema"):
        parse_floor("missing", 1, schema)
    with pytest.raises(ValueError, match="is not in the ordering"):
        parse_floor("tls", {"floor": "TLSv9", "order": order}, schema)


def _none(tmp_path):
    path = tmp_path / "no-exemptions.yaml"
    path.write_text("exemptions: []\n")
    return path
