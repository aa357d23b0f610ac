"""The signed manifest of an evidence package, and its verification against a key trusted from outside it.

`manifest.json` lists every file of the package (except itself and `manifest.sig`) with its SHA-256, and the
run's context (git commit, pack version, stack, UTC time, tool versions, key provenance and fingerprint).
`manifest.sig` holds the base64 signature over `signing.signed_message(bytes of manifest.json)`.
`signing-key.pub` is the signer's public key (PEM): information, never a trust anchor.

Verification trusts exactly one thing the verifier brings (`Trust`):

- a public key file (`--public-key FILE`), which must not lie inside the package (a forger controls those files);
- a pinned fingerprint (`--key-fingerprint SHA256:...`): the package's signing-key.pub is used only when its
  fingerprint is the pinned one;
- a KMS key (`--kms-key-id ARN`): KMS `Verify` checks the signature.

Then the signature, then manifest.json itself (valid UTF-8 JSON, an object, no duplicate keys, a `files` map),
then every file's hash. A missing, truncated or malformed manifest is a failed verification, like a changed file.

Usage::

    from trustfabric.evidence.manifest import Trust, sign_package, verify_package

    sign_package(out_dir, {"stack": "prod", ...}, load_signer(None))
    report = verify_package(out_dir, Trust.from_public_key_file(Path("auditor/evidence.pub"), out_dir))
    for line in report.problems:
        print(line)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from .signing import (
    PublicKey,
    Signer,
    fingerprint,
    load_public_key,
    load_public_key_bytes,
    public_key_pem,
    signature_valid,
    signed_message,
)

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signing-key.pub"
FORMAT_VERSION = 2
UNHASHED = frozenset({MANIFEST, SIGNATURE})


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_files(directory: Path) -> list[str]:
    """Every file under `directory` (POSIX relative paths, sorted), except the manifest and its signature."""
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.relative_to(directory).as_posix() not in UNHASHED
    )


def sign_package(directory: Path, context: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
    """Write signing-key.pub, then manifest.json (hashes + context) and manifest.sig. Returns the manifest."""
    public_key = signer.public_key()
    (directory / PUBLIC_KEY).write_bytes(public_key_pem(public_key))
    files = {name: sha256_file(directory / name) for name in package_files(directory)}
    signature_block: dict[str, Any] = {
        "algorithm": signer.algorithm,
        "file": SIGNATURE,
        "covers": "'trust-fabric evidence manifest v2 sha256:' + hex SHA-256 of manifest.json's bytes",
        "public_key": PUBLIC_KEY,
        "public_key_fingerprint": fingerprint(public_key),
    }
    if signer.key_id:
        signature_block["kms_key_id"] = signer.key_id
    manifest = {
        **context,
        "manifest_format": FORMAT_VERSION,
        "files": files,
        "hash_algorithm": "sha256",
        "signature": signature_block,
        "key": signer.provenance,
    }
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    (directory / MANIFEST).write_bytes(data)
    signature = signer.sign(signed_message(data))
    (directory / SIGNATURE).write_text(base64.b64encode(signature).decode("ascii") + "\n", encoding="ascii")
    return manifest


# ------------------------------------------------------------------------------------------------------------
# Reading


class ManifestError(ValueError):
    """manifest.json is not a well-formed manifest (the message is the problem line)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ManifestError(f"manifest: duplicate key {json.dumps(key)} in {MANIFEST}")
        seen[key] = value
    return seen


def parse_manifest(data: bytes) -> dict[str, Any]:
    """manifest.json's bytes as a manifest; ManifestError for anything else (duplicate keys included)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestError(f"manifest: {MANIFEST} is not UTF-8") from None
    try:
        manifest = json.loads(text, object_pairs_hook=_no_duplicates)
    except ManifestError:
        raise
    except ValueError as error:
        raise ManifestError(f"manifest: {MANIFEST} is not valid JSON (truncated?): {error}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ManifestError(f"manifest: {MANIFEST} has no 'files' mapping")
    if not all(isinstance(name, str) and isinstance(digest, str) for name, digest in manifest["files"].items()):
        raise ManifestError(f"manifest: {MANIFEST}: 'files' must map file names to sha256 strings")
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    """The package's manifest; TrustFabricError when it is absent or malformed (for readers, not verification)."""
    path = directory / MANIFEST
    if not path.is_file():
        raise TrustFabricError(f"{directory}: no {MANIFEST}; not an evidence package")
    try:
        return parse_manifest(path.read_bytes())
    except ManifestError as error:
        raise TrustFabricError(f"{path}: {error}") from None


# ------------------------------------------------------------------------------------------------------------
# Trust and verification


