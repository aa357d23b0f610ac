"""The evidence package: contents, OSCAL through trestle's models, the control matrix's results, the inputs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.component import ComponentDefinition

from tests.trustfabric.evidence.conftest import DevPackage, checkov_results
from tests.trustfabric.gate.sample_policies import RETENTION_POLICY
from tests.trustfabric.helpers import (
    CLEAN_PROGRAM,
    KMS_POLICY,
    LIVE_UNTIL,
    SEEDED_PROGRAM,
    exemption_entry,
    invoke,
    pack_policies,
    write_isolated_config,
    write_program,
)
from trustfabric.evidence.oscal import OSCAL_VERSION, read_back
from trustfabric.evidence.package import Inputs, build_package

PACKAGE_FILES = {
    "assessment-results.json",
    "component-definition.json",
    "control-matrix.html",
    "control-matrix.json",
    "control-matrix.md",
    "controls.json",
    "gate.json",
    "gate.sarif",
    "manifest.json",
    "manifest.sig",
    "policies.md",
    "sbom-dev.cdx.json",
    "sbom.cdx.json",
    "signing-key.pub",
    "soa-component-definition.json",
    "soa.html",
    "soa.md",
}


def _matrix(out: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((out / "control-matrix.json").read_text())
    return {row["control"]: row for row in document["controls"]}


KMS_TEST = "tests/policies/aws/kms/test_key_rotation_enabled.py"
"""The test file CIS-AWS-3.0 3.6 names beside its policy (compliance/controls.yaml)."""


def write_reports(
    root: Path,
    *,
    passed: tuple[str, ...] = (KMS_TEST,),
    failed: tuple[str, ...] = (),
    drills: dict[str, dict[str, Any]] | None = None,
    checkov: dict[str, Any] | None = None,
) -> Path:
    """A reports/ folder: junit.xml with a case per test file, drill reports by file name, checkov results."""
    reports = root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    cases = [f'<testcase file="{path}" name="test_a" />' for path in passed]
    cases += [f'<testcase file="{path}" name="test_b"><failure message="boom"/></testcase>' for path in failed]
    (reports / "junit.xml").write_text(
        f'<testsuites><testsuite name="pytest">{"".join(cases)}</testsuite></testsuites>'
    )
    for name, report in (drills or {}).items():
        (reports / "drills").mkdir(exist_ok=True)
        (reports / "drills" / name).write_text(json.dumps(report))
    if checkov is not None:
        (reports / "checkov").mkdir(exist_ok=True)
        (reports / "checkov" / f"{checkov['stack']}.json").write_text(json.dumps(checkov))
    return reports


def _build(tmp_path: Path, code: str, name: str = "out", **kwargs: Any) -> Path:
    program = write_program(tmp_path / f"{name}-src", code)
    inputs = kwargs.pop("inputs", None) or Inputs(reports_dir=tmp_path / "no-reports")
    out = tmp_path / name
    kwargs.setdefault("policies", pack_policies())
    build_package("test", out, program_dir=program, inputs=inputs, **kwargs)
    return out


# ------------------------------------------------------------------------------------------------------------
# The dev stack's package


def test_dev_package_holds_every_artefact(dev_package: DevPackage) -> None:
    files = {p.relative_to(dev_package.out).as_posix() for p in dev_package.out.rglob("*") if p.is_file()}
    assert files == PACKAGE_FILES
    assert dev_package.result.stdout.startswith(f"evidence package for stack dev in {dev_package.out}: ")
    for step in ("running", "control matrix", "OSCAL", "SBOM", "signing"):
        assert step in dev_package.result.stderr


def test_absent_evidence_is_never_a_pass(dev_package: DevPackage) -> None:
    """The dev package has no drill reports, test results or checkov results: nothing resting on them passes."""
    document = json.loads((dev_package.out / "control-matrix.json").read_text())
    rows = {row["control"]: row for row in document["controls"]}
    assert rows["SOC2 A1.3"]["status"] == "evidence-missing"
    for key, row in rows.items():
        if row["status"] == "pass":
            assert all(record["status"] == "pass" for record in (*row["drills"], *row["tests"])), key
    assert document["summary"]["total"] == {
        status: sum(1 for row in rows.values() if row["status"] == status)
        for status in ("fail", "evidence-missing", "stale", "exempted", "pass", "manual", "not-applicable")
    }
    page = (dev_package.out / "control-matrix.html").read_text()
    assert '<details class="control" id="soc2-a1-3" data-status="evidence-missing">' in page


def test_absent_inputs_are_listed_not_invented(dev_package: DevPackage) -> None:
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    reports = dev_package.out.parent / "reports"
    assert manifest["inputs"] == {
        "present": [],
        "absent": [
            f"no checkov results ({reports / 'checkov' / 'dev.json'})",
            f"drill reports ({reports / 'drills' / '*.json'})",
            f"test results ({reports / 'junit.xml'}): run `make test`",
            f"release decision ({reports / 'release' / 'decision-*.json'} for stack dev): "
            "run `trustfabric release gate`",
        ],
    }


def test_gate_reports_match_one_run(dev_package: DevPackage) -> None:
    gate = json.loads((dev_package.out / "gate.json").read_text())
    sarif = json.loads((dev_package.out / "gate.sarif").read_text())
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    assert gate["stack"] == "dev"
    assert gate["resources"] == manifest["gate"]["resources_evaluated"] > 0
    assert sarif["version"] == "2.1.0"
    rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {policy.name for policy in pack_policies()} <= rules
    policies_md = (dev_package.out / "policies.md").read_text()
    assert policies_md.startswith("# Policy catalog")
    assert f"## {KMS_POLICY}" in policies_md


def test_component_definition_validates_with_trestle(dev_package: DevPackage) -> None:
    path = dev_package.out / "component-definition.json"
    definition = ComponentDefinition.oscal_read(path)
    assert isinstance(definition, ComponentDefinition)
    assert isinstance(read_back(path), ComponentDefinition)
    document = json.loads(path.read_text())["component-definition"]
    assert document["metadata"]["oscal-version"] == OSCAL_VERSION
    [component] = definition.components
    assert component.title == "Trust Fabric policy pack"
    frameworks = {prop.value for impl in component.control_implementations for prop in impl.props}
    assert {"SOC2", "ISO27001:2022", "GDPR", "CIS-AWS-3.0"} <= frameworks
    requirements = {
        req.control_id: req for impl in component.control_implementations for req in impl.implemented_requirements
    }
    cc61 = requirements["soc2-cc6.1"]
    assert KMS_POLICY in {prop.value for prop in cc61.props if prop.name == "policy"}
    assert any(link.href.endswith(f"#{KMS_POLICY}") for link in cc61.links)
    assert {prop.value for prop in requirements["cis-aws-3.0-3.6"].props if prop.name == "original-control-id"} == {
        "3.6"
    }


def test_assessment_results_validate_and_agree_with_the_matrix(dev_package: DevPackage) -> None:
    path = dev_package.out / "assessment-results.json"
    results = AssessmentResults.oscal_read(path)
    assert isinstance(results, AssessmentResults)
    [result] = results.results
    matrix = _matrix(dev_package.out)
    assert len(result.findings) == len(matrix)
    for finding in result.findings:
        key, status = finding.title.rsplit(": ", 1)
        assert matrix[key]["status"] == status
        expected = "satisfied" if status in ("pass", "exempted") else "not-satisfied"
        assert finding.target.status.state.value == expected
    evaluations = [o for o in result.observations if any(p.name == "resource-urn" for p in o.props)]
    assert evaluations, "an observation per policy and resource evaluated"


def test_dev_matrix_agrees_with_the_gate(dev_package: DevPackage) -> None:
    """The repository's stack changes under other work; whatever it holds, the matrix and the gate agree."""
    matrix = _matrix(dev_package.out)
    gate = json.loads((dev_package.out / "gate.json").read_text())
    failing = {key for finding in gate["violations"] for key in finding["controls"]}
    for key, row in matrix.items():
        assert (row["status"] == "fail") == (key in failing), key
    kms = next(p for p in matrix["SOC2 CC6.1"]["policies"] if p["policy"] == KMS_POLICY)
    assert kms["resources_evaluated"] > 0 and kms["by_type"]["aws:kms/key:Key"] > 0
    assert matrix["SOC2 CC1.1"]["status"] == "manual"  # a manual entry: its procedure is the evidence
    # An automated entry whose only evidence is a test: no junit report in this package, so never a pass.
    assert matrix["GDPR Art.33"]["status"] == "evidence-missing"


