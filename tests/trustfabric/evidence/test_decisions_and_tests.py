"""The evidence package cites the release gate's signed decision (controls naming `decisions: [release-gate]`),
and takes test results only from a run of its own commit, naming the controls that wait for one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trustfabric.evidence.test_package import _build, _matrix
from tests.trustfabric.helpers import CLEAN_PROGRAM, invoke, write_isolated_config
from tests.trustfabric.release.support import policy_gate
from tests.trustfabric.release.test_gate import evaluations, gate  # noqa: F401  (the fixture is used by name)
from trustfabric.cli.evidence import _verify_release_decisions
from trustfabric.errors import TrustFabricError
from trustfabric.evidence import decisions
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


def _pin(directory: Path, name: str, public_key_pem: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.pem").write_bytes(public_key_pem)
    return directory


def _signer_pem(decision: Path) -> bytes:
    return json.loads(decision.read_text())["signature"]["public_key"].encode("ascii")


def _other_pem() -> bytes:
    return (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def test_the_release_decision_is_copied_and_cited(capsys, tmp_path: Path, evaluations, monkeypatch) -> None:  # noqa: F811
    reports = tmp_path / "reports"
    code, _, _ = gate(
        capsys, tmp_path, evaluations["clean"], "--out", reports / "release", policy_gate=policy_gate(stack="test")
    )
    assert code == 0
    (decision,) = (reports / "release").glob("decision-*.json")
    monkeypatch.setattr(decisions, "SIGNERS_DIR", _pin(tmp_path / "pinned", "release-ci", _signer_pem(decision)))
    out = _package(tmp_path, reports)
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"release/{decision.name}" in manifest["inputs"]["present"]
    assert (out / "release" / decision.name).read_bytes() == decision.read_bytes()
    for key in ("SOC2 CC8.1", "ISO27001:2022 A.8.32"):
        record = next(r for r in _matrix(out)[key]["decisions"] if r["name"] == "release-gate")
        assert (record["status"], record["source"]) == ("pass", decision.name)
        assert record["detail"].startswith("promote extractor@1.0 at ")
        assert "; signed by release-ci (SHA256:" in record["detail"]
    entry = append_run(tmp_path / "ledger", out, Ed25519PrivateKey.generate())
    cited = entry["controls"]["SOC2 CC8.1"]["evidence"]
    assert cited[f"release/{decision.name}"] == manifest["files"][f"release/{decision.name}"]


def test_a_blocked_release_is_the_gate_operating_and_a_forged_one_fails(
    capsys,
    tmp_path: Path,
    evaluations,  # noqa: F811
    monkeypatch,
) -> None:
    reports = tmp_path / "reports"
    code, _, _ = gate(
        capsys, tmp_path, evaluations["regressed"], "--out", reports / "release", policy_gate=policy_gate(stack="test")
    )
    assert code == 1
    (decision,) = (reports / "release").glob("decision-*.json")
    monkeypatch.setattr(decisions, "SIGNERS_DIR", _pin(tmp_path / "pinned", "release-ci", _signer_pem(decision)))
    out = _package(tmp_path, reports, "blocked")
    record = next(r for r in _matrix(out)["SOC2 CC8.1"]["decisions"] if r["name"] == "release-gate")
    assert record["status"] == "pass" and record["detail"].startswith("block extractor@1.1 at ")
    assert "(failed: " in record["detail"]
    forged = json.loads(decision.read_text())
    forged["decision"]["outcome"] = "promote"
    decision.write_text(json.dumps(forged))
    out = _package(tmp_path, reports, "forged")
    row = _matrix(out)["SOC2 CC8.1"]
    record = next(r for r in row["decisions"] if r["name"] == "release-gate")
    assert record["status"] == "fail" and record["detail"].startswith("signature: does not verify")
    assert row["status"] == "fail"


def _decision_package(capsys, tmp_path: Path, evaluations) -> tuple[Path, Path]:  # noqa: F811
    reports = tmp_path / "reports"
    gate(capsys, tmp_path, evaluations["clean"], "--out", reports / "release", policy_gate=policy_gate(stack="test"))
    (decision,) = (reports / "release").glob("decision-*.json")
    return reports, decision


def _verify(out: Path, tmp_path: Path, pinned: Path):
    trusted = tmp_path / "trusted.pub"
    trusted.write_bytes((out / "signing-key.pub").read_bytes())
    return invoke("evidence", "verify", out, "--public-key", trusted, "--release-keys", pinned)


def test_with_no_key_pinned_a_decision_is_of_unverified_identity_never_a_pass(
    capsys,
    tmp_path: Path,
    evaluations,  # noqa: F811
    monkeypatch,
) -> None:
    reports, decision = _decision_package(capsys, tmp_path, evaluations)
    empty = tmp_path / "pinned"
    empty.mkdir()
    monkeypatch.setattr(decisions, "SIGNERS_DIR", empty)
    out = _package(tmp_path, reports, "unpinned")
    record = next(r for r in _matrix(out)["SOC2 CC8.1"]["decisions"] if r["name"] == "release-gate")
    assert record["status"] == "unknown"
    assert record["detail"].startswith(
        "unverified identity: no release signing key is pinned in compliance/release-signing-keys/; promote "
    )
    result = _verify(out, tmp_path, empty)
    assert result.exit_code == 0, result.stdout
    assert f"verify: release/{decision.name}: unverified identity: no release signing key is pinned" in result.stderr


def test_a_decision_signed_by_an_unpinned_key_is_refused(capsys, tmp_path: Path, evaluations, monkeypatch) -> None:  # noqa: F811
    reports, decision = _decision_package(capsys, tmp_path, evaluations)
    pinned = _pin(tmp_path / "pinned", "someone-else", _other_pem())
    monkeypatch.setattr(decisions, "SIGNERS_DIR", pinned)
    out = _package(tmp_path, reports, "refused")
    row = _matrix(out)["SOC2 CC8.1"]
    record = next(r for r in row["decisions"] if r["name"] == "release-gate")
    signer = json.loads(decision.read_text())["signature"]["public_key_fingerprint"]
    expected = f"signer: key {signer} is not pinned in compliance/release-signing-keys/ (refused)"
    assert (record["status"], record["detail"]) == ("fail", expected)
    assert row["status"] == "fail"
    result = _verify(out, tmp_path, pinned)
    assert result.exit_code == 1
    assert result.stdout == f"release/{decision.name}: {expected}\n"


def test_a_decision_signed_by_a_pinned_key_is_accepted_by_verify(
    capsys,
    tmp_path: Path,
    evaluations,  # noqa: F811
    monkeypatch,
) -> None:
    reports, decision = _decision_package(capsys, tmp_path, evaluations)
    pinned = _pin(tmp_path / "pinned", "release-ci", _signer_pem(decision))
    _pin(pinned, "someone-else", _other_pem())
    monkeypatch.setattr(decisions, "SIGNERS_DIR", pinned)
    out = _package(tmp_path, reports, "accepted")
    result = _verify(out, tmp_path, pinned)
    assert result.exit_code == 0 and result.stdout.startswith("valid: ")
    assert f"verify: release/{decision.name}: signed by pinned key release-ci (SHA256:" in result.stderr


def test_a_forged_fingerprint_claiming_a_pinned_signer_does_not_verify(
    capsys,
    tmp_path: Path,
    evaluations,  # noqa: F811
) -> None:
    _, decision = _decision_package(capsys, tmp_path, evaluations)
    pinned = decisions.load_pinned_signers(_pin(tmp_path / "pinned", "release-ci", _other_pem()))
    [claimed] = pinned
    forged = json.loads(decision.read_text())
    forged["signature"]["public_key_fingerprint"] = claimed  # claims the pinned signer, signed with another key
    decision.write_text(json.dumps(forged))
    status, problems, signer = decisions.signer_identity(decision, pinned)
    assert (status, signer) == ("fail", f"release-ci ({claimed})")
    assert "signature: does not verify (the decision was changed, or another key signed it)" in problems


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


def test_bad_release_keys_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(TrustFabricError) as missing:
        _verify_release_decisions(tmp_path, tmp_path / "no-such-dir")
    assert str(missing.value) == f"--release-keys: {tmp_path / 'no-such-dir'} is not a directory"
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "deploy.pem").write_text("not a key\n")
    with pytest.raises(TrustFabricError) as garbage:
        decisions.load_pinned_signers(keys)
    message = str(garbage.value)
    assert len(message.splitlines()) == 1 and str(keys / "deploy.pem") in message and "release signing key" in message