@dataclass(frozen=True)
class Trust:
    """What the verifier trusts: exactly one of a public key, a pinned fingerprint, a KMS key."""

    description: str
    """How it was given, for the "trusting key" line (e.g. `--public-key auditor.pub`)."""
    public_key: PublicKey | None = None
    pinned: str = ""
    kms_key_id: str = ""
    refused: str = ""
    """Why this trust is refused (a key file inside the package): the verification fails with this line."""

    @classmethod
    def from_public_key_file(cls, path: Path, package: Path) -> Trust:
        """A key file the verifier holds; refused when it lies inside the package directory."""
        resolved, root = path.resolve(), package.resolve()
        if resolved == root or root in resolved.parents:
            return cls(
                f"--public-key {path}",
                refused=(
                    f"untrusted key: {path} is inside the package {package}; use the signer's public key from a "
                    "trusted channel, or pin its fingerprint with --key-fingerprint"
                ),
            )
        return cls(f"--public-key {path}", public_key=load_public_key(path))

    @classmethod
    def from_fingerprint(cls, pinned: str) -> Trust:
        return cls("--key-fingerprint", pinned=pinned)

    @classmethod
    def from_kms(cls, key_id: str) -> Trust:
        return cls(f"--kms-key-id {key_id}", kms_key_id=key_id)


@dataclass
class Verification:
    """The outcome: problems (empty when valid), the fingerprint trusted, the manifest when it parsed."""

    problems: list[str] = field(default_factory=list)
    trusted_fingerprint: str = ""
    manifest: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


def _signature(directory: Path, problems: list[str]) -> bytes | None:
    path = directory / SIGNATURE
    if not path.is_file():
        problems.append(f"signature: {SIGNATURE} is missing")
        return None
    try:
        return base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        problems.append(f"signature: {SIGNATURE} is not valid base64")
        return None


def _package_key(directory: Path, pinned: str, problems: list[str]) -> PublicKey | None:
    """The package's own public key, when its fingerprint is the pinned one."""
    path = directory / PUBLIC_KEY
    if not path.is_file():
        problems.append(f"signature: {PUBLIC_KEY} is missing; cannot match the pinned fingerprint")
        return None
    try:
        key = load_public_key_bytes(path.read_bytes(), PUBLIC_KEY)
    except TrustFabricError as error:
        problems.append(f"signature: {error}")
        return None
    if fingerprint(key) != pinned:
        problems.append(f"signature: the package's key {fingerprint(key)} is not the pinned key {pinned}")
        return None
    return key


def verify_package(directory: Path, trust: Trust) -> Verification:
    """Every problem with the package, one line each (see the module docstring for the order):

    - `untrusted key: ...` (a key file inside the package), `signature: ...` (missing, garbled, not verifying,
      the package's key not the pinned one), `manifest: ...` (missing, truncated, duplicate keys, malformed);
    - `changed: NAME (sha256 mismatch)`, `missing: NAME`, `extra: NAME (not in the manifest)`.
    """
    result = Verification()
    problems = result.problems
    if trust.refused:
        problems.append(trust.refused)
        return result
    # the trusted key is named (and a KMS key checked) before anything of the package is read
    if trust.kms_key_id:
        from .kms import fetch_public_key, kms_verify

        result.trusted_fingerprint = fingerprint(
            load_public_key_bytes(fetch_public_key(trust.kms_key_id), trust.description)
        )
    elif trust.public_key is not None:
        result.trusted_fingerprint = fingerprint(trust.public_key)
    else:
        result.trusted_fingerprint = trust.pinned
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        problems.append(f"manifest: {MANIFEST} is missing")
        return result
    data = manifest_path.read_bytes()
    signature = _signature(directory, problems)
    message = signed_message(data)
    if trust.kms_key_id:
        if signature is not None and not kms_verify(trust.kms_key_id, message, signature):
            problems.append(
                f"signature: KMS reports it invalid for {trust.kms_key_id} (manifest.json changed or another key)"
            )
    else:
        key = trust.public_key if trust.public_key is not None else _package_key(directory, trust.pinned, problems)
        if key is not None and signature is not None and not signature_valid(key, signature, message):
            problems.append("signature: does not verify with the trusted key (manifest.json changed or another key)")
    try:
        manifest = parse_manifest(data)
    except ManifestError as error:
        problems.append(str(error))
        return result
    result.manifest = manifest
    listed: dict[str, str] = manifest["files"]
    present = set(package_files(directory))
    for name in sorted(listed):
        if name not in present:
            problems.append(f"missing: {name}")
        elif sha256_file(directory / name) != listed[name]:
            problems.append(f"changed: {name} (sha256 mismatch)")
    problems += [f"extra: {name} (not in the manifest)" for name in sorted(present - set(listed))]
    return result


__all__ = [
    "MANIFEST",
    "PUBLIC_KEY",
    "SIGNATURE",
    "ManifestError",
    "Trust",
    "Verification",
    "package_files",
    "parse_manifest",
    "read_manifest",
    "sha256_file",
    "sign_package",
    "verify_package",
]
