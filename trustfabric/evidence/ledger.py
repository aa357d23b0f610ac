"""The evidence ledger: every evidence run appended, hash-chained and signed, so the past cannot be rewritten.

A directory (default `evidence/ledger/`, kept with the packages; in production the S3 bucket with Object Lock
of `components/security/evidence_store.py`):

    entries/000001.json, 000002.json, ...   one per run: {"entry": {...}, "hash": ..., "signature": ...}
    head.json, head.sig                      the chain head (count and last hash), signed
    signing-key.pub                          the signer's public key (the auditor verifies with their own copy)

An entry holds the run id, time, commit, stack, the package it came from, the hash of the previous entry
(`previous`; 64 zeros for the first) and per control its result and evidence hashes. Each entry and the head are
signed by the ledger's signer (`signing.Signer`): a lasting local Ed25519 key (`signing.load_signer`) over their
canonical JSON (`signing.canonical_bytes`), or an asymmetric KMS key (`kms.KmsSigner`, kms:Sign) over the short
statement `LEDGER_LABEL + sha256(canonical JSON)` (KMS signs at most 4096 bytes RAW; an entry is larger). Either
verifies offline with the signer's public key alone (`signing.signature_valid`): no AWS call to check a ledger.
`verify_ledger` names, one line each, an edited entry (its signature or hash fails), a deleted one (a gap, or fewer
entries than the signed head names), two reordered (a sequence out of place), and a ledger re-signed with another
key.

Usage::

    from trustfabric.evidence.ledger import append_run, verify_ledger

    entry = append_run(Path("evidence/ledger"), Path("evidence/prod"), signer)   # after the package is signed
    problems = verify_ledger(Path("evidence/ledger"), load_public_key(Path("auditor.pub")))   # offline
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import TrustFabricError
from .manifest import read_manifest
from .signing import (
    Ed25519Signer,
    PublicKey,
    Signer,
    algorithm_of,
    canonical_bytes,
    load_public_key_bytes,
    public_key_pem,
    signature_valid,
)
from .signing import fingerprint as key_fingerprint

DEFAULT_LEDGER = Path("evidence/ledger")
ENTRIES = "entries"
HEAD = "head.json"
HEAD_SIGNATURE = "head.sig"
PUBLIC_KEY = "signing-key.pub"
GENESIS = "0" * 64
FORMAT = "trust-fabric evidence ledger"
LEDGER_LABEL = b"trust-fabric evidence ledger v1 sha256:"
"""What a KMS (ECDSA or RSA-PSS) key signs: this label and the hex SHA-256 of the document's canonical JSON."""


@dataclass(frozen=True)
class ControlRecord:
    """One control's result in one run, and the hashes of the evidence behind it."""

    result: str
    evidence: Mapping[str, str] = field(default_factory=dict)
    """Evidence name (a package file, or `control-matrix.json#KEY` for the control's row) -> SHA-256."""


@dataclass(frozen=True)
class LedgerRun:
    """What one evidence run adds to the ledger."""

    run_id: str
    time: str
    """UTC, ISO 8601 with Z."""
    commit: str
    stack: str
    controls: Mapping[str, ControlRecord]
    package: str = ""
    """Where the run's package is (relative to the ledger's parent when inside it)."""


@dataclass(frozen=True)
class Entry:
    """A ledger entry as read back."""

    sequence: int
    path: Path
    body: dict[str, Any]
    hash: str
    signature: str

    @property
    def name(self) -> str:
        return f"entry {self.sequence:06d}"


