"""checkov-suppressions.yaml and `check --with-checkov`: silence, expiry, malformed files, missing venv, SARIF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.trustfabric.helpers import LIVE_UNTIL, invoke, pack_policies, write_program
from trustfabric.bridge.suppressions import load_suppressions, parse_suppressions
from trustfabric.errors import TrustFabricError
from trustfabric.findings import Finding, ResourceRef
from trustfabric.paths import REPO_ROOT

PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("ledger-key", description="ledger data")  # no rotation: CKV_AWS_7 fails
"""
ENTRY = {
    "check": "CKV_AWS_7",
    "resource": "ledger-key",
    "reason": "Imported key material.",
    "approver": "platform-security",
    "expires": LIVE_UNTIL,
}


def _invoke(*args: str | Path) -> tuple[int, str]:
    result = invoke("check", *args)
    return result.exit_code, result.stderr.rstrip("\n") if result.exit_code == 2 else result.stdout


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    config = root / "policy.yaml"  # our policies off: the exit code is checkov's alone
    config.write_text(yaml.safe_dump({p.name: "disabled" for p in pack_policies()}))
    return {"program": write_program(root, PROGRAM, stack="test"), "config": config, "root": root}


def _suppressions(root: Path, entries: list[dict[str, Any]], name: str) -> Path:
    path = root / name
    path.write_text(yaml.safe_dump({"suppressions": entries}))
    return path


def _check(setup: dict[str, Path], suppressions: Path, *extra: str) -> tuple[int, str]:
    return _invoke(
        "--stack",
        "test",
        "--program",
        setup["program"],
        "--policy-config",
        setup["config"],
        "--with-checkov",
        "--checkov-suppressions",
        suppressions,
        *extra,
    )


def test_unsuppressed_failure_fails_the_gate_and_appears_in_sarif(setup: dict[str, Path]) -> None:
    code, output = _check(setup, _suppressions(setup["root"], [], "none.yaml"), "--format", "sarif")
    assert code == 1
    run = json.loads(output)["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "CKV_AWS_7")
    assert result["level"] == "error"
    assert result["properties"]["source"] == "checkov"
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "CKV_AWS_7")
    assert rule["shortDescription"]["text"] == "Ensure rotation for customer created CMKs is enabled"


def test_live_suppression_silences_the_check(setup: dict[str, Path]) -> None:
    no_key_policy = {**ENTRY, "check": "CKV2_AWS_64", "reason": "Default key policy in this test program."}
    live = _suppressions(setup["root"], [ENTRY, no_key_policy], "live.yaml")
    code, output = _check(setup, live, "--format", "json")
    document = json.loads(output)
    assert [v["policy"] for v in document["violations"] if v["enforcement"] == "mandatory"] == []
    assert code == 0
    assert sorted(e["policy"] for e in document["exempted"]) == ["CKV2_AWS_64", "CKV_AWS_7"]
    assert document["checkov"]["suppressed"] == 2


def test_expired_suppression_is_a_mandatory_finding(setup: dict[str, Path]) -> None:
    expired = {**ENTRY, "expires": "2020-01-31"}
    code, output = _check(setup, _suppressions(setup["root"], [expired], "expired.yaml"))
    assert code == 1
    assert (
        "checkov suppression for CKV_AWS_7 on ledger-key expired on 2020-01-31 (approved by platform-security)"
        in output
    )
    assert "checkov: " in output and " failed, 0 suppressed" in output


def test_malformed_file_is_one_line_naming_entry_and_key(setup: dict[str, Path]) -> None:
    bad = _suppressions(setup["root"], [ENTRY, {**ENTRY, "expires": "soon"}], "bad.yaml")
    code, output = _check(setup, bad)
    assert code == 2
    assert output == f"error: {bad}: suppressions[1].expires: 'soon' is not a date (YYYY-MM-DD)"


def test_missing_checkov_venv_says_run_make_setup(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRUSTFABRIC_CHECKOV", str(tmp_path / "nowhere" / "checkov"))
    code, output = _check(setup, _suppressions(setup["root"], [], "none.yaml"))
    assert code == 2
    assert (
        output
        == f"error: checkov not found at {tmp_path / 'nowhere' / 'checkov'}; run `make setup` to create .venv-checkov"
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**ENTRY, "check": "CKV7"}, "suppressions[0].check: 'CKV7' is not a checkov check id (like CKV_AWS_144)"),
        ({k: v for k, v in ENTRY.items() if k != "reason"}, "suppressions[0].reason: required"),
        (
            {**ENTRY, "owner": "me"},
            "suppressions[0].owner: unknown key; allowed: check, resource, reason, approver, expires, stacks",
        ),
    ],
)
def test_validation_messages(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(TrustFabricError) as raised:
        parse_suppressions({"suppressions": [entry]}, "s.yaml")
    assert str(raised.value) == f"s.yaml: {message}"


def test_matching_by_name_urn_and_star() -> None:
    (by_name,) = parse_suppressions([{**ENTRY, "expires": "2099-12-31"}], "s.yaml")
    (star,) = parse_suppressions([{**ENTRY, "resource": "*"}], "s.yaml")
    finding = Finding("CKV_AWS_7", "mandatory", "medium", "m", ResourceRef("urn:x::ledger-key", "t", "ledger-key"))
    other = Finding("CKV_AWS_7", "mandatory", "medium", "m", ResourceRef("urn:x::other", "t", "other"))
    assert by_name.matches(finding) and not by_name.matches(other)
    assert star.matches(other)
    assert by_name.is_live(dt.date(2099, 12, 31)) and not by_name.is_live(dt.date(2100, 1, 1))


def test_repository_suppressions_are_reviewed_and_within_a_year() -> None:
    suppressions = load_suppressions(REPO_ROOT / "checkov-suppressions.yaml")
    assert suppressions
    for suppression in suppressions:
        assert suppression.approver == "platform-security"
        assert len(suppression.reason) > 60
        assert suppression.expires <= dt.date.today() + dt.timedelta(days=366)
