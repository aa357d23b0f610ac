"""The signed manifest of an evidence package: SHA-256 of every file, signed with Ed25519.

`manifest.json` lists every file of the package (except itself and `manifest.sig`) with its SHA-256, and the
run's context (git commit, pack version, stack, UTC time, tool versions, key provenance). `manifest.sig` holds
the base64 Ed25519 signature over the manifest's canonical bytes: `canonical_bytes(json.load(manifest.json))`,
i.e. JSON with sorted keys, no insignificant whitespace, UTF-8. `signing-key.pub` is the public key (PEM).

Usage::

    from trustfabric.evidence.manifest import load_private_key, sign_package, verify_package

    key, provenance = load_private_key(None)          # ephemeral when no file and no env
    sign_package(out_dir, {"stack": "prod", ...}, key, provenance)
    problems = verify_package(out_dir, Path("signing-key.pub").read_bytes())
    for line in problems:
        print(line)
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import TrustFabricError

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signing-key.pub"
KEY_ENV = "TRUSTFABRIC_EVIDENCE_KEY"
UNHASHED = frozenset({MANIFEST, SIGNATURE})


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers: sorted keys, compact separators, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


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


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: how the manifest names the signer."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _private_key_from_pem(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise TrustFabricError(f"{source}: not an unencrypted PEM private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise TrustFabricError(f"{source}: not an Ed25519 private key ({type(key).__name__})")
    return key


def load_private_key(path: Path | None) -> tuple[Ed25519PrivateKey, str]:
    """The signing key and its provenance: `--signing-key FILE`, else env TRUSTFABRIC_EVIDENCE_KEY (a PEM or a
    path to one), else a key generated for this run ("ephemeral")."""
    if path is not None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise TrustFabricError(f"--signing-key: {path}: cannot read: {error.strerror or error}") from None
        return _private_key_from_pem(data, f"--signing-key: {path}"), "file"
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        if env.startswith("-----BEGIN"):
            return _private_key_from_pem(env.encode(), KEY_ENV), "env"
        env_path = Path(env)
        if not env_path.is_file():
            raise TrustFabricError(f"{KEY_ENV}: neither a PEM private key nor a readable file: {env}")
        return _private_key_from_pem(env_path.read_bytes(), f"{KEY_ENV}: {env}"), "env"
    return Ed25519PrivateKey.generate(), "ephemeral"


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file; TrustFabricError (bad input, exit 2) otherwise."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrustFabricError(f"--public-key: {path}: cannot read: {error.strerror or error}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        raise TrustFabricError(f"--public-key: {path}: not a PEM public key: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise TrustFabricError(f"--public-key: {path}: not an Ed25519 public key ({type(key).__name__})")
    return key


def sign_package(
    directory: Path, context: Mapping[str, Any], key: Ed25519PrivateKey, provenance: str
) -> dict[str, Any]:
    """Write signing-key.pub, then manifest.json (hashes + context) and manifest.sig. Returns the manifest."""
    (directory / PUBLIC_KEY).write_bytes(public_key_pem(key))
    files = {name: sha256_file(directory / name) for name in package_files(directory)}
    manifest = {
        **context,
        "files": files,
        "hash_algorithm": "sha256",
        "signature": {
            "algorithm": "Ed25519",
            "file": SIGNATURE,
            "covers": "canonical JSON of manifest.json (sorted keys, separators ',' ':', UTF-8)",
            "public_key": PUBLIC_KEY,
            "public_key_fingerprint": key_fingerprint(key.public_key()),
        },
        "key": provenance,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    signature = key.sign(canonical_bytes(manifest))
    (directory / SIGNATURE).write_text(base64.b64encode(signature).decode("ascii") + "\n", encoding="ascii")
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    """The package's manifest; TrustFabricError when the directory is not an evidence package."""
    if not directory.is_dir():
        raise TrustFabricError(f"{directory}: not a directory")
    path = directory / MANIFEST
    if not path.is_file():
        raise TrustFabricError(f"{directory}: no {MANIFEST}; not an evidence package")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrustFabricError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise TrustFabricError(f"{path}: no 'files' mapping; not an evidence manifest")
    return manifest


def verify_package(directory: Path, public_key: Ed25519PublicKey) -> list[str]:
    """Every problem with the package, one line each (empty when valid):

    - `signature: manifest.sig is missing` / `signature: manifest.sig is not valid base64`
    - `signature: does not verify with the given public key (manifest.json changed or wrong key)`
    - `changed: NAME (sha256 mismatch)`, `missing: NAME`, `extra: NAME (not in the manifest)`
    """
    manifest = read_manifest(directory)
    problems: list[str] = []
    signature_path = directory / SIGNATURE
    if not signature_path.is_file():
        problems.append(f"signature: {SIGNATURE} is missing")
    else:
        try:
            signature = base64.b64decode(signature_path.read_text(encoding="ascii").strip(), validate=True)
        except (ValueError, UnicodeDecodeError):
            problems.append(f"signature: {SIGNATURE} is not valid base64")
        else:
            try:
                public_key.verify(signature, canonical_bytes(manifest))
            except InvalidSignature:
                problems.append(
                    "signature: does not verify with the given public key (manifest.json changed or wrong key)"
                )
    listed: dict[str, Any] = manifest["files"]
    present = set(package_files(directory))
    for name in sorted(listed):
        if name not in present:
            problems.append(f"missing: {name}")
        elif sha256_file(directory / name) != listed[name]:
            problems.append(f"changed: {name} (sha256 mismatch)")
    problems += [f"extra: {name} (not in the manifest)" for name in sorted(present - set(listed))]
    return problems


__all__ = [
    "KEY_ENV",
    "MANIFEST",
    "PUBLIC_KEY",
    "SIGNATURE",
    "canonical_bytes",
    "key_fingerprint",
    "load_private_key",
    "load_public_key",
    "package_files",
    "read_manifest",
    "sign_package",
    "verify_package",
]
