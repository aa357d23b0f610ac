"""The evidence package cites the release gate's signed decision (controls naming `decisions: [release-gate]`),
and takes test results only from a run of its own commit, naming the controls that wait for one."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trustfabric.evidence.test_package import _build, _matrix
from tests.trustfabric.helpers import CLEAN_PROGRAM, write_isolated_config
from tests.trustfabric.release.support import policy_gate
from tests.trustfabric.release.test_gate import evaluations, gate  # noqa: F401  (the fixture is used by name)
from trustfabric.evidence.ledger import append_run
from trustfabric.evidence.package import Inputs, git_state
from trustfabric.paths import REPO_ROOT


def _package(tmp_path: Path, reports: Path, name: str = "out") -> Path:
    return _build(
        tmp_path,
        CLEAN_PROGRAM,
        name=name,
        inputs=Inputs(reports_dir=reports),
        policy_config_file=write_isolated_config(tmp_path / f"{name}.yaml"),
    )


def test_the_release_decision_is_copied_and_cited(capsys, tmp_path: Path, evaluations) -> None:  # noqa: F811
    reports = tmp_path / "reports"
    code, _, _ = gate(
        capsys, tmp_path, evaluations["clean"], "--out", reports / "release", policy_gate=policy_gate(stack="test")
    )
    assert code == 0
    (decision,) = (reports / "release").glob("decision-*.json")
    out = _package(tmp_path, reports)
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"release/{decision.name}" in manifest["inputs"]["present"]
    assert (out / "release" / decision.name).read_bytes() == decision.read_bytes()
    for key in ("SOC2 CC8.1", "ISO27001:2022 A.8.32"):
        record = next(r for r in _matrix(out)[key]["drills"] if r["name"] == "release-gate")
        assert (record["status"], record["source"]) == ("pass", decision.name)
        assert record["detail"].startswith("promote extractor@1.0 at ")
    entry = append_run(tmp_path / "ledger", out, Ed25519PrivateKey.generate())
    cited = entry["controls"]["SOC2 CC8.1"]["evidence"]
    assert cited[f"release/{decision.name}"] == manifest["files"][f"release/{decision.name}"]


def test_a_blocked_release_is_the_gate_operating_and_a_forged_one_fails(capsys, tmp_path: Path, evaluations) -> None:  # noqa: F811
    reports = tmp_path / "reports"
    code, _, _ = gate(
        capsys, tmp_path, evaluations["regressed"], "--out", reports / "release", policy_gate=policy_gate(stack="test")
    )
    assert code == 1
    out = _package(tmp_path, reports, "blocked")
    record = next(r for r in _matrix(out)["SOC2 CC8.1"]["drills"] if r["name"] == "release-gate")
    assert record["status"] == "pass" and record["detail"].startswith("block extractor@1.1 at ")
    assert "(failed: " in record["detail"]
    (decision,) = (reports / "release").glob("decision-*.json")
    forged = json.loads(decision.read_text())
    forged["decision"]["outcome"] = "promote"
    decision.write_text(json.dumps(forged))
    out = _package(tmp_path, reports, "forged")
    row = _matrix(out)["SOC2 CC8.1"]
    record = next(r for r in row["drills"] if r["name"] == "release-gate")
    assert record["status"] == "fail" and record["detail"].startswith("signature: does not verify")
    assert row["status"] == "fail"


def _junit(reports: Path, commit: str | None) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    properties = f'<properties><property name="commit" value="{commit}"/></properties>' if commit else ""
    (reports / "junit.xml").write_text(
        f'<testsuites><testsuite name="pytest">{properties}'
        '<testcase file="tests/trustfabric/test_golden.py" name="test_a" /></testsuite></testsuites>'
    )


def test_test_results_of_another_commit_are_not_evidence(tmp_path: Path) -> None:
    commit = str(git_state(REPO_ROOT)["commit"])
    reports = tmp_path / "reports"
    _junit(reports, "0" * 40)
    out = _package(tmp_path, reports, "other")
    manifest = json.loads((out / "manifest.json").read_text())
    assert "tests/junit.xml" not in manifest["inputs"]["present"]
    assert (
        f"test results ({reports / 'junit.xml'}): of commit {'0' * 12}, not this commit {commit[:12]}; run `make test`"
        in manifest["inputs"]["absent"]
    )
    assert manifest["tests"]["junit"] is None
    assert "SOC2 CC8.1" in manifest["tests"]["awaiting_a_test_run"]
    assert _matrix(out)["SOC2 CC8.1"]["status"] == "evidence-missing"

    _junit(reports, commit)
    same = json.loads((_package(tmp_path, reports, "same") / "manifest.json").read_text())
    assert "tests/junit.xml" in same["inputs"]["present"]
    assert same["tests"]["junit"] == "tests/junit.xml" and same["tests"]["commit"] == commit
    assert "SOC2 CC8.1" in same["tests"]["awaiting_a_test_run"]  # its other test files have no result here
