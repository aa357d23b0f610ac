"""The signed manifest: `trustfabric evidence verify` trusts only a key from outside the package, detects every
tampering, names it, and uses exit codes 0/1/2."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trustfabric.evidence.conftest import DevPackage, write_key, write_public_key
from tests.trustfabric.helpers import invoke, pack_policies
from trustfabric.evidence.manifest import sha256_file, sign_package
from trustfabric.evidence.signing import (
    KEY_ENV,
    Ed25519Signer,
    fingerprint,
    load_public_key,
    load_signer,
    signature_valid,
    signed_message,
)

SIGNATURE_LINE = "signature: does not verify with the trusted key (manifest.json changed or another key)\n"


def _verify(package: Path, dev_package: DevPackage, *extra: str | Path) -> tuple[int, str, str]:
    result = invoke("evidence", "verify", package, *(extra or ("--public-key", dev_package.public_key)))
    return result.exit_code, result.stdout, result.stderr


def _fingerprint(dev_package: DevPackage) -> str:
    return fingerprint(load_public_key(dev_package.public_key))


def test_untouched_package_verifies_and_names_the_trusted_key(dev_package: DevPackage) -> None:
    code, stdout, stderr = _verify(dev_package.out, dev_package)
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    assert code == 0
    assert stdout == (
        f"valid: {len(manifest['files'])} files match the signed manifest "
        f"(stack dev, commit {manifest['git']['commit']})\n"
    )
    assert stderr == f"verify: trusting key {_fingerprint(dev_package)} (--public-key {dev_package.public_key})\n"


def test_a_pinned_fingerprint_replaces_the_key_file(dev_package: DevPackage) -> None:
    pinned = _fingerprint(dev_package)
    code, stdout, stderr = _verify(dev_package.out, dev_package, "--key-fingerprint", pinned)
    assert (code, stdout.startswith("valid: ")) == (0, True)
    assert stderr == f"verify: trusting key {pinned} (--key-fingerprint)\n"


def test_the_build_prints_the_fingerprint_to_pin(dev_package: DevPackage) -> None:
    assert f"(file key {_fingerprint(dev_package)})" in dev_package.result.stdout


def test_manifest_hashes_every_file_but_itself_and_the_signature(dev_package: DevPackage) -> None:
    manifest = json.loads((dev_package.out / "manifest.json").read_text())
    on_disk = {p.relative_to(dev_package.out).as_posix() for p in dev_package.out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json", "manifest.sig"}
    for name, digest in manifest["files"].items():
        assert sha256_file(dev_package.out / name) == digest


def test_signature_covers_the_manifest_bytes(dev_package: DevPackage) -> None:
    data = (dev_package.out / "manifest.json").read_bytes()
    signature = base64.b64decode((dev_package.out / "manifest.sig").read_text())
    statement = b"trust-fabric evidence manifest v2 sha256:" + hashlib.sha256(data).hexdigest().encode()
    assert signature_valid(load_public_key(dev_package.public_key), signature, statement)
    manifest = json.loads(data)
    assert manifest["signature"]["algorithm"] == "Ed25519"
    assert manifest["signature"]["public_key_fingerprint"] == _fingerprint(dev_package)
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
    assert {"compliance-trestle", "cyclonedx-python-lib", "cryptography", "pulumi", "python"} <= set(manifest["tools"])
    assert manifest["oscal_version"].startswith("1.")


# ------------------------------------------------------------------------------------------------------------
# Tampering: every case fails with exit 1 and names what is wrong


@pytest.mark.parametrize("name", ["gate.json", "control-matrix.md", "sbom.cdx.json", "signing-key.pub"])
def test_a_changed_file_is_named(package_copy: Path, dev_package: DevPackage, name: str) -> None:
    path = package_copy / name
    path.write_bytes(path.read_bytes() + b" ")
    assert _verify(package_copy, dev_package)[:2] == (1, f"changed: {name} (sha256 mismatch)\n")


def test_a_removed_file_is_named(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "policies.md").unlink()
    assert _verify(package_copy, dev_package)[:2] == (1, "missing: policies.md\n")


def test_an_added_file_is_named(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "notes").mkdir()
    (package_copy / "notes" / "later.txt").write_text("added after signing")
    assert _verify(package_copy, dev_package)[:2] == (1, "extra: notes/later.txt (not in the manifest)\n")


def test_every_problem_gets_a_line(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "gate.sarif").write_text("{}")
    (package_copy / "control-matrix.html").unlink()
    (package_copy / "extra.json").write_text("{}")
    code, stdout, _ = _verify(package_copy, dev_package)
    assert code == 1
    assert stdout.splitlines() == [
        "missing: control-matrix.html",
        "changed: gate.sarif (sha256 mismatch)",
        "extra: extra.json (not in the manifest)",
    ]


def test_an_edited_manifest_fails_the_signature(package_copy: Path, dev_package: DevPackage) -> None:
    """An attacker who changes a file and updates its hash in the manifest cannot re-sign with the trusted key."""
    (package_copy / "gate.json").write_text('{"violations": []}\n')
    manifest = json.loads((package_copy / "manifest.json").read_text())
    manifest["files"]["gate.json"] = sha256_file(package_copy / "gate.json")
    (package_copy / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    assert _verify(package_copy, dev_package)[:2] == (1, SIGNATURE_LINE)


def test_a_swapped_signature_fails(package_copy: Path, dev_package: DevPackage) -> None:
    """A genuine signature by the trusted key, but over another manifest."""
    other = load_signer(dev_package.key_file).sign(signed_message(b'{"files": {}}\n'))
    (package_copy / "manifest.sig").write_text(base64.b64encode(other).decode() + "\n")
    assert _verify(package_copy, dev_package)[:2] == (1, SIGNATURE_LINE)


def test_a_missing_or_garbled_signature_fails(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "manifest.sig").write_text("not base64 !!\n")
    garbled = _verify(package_copy, dev_package)
    (package_copy / "manifest.sig").unlink()
    missing = _verify(package_copy, dev_package)
    assert garbled[:2] == (1, "signature: manifest.sig is not valid base64\n")
    assert missing[:2] == (1, "signature: manifest.sig is missing\n")


def _resign(package: Path, key: Ed25519PrivateKey) -> None:
    """What a forger does: change a file, then rewrite the manifest and signature with their own key."""
    (package / "gate.json").write_text('{"violations": []}\n')
    context = json.loads((package / "manifest.json").read_text())
    for generated in ("files", "hash_algorithm", "signature", "key", "manifest_format"):
        context.pop(generated)
    for name in ("manifest.json", "manifest.sig"):
        (package / name).unlink()
    sign_package(package, context, Ed25519Signer(key, "file"))


def test_a_package_resigned_with_another_key_fails(package_copy: Path, dev_package: DevPackage) -> None:
    forger = Ed25519PrivateKey.generate()
    _resign(package_copy, forger)
    pinned = _fingerprint(dev_package)
    with_key = _verify(package_copy, dev_package)
    with_pin = _verify(package_copy, dev_package, "--key-fingerprint", pinned)
    assert with_key[:2] == (1, SIGNATURE_LINE)
    assert with_pin[:2] == (
        1,
        f"signature: the package's key {fingerprint(forger.public_key())} is not the pinned key {pinned}\n",
    )
    assert with_pin[2] == f"verify: trusting key {pinned} (--key-fingerprint)\n"


def test_a_key_inside_the_package_is_refused(package_copy: Path, dev_package: DevPackage) -> None:
    """The forged package verifies with its own key: so no key from inside a package is trusted."""
    _resign(package_copy, Ed25519PrivateKey.generate())
    inside = package_copy / "signing-key.pub"
    hidden = package_copy / "notes" / "auditor.pub"
    hidden.parent.mkdir()
    hidden.write_bytes(inside.read_bytes())
    for key in (inside, hidden):
        code, stdout, stderr = _verify(package_copy, dev_package, "--public-key", key)
        assert (code, stderr) == (1, "")
        assert stdout == (
            f"untrusted key: {key} is inside the package {package_copy}; use the signer's public key from a "
            "trusted channel, or pin its fingerprint with --key-fingerprint\n"
        )


def test_duplicate_keys_in_the_manifest_fail_even_when_signed(package_copy: Path, dev_package: DevPackage) -> None:
    """Parsers disagree on duplicate keys (first or last wins): a manifest holding one is never valid."""
    text = (package_copy / "manifest.json").read_text()
    duplicated = text.replace('\n  "files": {', '\n  "files": {},\n  "files": {', 1)
    assert duplicated != text
    (package_copy / "manifest.json").write_text(duplicated)
    signature = load_signer(dev_package.key_file).sign(signed_message(duplicated.encode()))
    (package_copy / "manifest.sig").write_text(base64.b64encode(signature).decode() + "\n")
    assert _verify(package_copy, dev_package)[:2] == (1, 'manifest: duplicate key "files" in manifest.json\n')


def test_a_truncated_manifest_fails(package_copy: Path, dev_package: DevPackage) -> None:
    text = (package_copy / "manifest.json").read_text()
    truncated = text[: len(text) // 2]
    (package_copy / "manifest.json").write_text(truncated)
    try:
        json.loads(truncated)
    except ValueError as error:
        detail = str(error)
    code, stdout, _ = _verify(package_copy, dev_package)
    assert code == 1
    assert stdout.splitlines() == [
        SIGNATURE_LINE.strip(),
        f"manifest: manifest.json is not valid JSON (truncated?): {detail}",
    ]


def test_a_missing_manifest_fails(package_copy: Path, dev_package: DevPackage) -> None:
    (package_copy / "manifest.json").unlink()
    assert _verify(package_copy, dev_package)[:2] == (1, "manifest: manifest.json is missing\n")


def test_a_wrong_public_key_fails(dev_package: DevPackage, tmp_path: Path) -> None:
    other = write_public_key(tmp_path / "other.pub", write_key(tmp_path / "other.pem"))
    assert _verify(dev_package.out, dev_package, "--public-key", other)[:2] == (1, SIGNATURE_LINE)


# ------------------------------------------------------------------------------------------------------------
# Bad input: exit 2, one line


def test_bad_input_is_exit_2(dev_package: DevPackage, tmp_path: Path) -> None:
    not_a_key = tmp_path / "key.pub"
    not_a_key.write_text("hello")
    private = tmp_path / "private.pem"
    write_key(private)
    bad_key = invoke("evidence", "verify", dev_package.out, "--public-key", not_a_key)
    private_key = invoke("evidence", "verify", dev_package.out, "--public-key", private)
    not_a_dir = invoke("evidence", "verify", tmp_path / "nowhere", "--public-key", dev_package.public_key)
    assert bad_key.exit_code == 2
    assert bad_key.stderr.startswith(f"error: --public-key: {not_a_key}: not a PEM public key")
    assert private_key.exit_code == 2
    assert private_key.stderr.startswith(f"error: --public-key: {private}: not a PEM public key")
    assert (not_a_dir.exit_code, not_a_dir.stderr) == (2, f"error: {tmp_path / 'nowhere'}: not a directory\n")


def test_exactly_one_trust_source(dev_package: DevPackage) -> None:
    none = invoke("evidence", "verify", dev_package.out)
    both = invoke(
        "evidence", "verify", dev_package.out, "--public-key", dev_package.public_key, "--key-fingerprint", "x"
    )
    expected = "error: verify: give exactly one of --public-key FILE, --key-fingerprint SHA256:..., --kms-key-id ARN"
    assert (none.exit_code, none.stderr) == (2, expected + "\n")
    assert (both.exit_code, both.stderr) == (2, expected + " (got --public-key, --key-fingerprint)\n")


@pytest.mark.parametrize("pinned", ["sha256:abc", "SHA256:" + "!" * 43, "MD5:" + "a" * 43])
def test_a_malformed_fingerprint_is_exit_2(dev_package: DevPackage, pinned: str) -> None:
    result = invoke("evidence", "verify", dev_package.out, "--key-fingerprint", pinned)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: --key-fingerprint: {pinned!r} is not a key fingerprint; expected SHA256: and 43 base64 "
        "characters (as `trustfabric evidence` prints it)\n",
    )


def test_signing_key_from_env_and_ephemeral(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.trustfabric.helpers import CLEAN_PROGRAM, write_program
    from trustfabric.evidence.package import Inputs, build_package

    program = write_program(tmp_path, CLEAN_PROGRAM)
    inputs = Inputs(reports_dir=tmp_path / "reports")
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
    pinned = ephemeral["signature"]["public_key_fingerprint"]
    result = invoke("evidence", "verify", tmp_path / "ephemeral", "--key-fingerprint", pinned)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"verify: trusting key {pinned} (--key-fingerprint)",
        "verify: the package was signed with an ephemeral key; trust it only as far as the fingerprint's source",
    ]
