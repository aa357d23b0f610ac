"""The control catalog: complete against the policy pack, every control evidenced, the coverage report's exits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from policies.base import FRAMEWORKS
from tests.trustfabric.helpers import KMS_POLICY, invoke, pack_policies
from trustfabric.evidence.controls import CATALOG_PATH, coverage, link_problem, load_catalog, oscal_control_id

CLAIMED = {
    "SOC2": "CC6.1 CC6.2 CC6.3 CC6.6 CC6.7 CC6.8 CC7.1 CC7.2 CC7.3 CC7.4 CC8.1 A1.2 A1.3 C1.1 C1.2",
    "ISO27001:2022": (
        "A.5.14 A.5.15 A.5.23 A.5.24 A.5.25 A.5.26 A.5.27 A.5.28 A.5.29 A.5.30 A.5.33 A.5.34 A.8.2 A.8.5 A.8.9 "
        "A.8.12 A.8.13 A.8.14 A.8.15 A.8.16 A.8.20 A.8.21 A.8.24 A.8.32"
    ),
    "GDPR": "Art.5(1)(e) Art.25 Art.30 Art.32 Art.33 Art.44 Art.45 Art.46 Art.47 Art.48 Art.49",
}


def test_every_control_a_policy_references_is_in_the_catalog() -> None:
    catalog = load_catalog(policies=pack_policies())
    assert catalog.unknown_references == {}
    for policy in pack_policies():
        for key in policy.meta.control_ids:
            assert catalog.get(key) is not None, f"{policy.name} references {key}"


def test_the_claimed_controls_are_in_the_catalog() -> None:
    keys = {control.key for control in load_catalog(policies=pack_policies()).controls}
    for framework, ids in CLAIMED.items():
        for control_id in ids.split():
            assert f"{framework} {control_id}" in keys


def test_frameworks_are_the_pack_frameworks_with_titles() -> None:
    catalog = load_catalog(policies=pack_policies())
    assert set(catalog.frameworks) <= set(FRAMEWORKS)
    assert {control.framework for control in catalog.controls} <= set(catalog.frameworks)
    for info in catalog.frameworks.values():
        assert info["title"] and info["version"]


def test_policies_are_computed_from_policy_metadata() -> None:
    catalog = load_catalog(policies=pack_policies())
    assert KMS_POLICY in catalog.get("SOC2 CC6.1").policies
    assert KMS_POLICY in catalog.get("CIS-AWS-3.0 3.6").policies
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    assert all("policies" not in entry for entries in raw["controls"].values() for entry in entries.values())


def test_every_control_maps_to_existing_evidence(repo_root: Path) -> None:
    names = {policy.name for policy in pack_policies()}
    for control in load_catalog(policies=pack_policies()).controls:
        assert set(control.policies) <= names
        for test in control.tests:
            assert (repo_root / test).is_file(), f"{control.key}: {test}"
        for link in (*control.documents, control.procedure):
            if link:
                assert link_problem(link) is None, f"{control.key}: {link_problem(link)}"
        if control.automated:
            assert control.policies or control.tests or control.drills, f"{control.key}: automated without evidence"
        if control.is_manual:
            assert control.procedure and control.owner and control.frequency and control.record, control.key
        if control.not_applicable:
            assert control.justification and not control.evidence_sources, control.key


def test_summaries_are_our_own_short_words() -> None:
    for control in load_catalog(policies=pack_policies()).controls:
        assert 20 <= len(control.summary) <= 140, control.key
        assert control.summary.endswith("."), control.key


def test_oscal_control_ids_are_tokens_and_unique() -> None:
    ids = [oscal_control_id(c.framework, c.id) for c in load_catalog(policies=pack_policies()).controls]
    assert len(set(ids)) == len(ids)
    assert oscal_control_id("GDPR", "Art.5(1)(e)") == "gdpr-art.5.1.e"
    assert oscal_control_id("CIS-AWS-3.0", "3.6") == "cis-aws-3.0-3.6"
    assert oscal_control_id("ISO27001:2022", "A.8.24") == "iso27001-2022-a.8.24"


def test_coverage_report_passes_for_the_repository_catalog() -> None:
    text = invoke("controls")
    as_json = invoke("controls", "--format", "json")
    assert text.exit_code == 0, text.stdout
    assert as_json.exit_code == 0
    document = json.loads(as_json.stdout)
    assert document["ok"] is True and document["problems"] == []
    assert document["summary"]["controls"] == len(load_catalog(policies=pack_policies()).controls)
    assert text.stdout.splitlines()[-1].endswith("not applicable; 0 problems")
    assert f"    policies: {KMS_POLICY}" in text.stdout


def _catalog(tmp_path: Path, controls: dict[str, dict[str, object]], framework: str = "SOC2") -> Path:
    path = tmp_path / "controls.yaml"
    path.write_text(
        yaml.safe_dump({"frameworks": {framework: {"title": "t", "version": "1"}}, "controls": {framework: controls}})
    )
    return path


def test_coverage_fails_for_an_automated_control_without_evidence(tmp_path: Path) -> None:
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    raw["controls"]["NIST-800-53"]["CA-9"] = {
        "title": "Invented control",
        "summary": "A control we claim but nobody checks.",
        "mode": "automated",
        "documents": ["docs/compliance/vendor-risk.md"],
    }
    path = tmp_path / "controls.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = invoke("controls", "--catalog", path)
    assert result.exit_code == 1
    assert "NIST-800-53 CA-9: automated without a policy, test or drill" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].endswith("; 1 problems")
    as_json = json.loads(invoke("controls", "--catalog", path, "--format", "json").stdout)
    assert as_json["problems"] == ["NIST-800-53 CA-9: automated without a policy, test or drill"]


def test_coverage_fails_for_a_referenced_control_missing_from_the_catalog(tmp_path: Path) -> None:
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    del raw["controls"]["CIS-AWS-3.0"]["3.6"]
    path = tmp_path / "controls.yaml"
    path.write_text(yaml.safe_dump(raw))
    catalog = load_catalog(path, policies=pack_policies())
    assert KMS_POLICY in catalog.unknown_references["CIS-AWS-3.0 3.6"]
    result = invoke("controls", "--catalog", path)
    assert result.exit_code == 1
    assert any(
        line.startswith("CIS-AWS-3.0 3.6: referenced by ") and line.endswith(f"but not in {path}")
        for line in result.stdout.splitlines()
    )


def test_coverage_fails_for_broken_links_and_missing_tests(tmp_path: Path) -> None:
    path = _catalog(
        tmp_path,
        {
            "CC6.1": {
                "title": "t",
                "summary": "s.",
                "mode": "automated",
                "tests": ["tests/nowhere/test_x.py"],
                "owner": "Head of Security",
                "frequency": "quarterly",
                "record": "somewhere",
                "procedure": "docs/compliance/access-control.md#no-such-section",
            }
        },
    )
    report = coverage(load_catalog(path, policies=[]))
    assert report.problems() == [
        "broken link: SOC2 CC6.1: docs/compliance/access-control.md#no-such-section: no section #no-such-section "
        "in docs/compliance/access-control.md",
        "missing test file: SOC2 CC6.1: tests/nowhere/test_x.py",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("controls: [", "not valid YAML"),
        ("frameworks: {}\n", "expected a mapping with 'controls' by framework"),
        ("controls:\n  SOC2:\n    CC6.1: {title: t}\n", "controls.SOC2.CC6.1.summary: required text is missing"),
        (
            "controls:\n  SOC2:\n    CC6.1: {title: t, summary: s, mode: manual, by: x}\n",
            "controls.SOC2.CC6.1.by: unknown key",
        ),
        (
            "controls:\n  SOC2:\n    CC6.1: {title: t, summary: s}\n",
            "controls.SOC2.CC6.1.mode: None is not allowed; allowed: automated, manual, not-applicable",
        ),
        (
            "controls:\n  SOC2:\n    CC6.1: {title: t, summary: s, mode: manual, frequency: hourly}\n",
            "controls.SOC2.CC6.1.frequency: 'hourly' is not allowed; allowed: weekly, monthly, quarterly, "
            "semiannually, annually, per-event",
        ),
    ],
)
def test_a_malformed_catalog_is_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "controls.yaml"
    path.write_text(content)
    result = invoke("controls", "--catalog", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: ")
    assert message in result.stderr


def test_an_unknown_format_is_exit_2() -> None:
    result = invoke("controls", "--format", "xml")
    assert (result.exit_code, result.stderr) == (2, "error: --format: 'xml' is not allowed; allowed: text, json\n")