# ------------------------------------------------------------------------------------------------------------
# Results on foreign programs: failing, exempted, loosened, escaped


def test_a_finding_fails_its_controls(tmp_path: Path) -> None:
    config = write_isolated_config(tmp_path / "policy.yaml")
    out = _build(tmp_path, SEEDED_PROGRAM, policy_config_file=config)
    matrix = _matrix(out)
    for key in ("SOC2 CC6.1", "ISO27001:2022 A.8.24", "CIS-AWS-3.0 3.6", "GDPR Art.32"):
        assert matrix[key]["status"] == "fail", key
    [finding] = matrix["CIS-AWS-3.0 3.6"]["findings"]
    assert finding["resource"]["name"] == "ledger-key"
    markdown = (out / "control-matrix.md").read_text()
    assert "| [SOC2 CC6.1](#soc2-cc6-1) | Logical access and protection of information assets | **fail** |" in markdown
    assert "[mandatory] aws-kms-key-rotation-enabled on ledger-key:" in markdown
    assert '<details class="control" id="soc2-cc6-1" data-status="fail">' in (out / "control-matrix.html").read_text()
    assessment = AssessmentResults.oscal_read(out / "assessment-results.json")
    states = {f.title.split(": ")[0]: f.target.status.state.value for f in assessment.results[0].findings}
    assert states["SOC2 CC6.1"] == "not-satisfied"


