"""The evidence ledger signed with an asymmetric KMS key (kms:Sign, against moto's KMS), verified offline with the
key's exported public half: after the KMS mock is gone and with no AWS credentials at all."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tests.trustfabric.evidence.test_ledger import run
from tests.trustfabric.helpers import CLEAN_PROGRAM, invoke, write_isolated_config, write_program
from trustfabric.evidence.kms import KmsSigner
from trustfabric.evidence.ledger import LEDGER_LABEL, append_run, read_entries, read_head, verify_ledger
from trustfabric.evidence.signing import fingerprint, load_public_key

REGION = "eu-west-2"
AWS_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_SESSION_TOKEN", "testing"),
        ("AWS_DEFAULT_REGION", REGION),
    ):
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.client("kms", region_name=REGION)


def _key(kms: object, spec: str = "ECC_NIST_P256") -> str:
    return str(kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec=spec)["KeyMetadata"]["Arn"])  # type: ignore[attr-defined]


def _no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.mark.parametrize(
    ("spec", "algorithm"), [("ECC_NIST_P256", "ECDSA_SHA_256"), ("RSA_2048", "RSASSA_PSS_SHA_256")]
)
def test_a_kms_signed_ledger_verifies_offline_after_aws_is_gone(
    spec: str, algorithm: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, saved = tmp_path / "ledger", tmp_path / "auditor" / "evidence-signing.pub"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (("AWS_ACCESS_KEY_ID", "t"), ("AWS_SECRET_ACCESS_KEY", "t"), ("AWS_DEFAULT_REGION", REGION)):
            patch.setenv(name, value)
        with mock_aws():
            key_id = _key(boto3.client("kms", region_name=REGION), spec)
            signer = KmsSigner.open(key_id)
            for number in range(1, 4):
                append_run(ledger, run(number), signer)
            exported = invoke("evidence", "public-key", "--kms-key-id", key_id, "--out", saved)
            assert exported.exit_code == 0, exported.stderr
    _no_aws(monkeypatch)
    head = read_head(ledger)
    assert head is not None
    assert (head["algorithm"], head["kms_key_id"], head["entries"]) == (algorithm, key_id, 3)
    assert head["public_key_fingerprint"] == fingerprint(load_public_key(saved))
    assert verify_ledger(ledger, load_public_key(saved)) == []
    result = invoke("evidence", "verify", "--ledger", ledger, "--public-key", saved)
    assert (result.exit_code, result.stdout) == (0, f"valid: ledger {ledger}: 3 entries chained and signed\n")
    pinned = invoke("evidence", "verify", "--ledger", ledger, "--key-fingerprint", head["public_key_fingerprint"])
    assert pinned.exit_code == 0, pinned.stdout + pinned.stderr
    history = invoke("evidence", "ledger", "verify", ledger, "--public-key", saved)
    assert history.exit_code == 0 and history.stdout.startswith("valid: 3 entries chained and signed; head ")


def test_the_kms_key_signs_the_labelled_digest_not_the_whole_entry(aws: object, tmp_path: Path) -> None:
    """kms:Sign takes at most 4096 bytes RAW: an entry of 129 controls is larger, so the statement is signed."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key_id = _key(aws)
    ledger = tmp_path / "ledger"
    append_run(ledger, run(1), KmsSigner.open(key_id))
    entry = read_entries(ledger)[0]
    import base64
    import hashlib

    from trustfabric.evidence.signing import canonical_bytes

    public = KmsSigner.open(key_id).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    statement = LEDGER_LABEL + hashlib.sha256(canonical_bytes(entry.body)).hexdigest().encode()
    public.verify(base64.b64decode(entry.signature), statement, ec.ECDSA(hashes.SHA256()))  # raises when not


def test_tampering_with_a_kms_signed_ledger_is_named(aws: object, tmp_path: Path) -> None:
    key_id = _key(aws)
    signer = KmsSigner.open(key_id)
    ledger = tmp_path / "ledger"
    for number in range(1, 5):
        append_run(ledger, run(number), signer)
    edited = tmp_path / "edited"
    shutil.copytree(ledger, edited)
    path = edited / "entries" / "000002.json"
    document = json.loads(path.read_text())
    document["entry"]["controls"]["SOC2 CC6.1"]["result"] = "fail"
    path.write_text(json.dumps(document))
    assert verify_ledger(edited, signer.public_key()) == [
        "entry 000002: edited (its signature does not verify with the given key)"
    ]
    intruder = KmsSigner.open(_key(aws))
    forged = tmp_path / "forged"
    for number in range(1, 5):
        append_run(forged, run(number), intruder)
    assert verify_ledger(forged, signer.public_key()) == [
        f"ledger: re-signed with another key ({fingerprint(intruder.public_key())} signs it, "
        f"not the given key {fingerprint(signer.public_key())})"
    ]
    through_kms = invoke("evidence", "verify", "--ledger", forged, "--kms-key-id", key_id)
    assert through_kms.exit_code == 1 and through_kms.stdout.startswith("ledger: re-signed with another key (")


def test_the_build_signs_package_and_ledger_with_the_kms_key(aws: object, tmp_path: Path) -> None:
    key_id = _key(aws)
    program = write_program(tmp_path / "src", CLEAN_PROGRAM)
    config = write_isolated_config(tmp_path / "policy.yaml")
    ledger = tmp_path / "ledger"
    for number in (1, 2):
        result = invoke(
            "evidence",
            "--stack",
            "test",
            "--program",
            program,
            "--policy-config",
            config,
            "--reports",
            tmp_path / "reports",
            "--out",
            tmp_path / f"package-{number}",
            "--kms-key-id",
            key_id,
            "--ledger",
            ledger,
        )
        assert result.exit_code == 0, result.stdout + result.stderr
        assert result.stdout.splitlines()[-1].startswith(f"ledger {ledger}: appended entry {number:06d} (run ")
    both = invoke("evidence", "verify", tmp_path / "package-2", "--ledger", ledger, "--kms-key-id", key_id)
    assert both.exit_code == 0, both.stdout + both.stderr
    assert both.stdout.splitlines()[0] == f"valid: ledger {ledger}: 2 entries chained and signed"
    assert [entry.body["package"] for entry in read_entries(ledger)] == ["package-1", "package-2"]
    appended = invoke(
        "evidence", "ledger", "append", tmp_path / "package-1", "--ledger", ledger, "--kms-key-id", key_id
    )
    assert appended.exit_code == 0, appended.stderr
    assert appended.stdout.startswith("appended entry 000003 (run ")


def test_a_local_key_cannot_extend_a_kms_signed_ledger(aws: object, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trustfabric.errors import TrustFabricError

    ledger = tmp_path / "ledger"
    append_run(ledger, run(1), KmsSigner.open(_key(aws)))
    with pytest.raises(TrustFabricError, match="not appending to a ledger that fails verification: ledger: re-signed"):
        append_run(ledger, run(2), Ed25519PrivateKey.generate())


def test_build_with_a_ledger_and_both_keys_is_bad_input(aws: object, tmp_path: Path) -> None:
    result = invoke(
        "evidence",
        "--stack",
        "test",
        "--out",
        tmp_path / "out",
        "--signing-key",
        tmp_path / "k.pem",
        "--kms-key-id",
        _key(aws),
        "--ledger",
        tmp_path / "ledger",
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "error: evidence: --signing-key and --kms-key-id exclude each other; choose one\n",
    )
    assert not (tmp_path / "out").exists()
