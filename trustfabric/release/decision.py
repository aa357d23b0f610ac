"""The release decision record: what was judged, from which inputs (by sha256), and the Ed25519 signature.

The record is one JSON file (`decision.schema.json`)::

    {"decision": {"format", "candidate", "stack", "decided_at", "outcome": "promote"|"block", "dataset",
                  "thresholds", "conditions": [...], "inputs": {"evaluation": {"path", "sha256"}, ...}},
     "signature": {"algorithm": "Ed25519", "covers", "value", "public_key", "public_key_fingerprint", "key"}}

The signature covers the canonical JSON of `decision` (sorted keys, separators ',' ':', UTF-8), the same form the
evidence manifest signs. `key` says where the key came from: `file` (`--signing-key`), `env`
(TRUSTFABRIC_EVIDENCE_KEY, the evidence package's key) or `ephemeral` (generated for this decision: it proves the
record was not changed, not who made it).

Usage::

    path, record = write_decision(decision, key, provenance, Path("reports/release"))
    problems = verify_decision(path, public_key=None)          # [] when the signature and inputs check out
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..datasets.schema import load_json
from ..errors import TrustFabricError
from ..evidence.signing import canonical_bytes, public_key_pem
from ..evidence.signing import fingerprint as key_fingerprint
from .conditions import RELEASE_SCHEMAS

DECISION_FORMAT = "trustfabric.release/decision/v1"
COVERS = "canonical JSON of `decision` (sorted keys, separators ',' ':', UTF-8)"
DEFAULT_DIRECTORY = Path("reports/release")


def sign(decision: dict[str, Any], key: Ed25519PrivateKey, provenance: str) -> dict[str, Any]:
    """The signed record of a decision."""
    signature = key.sign(canonical_bytes(decision))
    return {
        "decision": decision,
        "signature": {
            "algorithm": "Ed25519",
            "covers": COVERS,
            "value": base64.b64encode(signature).decode("ascii"),
            "public_key": public_key_pem(key.public_key()).decode("ascii"),
            "public_key_fingerprint": key_fingerprint(key.public_key()),
            "key": provenance,
        },
    }


def write_decision(
    decision: dict[str, Any], key: Ed25519PrivateKey, provenance: str, directory: Path
) -> tuple[Path, dict[str, Any]]:
    """Sign the decision and write it as `decision-<UTC time>-<candidate>.json`; the path and the record."""
    record = sign(decision, key, provenance)
    RELEASE_SCHEMAS.validate("decision", record, source="decision record")
    stamp = decision["decided_at"].replace(":", "").replace("-", "")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", decision["candidate"]).strip("-") or "candidate"
    path = directory / f"decision-{stamp}-{slug}.json"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"--out: {directory}: cannot write: {error.strerror or error}") from None
    return path, record


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def timestamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def verify_decision(path: Path, public_key: Ed25519PublicKey | None) -> list[str]:
    """Problems with a decision record, one line each: the signature (with the given key, else the embedded one)
    and every input still at its recorded path whose sha256 changed. Malformed records are bad input."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    record = load_json(data, source=str(path))
    RELEASE_SCHEMAS.validate("decision", record, source=str(path))
    signature = record["signature"]
    problems = []
    if public_key is None:
        embedded = serialization.load_pem_public_key(signature["public_key"].encode("ascii"))
        if not isinstance(embedded, Ed25519PublicKey):
            raise TrustFabricError(f"{path}: $.signature.public_key: not an Ed25519 public key")
        public_key = embedded
    elif key_fingerprint(public_key) != signature["public_key_fingerprint"]:
        problems.append(
            f"signature: made with key {signature['public_key_fingerprint']}, not the given {key_fingerprint(public_key)}"
        )
    try:
        public_key.verify(base64.b64decode(signature["value"], validate=True), canonical_bytes(record["decision"]))
    except (InvalidSignature, ValueError):
        problems.append("signature: does not verify (the decision was changed, or another key signed it)")
    for name, reference in sorted(record["decision"]["inputs"].items()):
        if reference is None:
            continue
        input_path = Path(reference["path"])
        if input_path.is_file():
            with input_path.open("rb") as handle:
                actual = hashlib.file_digest(handle, "sha256").hexdigest()
            if actual != reference["sha256"]:
                problems.append(f"input {name}: {input_path} changed since the decision (sha256 mismatch)")
    return problems