def entry_hash(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def signed_bytes(key: PublicKey, document: Mapping[str, Any]) -> bytes:
    """The bytes a ledger signature covers: the canonical JSON for Ed25519 (the local key signs it whole), the
    label and the JSON's SHA-256 for ECDSA and RSA-PSS (KMS keys: kms:Sign takes at most 4096 bytes RAW)."""
    if isinstance(key, Ed25519PublicKey):
        return canonical_bytes(document)
    return LEDGER_LABEL + hashlib.sha256(canonical_bytes(document)).hexdigest().encode("ascii")


def _sign(signer: Signer, document: Mapping[str, Any]) -> str:
    signature = signer.sign(signed_bytes(signer.public_key(), document))
    return base64.b64encode(signature).decode("ascii")


def _verifies(public_key: PublicKey, signature: str, document: Mapping[str, Any]) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return signature_valid(public_key, raw, signed_bytes(public_key, document))


def as_signer(key: Ed25519PrivateKey | Signer) -> Signer:
    """A local Ed25519 private key as a signer (provenance `file`); a signer as it is."""
    return Ed25519Signer(key, "file") if isinstance(key, Ed25519PrivateKey) else key


def _row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(row)).hexdigest()


def run_from_package(package: Path, *, ledger_dir: Path | None = None) -> LedgerRun:
    """The run recorded by a signed evidence package: its manifest and control-matrix.json.

    Per control, the evidence is its matrix row, the gate's findings when policies judged it, the drill reports of
    its drill kinds, the release decision it cites and the JUnit report when it names tests, each by the SHA-256
    the manifest lists.
    """
    manifest = read_manifest(package)
    matrix_path = package / "control-matrix.json"
    try:
        matrix = json.loads(matrix_path.read_text(encoding="utf-8"))
        rows = list(matrix["controls"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TrustFabricError(f"{matrix_path}: not a control matrix: {error}") from None
    files: dict[str, str] = manifest["files"]
    drill_files: dict[str, list[str]] = {}
    for name in files:
        if name.startswith("drills/") and name.endswith(".json"):
            try:
                kind = str(json.loads((package / name).read_text(encoding="utf-8")).get("drill") or Path(name).stem)
            except (OSError, ValueError, AttributeError):
                kind = Path(name).stem
            drill_files.setdefault(kind, []).append(name)
    controls: dict[str, ControlRecord] = {}
    for row in rows:
        key = str(row["control"])
        evidence = {f"control-matrix.json#{key}": _row_hash(row)}
        if row.get("policies") and "gate.json" in files:
            evidence["gate.json"] = files["gate.json"]
        for drill in row.get("drills") or []:
            for name in drill_files.get(str(drill.get("name")), []):
                evidence[name] = files[name]
        # Matrices before release decisions had their own section listed them with the drills.
        for record in [*(row.get("decisions") or []), *(row.get("drills") or [])]:
            if record.get("name") == "release-gate" and record.get("source"):
                decision = f"release/{record['source']}"
                if decision in files:
                    evidence[decision] = files[decision]
        if row.get("tests") and "tests/junit.xml" in files:
            evidence["tests/junit.xml"] = files["tests/junit.xml"]
        controls[key] = ControlRecord(str(row.get("status", "")), evidence)
    location = package.resolve()
    if ledger_dir is not None:
        with contextlib.suppress(ValueError):
            location = location.relative_to(ledger_dir.resolve().parent)
    run_id = hashlib.sha256(canonical_bytes(manifest)).hexdigest()[:16]
    return LedgerRun(
        run_id=run_id,
        time=str(manifest.get("generated_at", "")),
        commit=str(manifest.get("git", {}).get("commit", "unknown")),
        stack=str(manifest.get("stack", "")),
        controls=controls,
        package=location.as_posix(),
    )


def run_from_results(
    results: Sequence[Any], *, stack: str, commit: str, time: dt.datetime, run_id: str, package: str = ""
) -> LedgerRun:
    """A run from the matrix's ControlResults (`.control.key`, `.status`, `.as_dict()`), before any package."""
    controls = {
        result.control.key: ControlRecord(
            result.status, {f"control-matrix.json#{result.control.key}": _row_hash(result.as_dict())}
        )
        for result in results
    }
    stamp = time.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return LedgerRun(run_id, stamp, commit, stack, controls, package)


def read_entries(ledger_dir: Path) -> list[Entry]:
    """Every entry file, in file name order; TrustFabricError for a file that is not an entry."""
    directory = ledger_dir / ENTRIES
    if not directory.is_dir():
        return []
    entries = []
    for path in sorted(directory.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            body, digest, signature = document["entry"], str(document["hash"]), str(document["signature"])
            sequence = int(body["sequence"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise TrustFabricError(f"{path}: not a ledger entry: {error}") from None
        entries.append(Entry(sequence, path, body, digest, signature))
    return entries


def read_head(ledger_dir: Path) -> dict[str, Any] | None:
    path = ledger_dir / HEAD
    if not path.is_file():
        return None
    try:
        head = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrustFabricError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(head, dict):
        raise TrustFabricError(f"{path}: not a ledger head")
    return head


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def append_run(
    ledger_dir: Path, package_dir_or_run: Path | LedgerRun, key: Ed25519PrivateKey | Signer
) -> dict[str, Any]:
    """Append one run (an evidence package directory, or a LedgerRun) to the ledger and re-sign its head.

    `key` is a local Ed25519 private key or a signer (`signing.Ed25519Signer`, `kms.KmsSigner`). The ledger is
    created when absent. Refuses (TrustFabricError) to append to a ledger that does not verify with the signer's
    public key, or that another key signs: the chain is never extended past a break. Returns the appended
    entry's body.
    """
    signer = as_signer(key)
    run = (
        package_dir_or_run
        if isinstance(package_dir_or_run, LedgerRun)
        else run_from_package(package_dir_or_run, ledger_dir=ledger_dir)
    )
    public_key = signer.public_key()
    existing = read_entries(ledger_dir)
    if existing or read_head(ledger_dir) is not None:
        problems = verify_ledger(ledger_dir, public_key)
        if problems:
            raise TrustFabricError(
                f"ledger {ledger_dir}: not appending to a ledger that fails verification: {problems[0]}"
            )
    previous = existing[-1].hash if existing else GENESIS
    sequence = len(existing) + 1
    body = {
        "format": FORMAT,
        "sequence": sequence,
        "previous": previous,
        "run_id": run.run_id,
        "time": run.time,
        "commit": run.commit,
        "stack": run.stack,
        "package": run.package,
        "controls": {
            control: {"result": record.result, "evidence": dict(sorted(record.evidence.items()))}
            for control, record in sorted(run.controls.items())
        },
    }
    digest = entry_hash(body)
    (ledger_dir / ENTRIES).mkdir(parents=True, exist_ok=True)
    path = ledger_dir / ENTRIES / f"{sequence:06d}.json"
    if path.exists():
        raise TrustFabricError(f"{path}: exists; the ledger is append-only")
    document = {"entry": body, "hash": digest, "signature": _sign(signer, body)}
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    head = {
        "format": FORMAT,
        "entries": sequence,
        "head": digest,
        "time": run.time,
        "public_key_fingerprint": key_fingerprint(public_key),
        "algorithm": algorithm_of(public_key),
    }
    if signer.key_id:
        head["kms_key_id"] = signer.key_id
    (ledger_dir / PUBLIC_KEY).write_bytes(public_key_pem(public_key))
    _write_atomic(ledger_dir / HEAD, json.dumps(head, indent=2, sort_keys=True) + "\n")
    _write_atomic(ledger_dir / HEAD_SIGNATURE, _sign(signer, head) + "\n")
    return body


def ledger_public_key(ledger_dir: Path) -> PublicKey | None:
    """The public key the ledger carries (`signing-key.pub`), never trusted by itself; None when unreadable."""
    path = ledger_dir / PUBLIC_KEY
    try:
        return load_public_key_bytes(path.read_bytes(), str(path))
    except (OSError, TrustFabricError):
        return None


def verify_ledger(ledger_dir: Path, public_key: PublicKey) -> list[str]:
    """Every problem with the ledger, one line each naming the entry (empty when it verifies):

    - `ledger: re-signed with another key (sha256:... signs it, not the given key sha256:...)`
    - `entry 000003: edited (its signature does not verify)` / `... (its hash does not match its content)`
    - `entry 000004: reordered (it holds sequence 5)`
    - `entry 000003: missing (the chain jumps from 000002 to 000004)`, `entry 000001: missing (the chain starts at 000002)`
    - `entry 000004: does not link to entry 000003 (previous hash differs)`
    - `entry 000006: missing (the signed head names 6 entries, 5 present)`
    - `head: ...` for a missing, unsigned or edited head
    """
    if not ledger_dir.is_dir():
        raise TrustFabricError(f"{ledger_dir}: not a directory")
    entries = read_entries(ledger_dir)
    head = read_head(ledger_dir)
    if head is None:
        return [f"head: {HEAD} is missing"] if entries else [f"head: {ledger_dir} holds no ledger"]
    head_signature_path = ledger_dir / HEAD_SIGNATURE
    head_signature = head_signature_path.read_text(encoding="ascii").strip() if head_signature_path.is_file() else ""
    given = key_fingerprint(public_key)
    head_ok = bool(head_signature) and _verifies(public_key, head_signature, head)
    entries_ok = [_verifies(public_key, entry.signature, entry.body) for entry in entries]
    if not head_ok and not any(entries_ok):
        other = ledger_public_key(ledger_dir)
        if other is not None and _verifies(other, head_signature, head):
            return [
                f"ledger: re-signed with another key ({key_fingerprint(other)} signs it, not the given key {given})"
            ]
    problems: list[str] = []
    if not head_signature:
        problems.append(f"head: {HEAD_SIGNATURE} is missing")
    elif not head_ok:
        problems.append(f"head: signature does not verify with the given key {given} ({HEAD} edited or re-signed)")
    edited: set[int] = set()
    for entry, signed in zip(entries, entries_ok, strict=True):
        if not signed:
            problems.append(f"{entry.name}: edited (its signature does not verify with the given key)")
            edited.add(entry.sequence)
        elif entry_hash(entry.body) != entry.hash:
            problems.append(f"{entry.name}: edited (its hash does not match its content)")
            edited.add(entry.sequence)
    problems += _order_problems(entries)
    by_sequence = {entry.sequence: entry for entry in entries}
    count = max([int(head.get("entries", 0)) if head_ok else 0, *by_sequence])
    present = sorted(by_sequence)
    for number in range(1, count + 1):
        if number in by_sequence:
            continue
        before = max((n for n in present if n < number), default=0)
        after = min((n for n in present if n > number), default=None)
        if after is None:
            problems.append(
                f"entry {number:06d}: missing (the signed head names {count} entries, {len(entries)} present)"
            )
        else:
            if before:
                problems.append(f"entry {number:06d}: missing (the chain jumps from {before:06d} to {after:06d})")
            else:
                problems.append(f"entry {number:06d}: missing (the chain starts at {after:06d})")
    for number in present:
        entry = by_sequence[number]
        if number in edited or number - 1 in edited or (number > 1 and number - 1 not in by_sequence):
            continue
        previous = GENESIS if number == 1 else entry_hash(by_sequence[number - 1].body)
        if entry.body.get("previous") != previous:
            problems.append(f"{entry.name}: does not link to the entry before it (previous hash differs)")
    last = by_sequence.get(count)
    if head_ok and last is not None and count not in edited and head.get("head") != entry_hash(last.body):
        problems.append(f"{by_sequence[count].name}: does not match the signed head")
    return problems


def _order_problems(entries: Sequence[Entry]) -> list[str]:
    """Entries whose file holds another sequence: a swapped pair is one line, naming the first."""
    misplaced = {
        int(entry.path.stem): entry.sequence for entry in entries if entry.path.stem != f"{entry.sequence:06d}"
    }
    problems = []
    for position, sequence in sorted(misplaced.items()):
        if misplaced.get(sequence) == position:
            if position < sequence:
                problems.append(f"entry {position:06d}: reordered (swapped with entry {sequence:06d})")
        else:
            problems.append(f"entry {position:06d}: reordered (its file holds sequence {sequence:06d})")
    return problems


__all__ = [
    "DEFAULT_LEDGER",
    "ControlRecord",
    "Entry",
    "LedgerRun",
    "append_run",
    "as_signer",
    "entry_hash",
    "ledger_public_key",
    "read_entries",
    "read_head",
    "run_from_package",
    "run_from_results",
    "signed_bytes",
    "verify_ledger",
]
