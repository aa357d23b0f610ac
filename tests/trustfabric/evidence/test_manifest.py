"""The signed manifest: `trustfabric evidence verify` detects every change, names it, and uses exit codes 0/1/2."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from tests.trustfabric.evidence.conftest import DevPackage, write_key, write_public_key
from tests.trustfabric.helpers import invoke, pack_policies
from trustfabric.evidence.manifest import KEY_ENV, canonical_bytes, load_public_key, sha256_file

SIGNATURE_LINE = "signature: does not verify with the given public key (manifest.json changed or wrong key)\n"


def test_untouched_package_verifies(dev_package: DevPackage) -> None:
    result = invoke("evidence", "verify", dev_package.out, "--public-key", dev_package.public_key)
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    assert result.exit_code == 0
    assert result.stdout == (
        f"valid: {len(manifest['files'])} files match the signed manifest "
        f"(stack dev, commit {manifest['git']['commit']})\n"
    )


def test_manifest_hashes_every_file_but_itself_and_the_signature(dev_package: DevPackage) -> None:
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    on_disk = {p.relative_to(dev_package.out).as_posix() for p in dev_package.out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json", "manifest.sig"}
    for name, digest in manifest["files"].items():
        assert sha256_file(dev_package.out / name) == digest


def test_signature_covers_the_canonical_manifest(dev_package: DevPackage) -> None:
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    signature = base64.b64decode((dev_package.out / "manifest.sig").read_text())
    load_public_key(dev_package.public_key).verify(signature, canonical_bytes(manifest))  # raises if invalid
    assert manifest["signature"]["algorithm"] == "Ed25519"
    assert manifest["key"] == "file"
    assert (dev_package.out / "signing-key.pub").read_bytes() == dev_package.public_key.read_bytes()


def test_manifest_records_the_run(dev_package: DevPackage, repo_root: Path) -> None:
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_root, capture_output=True, text=True)
    expected_commit = head.stdout.strip() if head.returncode == 0 else "unknown"
    assert manifest["git"]["commit"] == expected_commit
    assert manifest["stack"] == "dev"
    assert manifest["pack_version"] == "0.1.0"
    assert manifest["generated_at"].endswith("Z")
    assert {"compliance-trestle", "cyclonedx-bom", "cryptography", "pulumi", "python"} <= set(manifest["tools"])
    assert manifest["oscal_version"].startswith("1.")


@pytest.mark.parametrize("name", ["gate.json", "control-matrix.md", "sbom.cdx.json", "signing-key.pub"])
def test_a_changed_file_is_named(package_copy: Path, dev_package: DevPackage, name: str) -> None:
    path = package_copy / name
    path.write_bytes(path.read_bytes() + b" ")
    result = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert result.exit_code == 1
    assert result.stdout == f"changed: {name} (sha256 mismatch)\n"


def test_a_deleted_file_is_named(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "policies.md").unlink()
    result = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert (result.exit_code, result.stdout) == (1, "missing: policies.md\n")


def test_an_added_file_is_named(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "notes").mkdir()
    (package_copy / "notes" / "later.txt").write_text("added after signing")
    result = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert (result.exit_code, result.stdout) == (1, "extra: notes/later.txt (not in the manifest)\n")


def test_every_problem_gets_a_line(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "gate.sarif").write_text("{}")
    (package_copy / "control-matrix.html").unlink()
    (package_copy / "extra.json").write_text("{}")
    result = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "missing: control-matrix.html",
        "changed: gate.sarif (sha256 mismatch)",
        "extra: extra.json (not in the manifest)",
    ]


def test_an_altered_signature_fails(package_copy: Path, dev_package: DevPackage) -> None:
    signature = bytearray(base64.b64decode((package_copy / "manifest.sig").read_text()))
    signature[0] ^= 0x01
    (package_copy / "manifest.sig").write_text(base64.b64encode(bytes(signature)).decode() + "\n")
    result = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert (result.exit_code, result.stdout) == (1, SIGNATURE_LINE)


def test_a_missing_or_garbled_signature_fails(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "manifest.sig").write_text("not base64 !!\n")
    garbled = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    (package_copy / "manifest.sig").unlink()
    missing = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert (garbled.exit_code, garbled.stdout) == (1, "signature: manifest.sig is not valid base64\n")
    assert (missing.exit_code, missing.stdout) == (1, "signature: manifest.sig is missing\n")


def test_a_rehashed_manifest_without_the_key_fails(package_copy: Path, dev_package: DevPackage) -> None:
    """An attacker who changes a file and updates its hash in the manifest cannot re-sign it."""
    (package_copy / "gate.json").write_text('{"violations": []}\n')
    manifest = json.loads((package_copy / "manifest.json").read_text())
    manifest["files"]["gate.json"] = sha256_file(package_copy / "gate.json")
    (package_copy / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    result = invoke("evidence", "verify", package_copy, "--public-key", dev_package.public_key)
    assert (result.exit_code, result.stdout) == (1, SIGNATURE_LINE)


def test_a_wrong_public_key_fails(dev_package: DevPackage, tmp_path: Path) -> None:
    other = write_public_key(tmp_path / "other.pub", write_key(tmp_path / "other.pem"))
    result = invoke("evidence", "verify", dev_package.out, "--public-key", other)
    assert (result.exit_code, result.stdout) == (1, SIGNATURE_LINE)


def test_bad_input_is_exit_2(dev_package: DevPackage, tmp_path: Path) -> None:
    not_a_key = tmp_path / "key.pub"
    not_a_key.write_text("hello")
    private = tmp_path / "private.pem"
    write_key(private)
    bad_key = invoke("evidence", "verify", dev_package.out, "--public-key", not_a_key)
    private_key = invoke("evidence", "verify", dev_package.out, "--public-key", private)
    not_package = invoke("evidence", "verify", tmp_path, "--public-key", dev_package.public_key)
    assert bad_key.exit_code == 2
    assert bad_key.stderr.startswith(f"error: --public-key: {not_a_key}: not a PEM public key")
    assert private_key.exit_code == 2
    assert private_key.stderr.startswith(f"error: --public-key: {private}: not a PEM public key")
    assert (not_package.exit_code, not_package.stderr) == (
        2,
        f"error: {tmp_path}: no manifest.json; not an evidence package\n",
    )


def test_signing_key_from_env_and_ephemeral(tmp_path: Path, sbom_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.trustfabric.helpers import CLEAN_PROGRAM, write_program
    from trustfabric.evidence.package import Inputs, build_package

    program = write_program(tmp_path, CLEAN_PROGRAM)
    inputs = Inputs(reports_dir=tmp_path / "reports", sbom_file=sbom_file)
    key_file = tmp_path / "env.pem"
    key = write_key(key_file)
    monkeypatch.setenv(KEY_ENV, str(key_file))
    from_env = build_package("test", tmp_path / "env", program_dir=program, inputs=inputs, policies=pack_policies())
    monkeypatch.delenv(KEY_ENV)
    ephemeral = build_package(
        "test", tmp_path / "ephemeral", program_dir=program, inputs=inputs, policies=pack_policies()
    )
    assert from_env["key"] == "env"
    assert ephemeral["key"] == "ephemeral"
    env_public = write_public_key(tmp_path / "env.pub", key)
    assert invoke("evidence", "verify", tmp_path / "env", "--public-key", env_public).exit_code == 0
    ephemeral_public = tmp_path / "ephemeral" / "signing-key.pub"
    assert invoke("evidence", "verify", tmp_path / "ephemeral", "--public-key", ephemeral_public).exit_code == 0
