"""Exemptions: live ones move findings aside (shown, not counted), expired ones fail, bad files are exit 2."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.trustfabric.helpers import (
    KMS_POLICY,
    LIVE_UNTIL,
    SEEDED_PROGRAM,
    exemption_entry,
    kms_policy,
    pack_policies,
)
from trustfabric.errors import TrustFabricError
from trustfabric.gate import DEFAULT_EXEMPTIONS, run_gate
from trustfabric.gate.exemptions import load_exemptions

LEDGER_URN = "urn:pulumi:test::foreign::aws:kms/key:Key::ledger-key"


@pytest.mark.parametrize("resource", ["ledger-key", LEDGER_URN])
def test_live_exemption_moves_the_finding_to_exempted(run_check, resource):
    result = run_check(SEEDED_PROGRAM, "--format", "json", exemptions=[exemption_entry(resource=resource)])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["violations"] == []
    [exempted] = document["exempted"]
    assert exempted["resource"]["urn"] == LEDGER_URN
    assert exempted["extra"]["exemption"] == {**exemption_entry(resource=resource)}
    assert document["summary"]["exempted"] == 1


def test_exempted_findings_are_shown_in_text(run_check):
    result = run_check(SEEDED_PROGRAM, exemptions=[exemption_entry()])
    assert result.exit_code == 0
    assert "EXEMPTED (1, not counted)" in result.stdout
    assert (
        "      exempted: Imported key material cannot rotate; replaced in TF-123. "
        f"(approved by security@example.com, expires {LIVE_UNTIL})"
    ) in result.stdout
    assert result.stdout.splitlines()[-1] == "0 mandatory, 0 advisory violations in 0 resources (1 exempted)"


def test_expired_exemption_is_a_mandatory_finding(run_check):
    result = run_check(SEEDED_PROGRAM, "--format", "json", exemptions=[exemption_entry(expires="2024-01-31")])
    assert result.exit_code == 1
    violations = json.loads(result.stdout)["violations"]
    assert sorted(v["message"] for v in violations) == [
        "KMS key 'ledger-key' does not rotate its key material; set enable_key_rotation=True.",
        f"exemption for {KMS_POLICY} on ledger-key expired on 2024-01-31 (approved by security@example.com)",
    ]
    assert all(v["enforcement"] == "mandatory" and v["resource"]["urn"] == LEDGER_URN for v in violations)


def test_an_exemption_applies_through_its_expiry_day(program, tmp_path, exemptions_file):
    directory = program(SEEDED_PROGRAM)
    path = exemptions_file([exemption_entry(expires="2030-06-30")])
    kms = [kms_policy()]
    on_the_day = run_gate(directory, "test", exemptions_file=path, policies=kms, today=dt.date(2030, 6, 30))
    assert (on_the_day.exit_code, len(on_the_day.exempted)) == (0, 1)
    next_day = run_gate(directory, "test", exemptions_file=path, policies=kms, today=dt.date(2030, 7, 1))
    assert (next_day.exit_code, len(next_day.exempted)) == (1, 0)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{k: v for k, v in exemption_entry().items() if k != "approver"}], "exemptions[0].approver: required"),
        ([exemption_entry(), exemption_entry(reason="  ")], "exemptions[1].reason: required"),
        ([exemption_entry(expires="next year")], "exemptions[0].expires: 'next year' is not a date (YYYY-MM-DD)"),
        ([exemption_entry(policy="no-such-policy")], "exemptions[0].policy: unknown policy 'no-such-policy'"),
        (
            [exemption_entry(expiry="2030-01-01")],
            "exemptions[0].expiry: unknown key; allowed: policy, resource, reason, approver, expires",
        ),
        (
            ["ledger-key"],
            "exemptions[0]: expected a mapping with policy, resource, reason, approver, expires",
        ),
    ],
)
def test_malformed_exemptions_are_a_one_line_exit_2(program, exemptions_file, cli, entries, message):
    path = exemptions_file(entries)
    result = cli("--stack", "test", "--program", program(SEEDED_PROGRAM), "--exemptions", path, "--format", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {path}: {message}\n"


def test_exemption_files_may_be_a_bare_list_or_empty(tmp_path):
    bare = tmp_path / "bare.yaml"
    bare.write_text(f"- policy: {KMS_POLICY}\n  resource: k\n  reason: r\n  approver: a\n  expires: 2030-01-01\n")
    [exemption] = load_exemptions(bare, known_policies={KMS_POLICY}, today=dt.date(2029, 12, 1))
    assert exemption.expires == dt.date(2030, 1, 1)
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n")
    assert load_exemptions(empty) == []
    with pytest.raises(TrustFabricError, match=r"missing\.yaml: cannot read"):
        load_exemptions(tmp_path / "missing.yaml")


def test_the_repository_exemptions_file_is_valid():
    exemptions = load_exemptions(DEFAULT_EXEMPTIONS, known_policies={p.name for p in pack_policies()})
    assert all(e.reason and e.approver for e in exemptions)