def test_the_same_program_without_the_seed_passes(tmp_path: Path) -> None:
    out = _build(
        tmp_path,
        CLEAN_PROGRAM,
        policy_config_file=write_isolated_config(tmp_path / "p.yaml"),
        inputs=Inputs(reports_dir=write_reports(tmp_path)),
    )
    matrix = _matrix(out)
    assert matrix["CIS-AWS-3.0 3.6"]["status"] == "pass"
    assert matrix["CIS-AWS-3.0 3.6"]["reasons"] == [
        "1 policies judged 1 resource evaluations; no finding",
        f"{KMS_TEST} passed",
    ]
    assert matrix["CIS-AWS-3.0 3.6"]["policies"] == [
        {
            "policy": KMS_POLICY,
            "resources_evaluated": 1,
            "by_type": {"aws:kms/key:Key": 1},
            "findings": 0,
            "exempted": 0,
        }
    ]


def test_an_exemption_shows_approver_and_expiry(tmp_path: Path) -> None:
    exemptions = tmp_path / "exemptions.yaml"
    entry = exemption_entry()
    exemptions.write_text(yaml.safe_dump({"exemptions": [entry]}))
    out = _build(
        tmp_path,
        SEEDED_PROGRAM,
        policy_config_file=write_isolated_config(tmp_path / "p.yaml"),
        exemptions_file=exemptions,
        inputs=Inputs(reports_dir=write_reports(tmp_path)),
    )
    row = _matrix(out)["CIS-AWS-3.0 3.6"]
    assert row["status"] == "exempted"
    assert row["reasons"] == [f"1 exempted finding(s): approved by security@example.com until {LIVE_UNTIL}"]
    markdown = (out / "control-matrix.md").read_text()
    assert f"approved by security@example.com, expires {LIVE_UNTIL}" in markdown


LOG_PROGRAM = """
import pulumi_aws as aws

aws.cloudwatch.LogGroup("app-logs", retention_in_days=30)
"""


