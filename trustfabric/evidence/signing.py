"""Keys for the evidence manifest: who signs, how a signature is checked, and how a key is named.

What is signed is the statement `signed_message(manifest bytes)`: a fixed label and the SHA-256 of manifest.json
exactly as written, short enough for KMS `Sign` with `MessageType=RAW` (at most 4096 bytes), so a local key and a
KMS key sign, and an auditor checks, the same bytes.

Signers: `Ed25519Signer` (a local key: `--signing-key FILE`, env TRUSTFABRIC_EVIDENCE_KEY, or ephemeral) and
`trustfabric.evidence.kms.KmsSigner` (an asymmetric KMS key). Public keys checked offline: Ed25519, ECDSA on
P-256 with SHA-256, RSA-PSS with SHA-256 (KMS's ECDSA_SHA_256 and RSASSA_PSS_SHA_256).

A key's fingerprint is `SHA256:` and the unpadded base64 of the SHA-256 of its DER SubjectPublicKeyInfo (the
form OpenSSH prints, over the standard key encoding): `fingerprint(key)`, checked with `parse_fingerprint`.

Usage::

    signer = load_signer(None)                        # ephemeral Ed25519 unless a file or the env names one
    signature = signer.sign(signed_message(manifest_bytes))
    key = load_public_key(Path("auditor/evidence.pub"))
    ok = signature_valid(key, signature, signed_message(manifest_bytes))
    print(fingerprint(key))                           # SHA256:...
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import TrustFabricError

KEY_ENV = "TRUSTFABRIC_EVIDENCE_KEY"
MESSAGE_LABEL = b"trust-fabric evidence manifest v2 sha256:"
FINGERPRINT = re.compile(r"^SHA256:[A-Za-z0-9+/]{43}$")

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """A JSON document's canonical bytes (sorted keys, compact separators, UTF-8): what the ledger, release
    decisions and dataset manifests sign or hash."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signed_message(manifest_bytes: bytes) -> bytes:
    """The bytes every signature covers: the label and the hex SHA-256 of manifest.json."""
    return MESSAGE_LABEL + hashlib.sha256(manifest_bytes).hexdigest().encode("ascii")


def public_key_der(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_pem(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: PublicKey) -> str:
    """`SHA256:<unpadded base64 of sha256(DER SubjectPublicKeyInfo)>`."""
    digest = hashlib.sha256(public_key_der(key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def parse_fingerprint(text: str) -> str:
    """A pinned fingerprint as given on the command line; TrustFabricError (exit 2) when malformed."""
    value = text.strip()
    if not FINGERPRINT.match(value):
        raise TrustFabricError(
            f"--key-fingerprint: {text!r} is not a key fingerprint; expected SHA256: and 43 base64 characters "
            "(as `trustfabric evidence` prints it)"
        )
    try:
        base64.b64decode(value[len("SHA256:") :] + "=", validate=True)
    except (ValueError, binascii.Error):
        raise TrustFabricError(f"--key-fingerprint: {text!r} is not valid base64") from None
    return value


def load_public_key_bytes(data: bytes, source: str) -> PublicKey:
    """An Ed25519, P-256 or RSA public key from PEM bytes; TrustFabricError naming `source` otherwise."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        raise TrustFabricError(f"{source}: not a PEM public key: {error}") from None
    if isinstance(key, Ed25519PublicKey | rsa.RSAPublicKey):
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise TrustFabricError(f"{source}: unsupported key ({type(key).__name__}); allowed: Ed25519, EC P-256, RSA")


def load_public_key(path: Path, option: str = "--public-key") -> PublicKey:
    """A public key from a PEM file (bad input, exit 2, when unreadable or unsupported)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrustFabricError(f"{option}: {path}: cannot read: {error.strerror or error}") from None
    return load_public_key_bytes(data, f"{option}: {path}")


def algorithm_of(key: PublicKey) -> str:
    """The signature scheme this key verifies (KMS's names for ECDSA and RSA-PSS)."""
    if isinstance(key, Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ECDSA_SHA_256"
    return "RSASSA_PSS_SHA_256"


def signature_valid(key: PublicKey, signature: bytes, message: bytes) -> bool:
    """True when `signature` over `message` verifies with `key` (its scheme chosen by the key's type)."""
    try:
        if isinstance(key, Ed25519PublicKey):
            key.verify(signature, message)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            # KMS uses a salt as long as the digest; AUTO accepts any salt length the signature carries.
            key.verify(
                signature,
                message,
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO),
                hashes.SHA256(),
            )
    except InvalidSignature:
        return False
    return True


class Signer(Protocol):
    """What signs a manifest."""

    @property
    def provenance(self) -> str:
        """file, env, ephemeral or kms: where the key came from (recorded in the manifest)."""

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str:
        """The KMS key id or ARN; empty for a local key."""

    def public_key(self) -> PublicKey: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class Ed25519Signer:
    """A local Ed25519 private key."""

    key: Ed25519PrivateKey
    provenance: str
    algorithm: str = "Ed25519"
    key_id: str = ""

    def public_key(self) -> PublicKey:
        return self.key.public_key()

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message)


def _private_key_from_pem(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise TrustFabricError(f"{source}: not an unencrypted PEM private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise TrustFabricError(f"{source}: not an Ed25519 private key ({type(key).__name__})")
    return key


def load_signer(path: Path | None) -> Ed25519Signer:
    """The local signing key: `--signing-key FILE`, else env TRUSTFABRIC_EVIDENCE_KEY (a PEM or a path to one),
    else a key generated for this run ("ephemeral": its only public copy ships in the package, so a verifier
    must pin its fingerprint from the build's output)."""
    if path is not None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise TrustFabricError(f"--signing-key: {path}: cannot read: {error.strerror or error}") from None
        return Ed25519Signer(_private_key_from_pem(data, f"--signing-key: {path}"), "file")
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        if env.startswith("-----BEGIN"):
            return Ed25519Signer(_private_key_from_pem(env.encode(), KEY_ENV), "env")
        env_path = Path(env)
        if not env_path.is_file():
            raise TrustFabricError(f"{KEY_ENV}: neither a PEM private key nor a readable file: {env}")
        return Ed25519Signer(_private_key_from_pem(env_path.read_bytes(), f"{KEY_ENV}: {env}"), "env")
    return Ed25519Signer(Ed25519PrivateKey.generate(), "ephemeral")


def load_private_key(path: Path | None) -> tuple[Ed25519PrivateKey, str]:
    """The local Ed25519 key and its provenance (file, env or ephemeral), as `load_signer` finds it."""
    signer = load_signer(path)
    return signer.key, signer.provenance


def load_ed25519_public_key(path: Path, option: str = "--public-key") -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (ledgers and release decisions are signed with Ed25519 only)."""
    key = load_public_key(path, option)
    if not isinstance(key, Ed25519PublicKey):
        raise TrustFabricError(f"{option}: {path}: not an Ed25519 public key ({type(key).__name__})")
    return key


__all__ = [
    "KEY_ENV",
    "Ed25519Signer",
    "PublicKey",
    "Signer",
    "algorithm_of",
    "canonical_bytes",
    "fingerprint",
    "load_ed25519_public_key",
    "load_private_key",
    "load_public_key",
    "load_public_key_bytes",
    "load_signer",
    "parse_fingerprint",
    "public_key_der",
    "public_key_pem",
    "signature_valid",
    "signed_message",
]
