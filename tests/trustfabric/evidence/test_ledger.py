"""The evidence ledger: append-only, hash-chained, signed; every kind of tampering named by entry; the CLI."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trustfabric.evidence.conftest import write_key, write_public_key
from tests.trustfabric.helpers import invoke
from trustfabric.errors import TrustFabricError
from trustfabric.evidence.ledger import ControlRecord, LedgerRun, append_run, read_entries, verify_ledger
from trustfabric.evidence.signing import fingerprint as key_fingerprint
from trustfabric.evidence.signing import load_private_key, load_public_key

KEY = Ed25519PrivateKey.generate()


def run(number: int, result: str = "pass", stack: str = "prod") -> LedgerRun:
    return LedgerRun(
        run_id=f"run-{number:03d}",
        time=f"2026-{1 + (number - 1) // 28:02d}-{1 + (number - 1) % 28:02d}T06:00:00Z",
        commit=f"{number:040x}",
        stack=stack,
        controls={
            "SOC2 CC6.1": ControlRecord(result, {"gate.json": f"{number:064x}"}),
            "SOC2 A1.3": ControlRecord("manual", {}),
        },
        package=f"evidence/{stack}-{number:03d}",
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    directory = tmp_path / "ledger"
    for number in range(1, 6):
        append_run(directory, run(number), KEY)
    return directory


def test_a_clean_ledger_verifies_and_chains_every_entry(ledger: Path) -> None:
    assert verify_ledger(ledger, KEY.public_key()) == []
    entries = read_entries(ledger)
    assert [entry.sequence for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0].body["previous"] == "0" * 64
    assert all(later.body["previous"] == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert entries[2].body["controls"]["SOC2 CC6.1"] == {"result": "pass", "evidence": {"gate.json": f"{3:064x}"}}


def _edit(path: Path, change) -> None:
    document = json.loads(path.read_text())
    change(document["entry"])
    path.write_text(json.dumps(document))


def test_editing_a_past_entry_names_it(ledger: Path) -> None:
    _edit(ledger / "entries" / "000003.json", lambda body: body["controls"]["SOC2 CC6.1"].update(result="fail"))
    assert verify_ledger(ledger, KEY.public_key()) == [
        "entry 000003: edited (its signature does not verify with the given key)"
    ]


def test_deleting_a_past_entry_names_it(ledger: Path) -> None:
    (ledger / "entries" / "000002.json").unlink()
    assert verify_ledger(ledger, KEY.public_key()) == ["entry 000002: missing (the chain jumps from 000001 to 000003)"]


def test_deleting_the_newest_entry_names_it_from_the_signed_head(ledger: Path) -> None:
    (ledger / "entries" / "000005.json").unlink()
    assert verify_ledger(ledger, KEY.public_key()) == [
        "entry 000005: missing (the signed head names 5 entries, 4 present)"
    ]


def test_reordering_two_entries_names_them(ledger: Path) -> None:
    third, fourth = ledger / "entries" / "000003.json", ledger / "entries" / "000004.json"
    swap = third.read_text()
    third.write_text(fourth.read_text())
    fourth.write_text(swap)
    assert verify_ledger(ledger, KEY.public_key()) == ["entry 000003: reordered (swapped with entry 000004)"]


def test_re_signing_with_another_key_is_named(ledger: Path, tmp_path: Path) -> None:
    forged = tmp_path / "forged"
    intruder = Ed25519PrivateKey.generate()
    for entry in read_entries(ledger):
        body = dict(entry.body)
        if entry.sequence == 2:
            body["controls"] = {**body["controls"], "SOC2 CC6.1": {"result": "pass", "evidence": {}}}
        append_run(
            forged,
            LedgerRun(
                body["run_id"],
                body["time"],
                body["commit"],
                body["stack"],
                {key: ControlRecord(value["result"], value["evidence"]) for key, value in body["controls"].items()},
                body["package"],
            ),
            intruder,
        )
    assert verify_ledger(forged, KEY.public_key()) == [
        f"ledger: re-signed with another key ({key_fingerprint(intruder.public_key())} signs it, "
        f"not the given key {key_fingerprint(KEY.public_key())})"
    ]


def test_append_refuses_a_broken_ledger_and_another_key(ledger: Path) -> None:
    (ledger / "entries" / "000002.json").unlink()
    with pytest.raises(TrustFabricError, match="not appending to a ledger that fails verification: entry 000002"):
        append_run(ledger, run(6), KEY)
    clean = ledger.parent / "clean"
    append_run(clean, run(1), KEY)
    with pytest.raises(TrustFabricError, match="re-signed with another key"):
        append_run(clean, run(2), Ed25519PrivateKey.generate())


def test_the_package_run_is_recorded_with_its_evidence_hashes(dev_package, tmp_path: Path) -> None:
    directory = tmp_path / "ledger"
    key, _ = load_private_key(dev_package.key_file)
    body = append_run(directory, dev_package.out, key)
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    matrix = json.loads((dev_package.out / "control-matrix.json").read_text())
    assert body["stack"] == "dev" and body["time"] == manifest["generated_at"]
    assert body["commit"] == manifest["git"]["commit"]
    assert set(body["controls"]) == {row["control"] for row in matrix["controls"]}
    cc61 = body["controls"]["SOC2 CC6.1"]
    assert cc61["result"] == next(r["status"] for r in matrix["controls"] if r["control"] == "SOC2 CC6.1")
    assert cc61["evidence"]["gate.json"] == manifest["files"]["gate.json"]
    assert "control-matrix.json#SOC2 CC6.1" in cc61["evidence"]


def test_ledger_cli_appends_verifies_and_names_tampering(dev_package, tmp_path: Path) -> None:
    directory = tmp_path / "ledger"
    appended = invoke(
        "evidence", "ledger", "append", dev_package.out, "--ledger", directory, "--signing-key", dev_package.key_file
    )
    assert appended.exit_code == 0, appended.stderr
    assert appended.stdout.startswith("appended entry 000001 (run ")
    again = invoke(
        "evidence", "ledger", "append", dev_package.out, "--ledger", directory, "--signing-key", dev_package.key_file
    )
    assert again.exit_code == 0, again.stderr
    valid = invoke("evidence", "ledger", "verify", directory, "--public-key", dev_package.public_key)
    assert valid.exit_code == 0 and valid.stdout.startswith("valid: 2 entries chained and signed; head ")
    copy = tmp_path / "tampered"
    shutil.copytree(directory, copy)
    (copy / "entries" / "000001.json").unlink()
    tampered = invoke("evidence", "ledger", "verify", copy, "--public-key", dev_package.public_key)
    assert (tampered.exit_code, tampered.stdout) == (
        1,
        "entry 000001: missing (the chain starts at 000002)\n",
    )
    other = write_public_key(tmp_path / "other.pub", write_key(tmp_path / "other.pem"))
    wrong = invoke("evidence", "ledger", "verify", directory, "--public-key", other)
    assert wrong.exit_code == 1 and wrong.stdout.startswith("ledger: re-signed with another key (")


def test_ledger_append_needs_a_lasting_key(dev_package, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTFABRIC_EVIDENCE_KEY", raising=False)
    result = invoke("evidence", "ledger", "append", dev_package.out, "--ledger", tmp_path / "ledger")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --signing-key: required (or TRUSTFABRIC_EVIDENCE_KEY): the ledger needs a lasting key\n",
    )


def test_the_build_appends_its_run_and_verify_checks_package_and_ledger(dev_package, tmp_path: Path) -> None:
    assert dev_package.result.stdout.splitlines()[-1].startswith(f"ledger {dev_package.ledger}: appended entry 000001")
    both = invoke(
        "evidence", "verify", dev_package.out, "--ledger", dev_package.ledger, "--public-key", dev_package.public_key
    )
    assert both.exit_code == 0, both.stdout + both.stderr
    assert both.stdout.splitlines()[0] == f"valid: ledger {dev_package.ledger}: 1 entries chained and signed"
    assert both.stdout.splitlines()[1].startswith("valid: ")
    copy = tmp_path / "ledger"
    shutil.copytree(dev_package.ledger, copy)
    _edit(copy / "entries" / "000001.json", lambda entry: entry.update(stack="prod"))
    tampered = invoke("evidence", "verify", dev_package.out, "--ledger", copy, "--public-key", dev_package.public_key)
    assert tampered.exit_code == 1
    assert tampered.stdout.startswith("entry 000001: edited")


def test_verify_ledger_alone_with_a_pinned_fingerprint(dev_package, tmp_path: Path) -> None:
    pinned = key_fingerprint(load_public_key(dev_package.public_key))
    valid = invoke("evidence", "verify", "--ledger", dev_package.ledger, "--key-fingerprint", pinned)
    assert (valid.exit_code, valid.stdout) == (0, f"valid: ledger {dev_package.ledger}: 1 entries chained and signed\n")
    other = key_fingerprint(write_key(tmp_path / "other.pem").public_key())
    wrong = invoke("evidence", "verify", "--ledger", dev_package.ledger, "--key-fingerprint", other)
    assert (wrong.exit_code, wrong.stdout) == (1, f"ledger: signed with key {pinned}, not the pinned {other}\n")


def test_build_with_a_ledger_needs_a_lasting_key_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRUSTFABRIC_EVIDENCE_KEY", raising=False)
    result = invoke("evidence", "--stack", "dev", "--out", tmp_path / "out", "--ledger", tmp_path / "ledger")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: --ledger: needs a lasting key (--kms-key-id ARN, --signing-key FILE or TRUSTFABRIC_EVIDENCE_KEY), "
        "not an ephemeral one\n"
    )
    assert not (tmp_path / "out").exists()


def test_verify_needs_a_package_or_a_ledger(dev_package) -> None:
    result = invoke("evidence", "verify", "--public-key", dev_package.public_key)
    assert (result.exit_code, result.stderr) == (
        2,
        "error: verify: give an evidence package DIR, --ledger DIR, or both\n",
    )
