"""Signing the manifest with an asymmetric KMS key, verified through KMS `Verify` and offline with the public key
from `GetPublicKey`: against moto's KMS (real sign and verify with the key material moto generates)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tests.trustfabric.helpers import CLEAN_PROGRAM, invoke, pack_policies, write_isolated_config, write_program
from trustfabric.evidence.package import Inputs, build_package
from trustfabric.evidence.signing import fingerprint, load_public_key

REGION = "eu-west-2"


@pytest.fixture(scope="module")
def kms() -> Iterator[object]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_SESSION_TOKEN", "testing"),
            ("AWS_DEFAULT_REGION", REGION),
        ):
            patch.setenv(name, value)
        with mock_aws():
            yield boto3.client("kms", region_name=REGION)


def _key(kms: object, spec: str = "ECC_NIST_P256", usage: str = "SIGN_VERIFY") -> str:
    return str(kms.create_key(KeyUsage=usage, KeySpec=spec)["KeyMetadata"]["Arn"])  # type: ignore[attr-defined]


def _package(root: Path, key_id: str) -> Path:
    program = write_program(root / "src", CLEAN_PROGRAM)
    out = root / "package"
    build_package(
        "test",
        out,
        program_dir=program,
        kms_key_id=key_id,
        policy_config_file=write_isolated_config(root / "policy.yaml"),
        inputs=Inputs(reports_dir=root / "reports"),
        policies=pack_policies(),
    )
    return out


@pytest.fixture(scope="module")
def signed(kms: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    key_id = _key(kms)
    return key_id, _package(tmp_path_factory.mktemp("kms"), key_id)


def test_the_manifest_names_the_kms_key_and_algorithm(signed: tuple[str, Path]) -> None:
    key_id, out = signed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["key"] == "kms"
    assert manifest["signature"]["algorithm"] == "ECDSA_SHA_256"
    assert manifest["signature"]["kms_key_id"] == key_id
    assert manifest["signature"]["public_key_fingerprint"] == fingerprint(load_public_key(out / "signing-key.pub"))


def test_verify_through_kms(signed: tuple[str, Path]) -> None:
    key_id, out = signed
    result = invoke("evidence", "verify", out, "--kms-key-id", key_id)
    pinned = json.loads((out / "manifest.json").read_text())["signature"]["public_key_fingerprint"]
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("valid: ")
    assert result.stderr == f"verify: trusting key {pinned} (--kms-key-id {key_id})\n"


def test_verify_offline_with_the_saved_public_key(signed: tuple[str, Path], tmp_path: Path) -> None:
    key_id, out = signed
    saved = tmp_path / "auditor" / "evidence-signing.pub"
    written = invoke("evidence", "public-key", "--kms-key-id", key_id, "--out", saved)
    key_fingerprint = fingerprint(load_public_key(saved))
    assert (written.exit_code, written.stdout) == (
        0,
        f"wrote {saved}: public key of {key_id}, fingerprint {key_fingerprint}\n",
    )
    offline = invoke("evidence", "verify", out, "--public-key", saved)
    assert (offline.exit_code, offline.stderr) == (
        0,
        f"verify: trusting key {key_fingerprint} (--public-key {saved})\n",
    )


def test_an_edited_manifest_fails_through_kms_and_offline(signed: tuple[str, Path], tmp_path: Path) -> None:
    import shutil

    key_id, out = signed
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["stack"] = "prod"
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    through_kms = invoke("evidence", "verify", copy, "--kms-key-id", key_id)
    saved = tmp_path / "kms.pub"
    invoke("evidence", "public-key", "--kms-key-id", key_id, "--out", saved)
    offline = invoke("evidence", "verify", copy, "--public-key", saved)
    assert (through_kms.exit_code, through_kms.stdout) == (
        1,
        f"signature: KMS reports it invalid for {key_id} (manifest.json changed or another key)\n",
    )
    assert (offline.exit_code, offline.stdout) == (
        1,
        "signature: does not verify with the trusted key (manifest.json changed or another key)\n",
    )


def test_another_kms_key_does_not_verify(signed: tuple[str, Path], kms: object) -> None:
    _, out = signed
    other = _key(kms)
    result = invoke("evidence", "verify", out, "--kms-key-id", other)
    assert (result.exit_code, result.stdout) == (
        1,
        f"signature: KMS reports it invalid for {other} (manifest.json changed or another key)\n",
    )


def test_an_rsa_key_signs_with_pss(kms: object, tmp_path: Path) -> None:
    key_id = _key(kms, "RSA_2048")
    out = _package(tmp_path, key_id)
    assert json.loads((out / "manifest.json").read_text())["signature"]["algorithm"] == "RSASSA_PSS_SHA_256"
    saved = tmp_path / "rsa.pub"
    invoke("evidence", "public-key", "--kms-key-id", key_id, "--out", saved)
    assert invoke("evidence", "verify", out, "--kms-key-id", key_id).exit_code == 0
    assert invoke("evidence", "verify", out, "--public-key", saved).exit_code == 0


def test_a_symmetric_key_is_bad_input(kms: object, tmp_path: Path) -> None:
    key_id = _key(kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    result = invoke("evidence", "--stack", "test", "--out", tmp_path / "out", "--kms-key-id", key_id)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: --kms-key-id: {key_id}: key usage is ENCRYPT_DECRYPT; allowed: SIGN_VERIFY\n",
    )


def test_an_unknown_key_is_bad_input(kms: object, tmp_path: Path) -> None:
    key_id = f"arn:aws:kms:{REGION}:123456789012:key/00000000-0000-0000-0000-000000000000"
    result = invoke("evidence", "verify", tmp_path, "--kms-key-id", key_id)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --kms-key-id: {key_id}: kms:GetPublicKey failed: NotFoundException: ")
    assert result.stderr.count("\n") == 1


def test_a_local_key_and_a_kms_key_exclude_each_other(kms: object, tmp_path: Path) -> None:
    result = invoke(
        "evidence",
        "--stack",
        "test",
        "--out",
        tmp_path / "out",
        "--signing-key",
        tmp_path / "k.pem",
        "--kms-key-id",
        "x",
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "error: evidence: --signing-key and --kms-key-id exclude each other; choose one\n",
    )