def test_config_loosened_below_a_floor_fails_the_controls(tmp_path: Path) -> None:
    """The policy passes (30 >= 30) but the config loosens the floor (365): its controls report failing."""
    config = tmp_path / "policy.yaml"
    config.write_text(yaml.safe_dump({"test-log-retention": {"minimumDays": 30}}))
    out = _build(tmp_path, LOG_PROGRAM, policy_config_file=config, policies=[RETENTION_POLICY])
    matrix = _matrix(out)
    for key in ("SOC2 CC7.2", "ISO27001:2022 A.8.15"):
        row = matrix[key]
        assert row["status"] == "fail", key
        assert row["reasons"][0] == "1 policy config(s) loosened below a floor"
        assert [f["extra"]["kind"] for f in row["findings"]] == ["loosened-config"]
    assert "LOOSENED CONFIG [mandatory] test-log-retention" in (out / "control-matrix.md").read_text()
    definition = ComponentDefinition.oscal_read(out / "component-definition.json")
    parameters = {
        p.param_id: p.values
        for impl in definition.components[0].control_implementations
        for req in impl.implemented_requirements
        for p in req.set_parameters or ()
    }
    assert parameters["test-log-retention.minimumDays"] == ["30"]


def test_the_html_matrix_escapes_names(tmp_path: Path) -> None:
    code = 'import pulumi_aws as aws\n\naws.kms.Key("<img src=x onerror=alert(1)>", description="x")\n'
    out = _build(tmp_path, code, policy_config_file=write_isolated_config(tmp_path / "p.yaml"))
    page = (out / "control-matrix.html").read_text()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page.split("<body>")[0]
    assert "<link" not in page and "src=" not in page.replace("&lt;img src=x", "")


def test_present_inputs_are_copied_and_judged(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "drills").mkdir(parents=True)
    (reports / "drills" / "restore.json").write_text(json.dumps({"drill": "restore", "status": "failed"}))
    (reports / "checkov").mkdir()
    (reports / "checkov" / "test.json").write_text(json.dumps(checkov_results("test")))
    (reports / "junit.xml").write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.trustfabric.test_golden" name="test_dev" />'
        '<testcase classname="tests.trustfabric.cli.test_check_cli" name="test_x"><failure message="boom"/></testcase>'
        "</testsuite></testsuites>"
    )
    out = _build(
        tmp_path,
        CLEAN_PROGRAM,
        inputs=Inputs(reports_dir=reports),
        policy_config_file=write_isolated_config(tmp_path / "p.yaml"),
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"] == {
        "present": ["checkov/test.json", "drills/restore.json", "tests/junit.xml"],
        "absent": [
            f"release decision ({reports / 'release' / 'decision-*.json'} for stack test): "
            "run `trustfabric release gate`"
        ],
    }
    matrix = _matrix(out)
    assert matrix["SOC2 A1.2"]["status"] == "fail"
    # tests/trustfabric/test_golden.py passed, but test_audit_security.py has no result
    assert matrix["SOC2 CC7.1"]["status"] == "evidence-missing"
    assert manifest["checkov"]["status"] == "pass"
    assert matrix["SOC2 CC8.1"]["status"] == "fail"  # tests/trustfabric/cli/test_check_cli.py failed
    assert matrix["ISO27001:2022 A.5.30"]["drills"][1] == {
        "name": "failover",
        "status": "absent",
        "source": "",
        "detail": "no report in this package",
    }


def test_out_must_be_new_or_empty(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("stale")
    result = invoke("evidence", "--stack", "dev", "--out", out)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: --out: {out} exists and is not an empty directory; choose a new directory\n",
    )


def test_stack_and_out_are_required(tmp_path: Path) -> None:
    result = invoke("evidence", "--stack", "dev")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: evidence: --out required (or use: trustfabric evidence verify DIR)\n",
    )


def test_a_bad_signing_key_is_exit_2(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("nope")
    result = invoke("evidence", "--stack", "dev", "--out", tmp_path / "out", "--signing-key", key)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --signing-key: {key}: not an unencrypted PEM private key")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("when", [dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)])
def test_component_definition_is_deterministic(when: dt.datetime) -> None:
    from trustfabric.evidence.controls import load_catalog
    from trustfabric.evidence.oscal import component_definition

    policies = pack_policies()
    first = component_definition(load_catalog(policies=policies), policies, pack_version="0.1.0", when=when)
    second = component_definition(load_catalog(policies=policies), policies, pack_version="0.1.0", when=when)
    assert first.oscal_serialize_json() == second.oscal_serialize_json()
