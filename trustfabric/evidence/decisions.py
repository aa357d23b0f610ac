"""The release gate's decisions as evidence: `trustfabric release gate` writes a signed decision record
(`reports/release/decision-<time>-<candidate>.json`, trustfabric.release.decision); the evidence package copies
the newest one for its stack into `release/` and the controls whose catalog entry names `decisions:
[release-gate]` cite it.

A decision is evidence that the gate operated, whatever its outcome: a blocked promotion is the control working.
A signature checked with the key embedded in the record proves only integrity (nobody changed it since it was
signed), not identity (anyone can sign with a key of their own and ship it in the record). So the signer's key
must be **pinned** in the repository: `compliance/release-signing-keys/<name>.pem`, one Ed25519 public key per
file, reviewed like any change (`load_pinned_signers`). A decision's record is:

- `pass` when its claimed signer is pinned, the signature verifies with the *pinned* key, its stack is the
  package's and it names an outcome;
- `fail` when the signature does not verify, or when keys are pinned and the signer is not one of them (refused);
- `unknown` ("unverified identity") when no key is pinned at all: the signature verified with the embedded key,
  which proves integrity only, so it is never `pass`;
- `absent` when the gate left no decision for the stack.

The outcome, the failed conditions and the signer are in the record's detail.

Usage::

    present = copy_release_decisions(Path("reports/release"), Path("evidence/prod"), "prod", absent)
    records = load_release_decisions(Path("evidence/prod"), "prod")      # {"release-gate": RunRecord}
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..errors import TrustFabricError
from ..paths import REPO_ROOT
from .controls import DECISION_KINDS
from .inputs import RunRecord

RELEASE_GATE = DECISION_KINDS[0]
"""The decision kind a catalog entry names (`decisions: [release-gate]`)."""
PACKAGE_DIR = "release"
"""Where a package keeps the decision it cites."""
SIGNERS_DIR = REPO_ROOT / "compliance" / "release-signing-keys"
"""Where the release signers' public keys are pinned (`<name>.pem`, Ed25519)."""
UNVERIFIED_IDENTITY = "unverified identity"


def load_pinned_signers(directory: Path | None = None) -> dict[str, tuple[str, Ed25519PublicKey]]:
    """The pinned release signers: fingerprint -> (name, key), from every `*.pem` in `directory` (default
    SIGNERS_DIR); empty when none is pinned. A file that is not an Ed25519 public key is bad input."""
    from .signing import fingerprint, load_ed25519_public_key

    folder = SIGNERS_DIR if directory is None else directory
    pinned: dict[str, tuple[str, Ed25519PublicKey]] = {}
    for path in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        key = load_ed25519_public_key(path, "release signing key")
        pinned[fingerprint(key)] = (path.stem, key)
    return pinned


def signer_identity(path: Path, pinned: dict[str, tuple[str, Ed25519PublicKey]]) -> tuple[str, list[str], str]:
    """(status, problems, signer) of a decision's signature: `pass` (a pinned signer, verified with the pinned
    key), `fail` (does not verify, or an unpinned signer while keys are pinned), `unknown` (nothing pinned: the
    embedded key verified, integrity only). Malformed records raise TrustFabricError."""
    from ..release.decision import verify_decision

    claimed = str(((_read(path) or {}).get("signature") or {}).get("public_key_fingerprint", "?"))
    if claimed in pinned:
        name, key = pinned[claimed]
        problems = [line for line in verify_decision(path, key) if line.startswith("signature:")]
        return ("fail" if problems else "pass"), problems, f"{name} ({claimed})"
    problems = [line for line in verify_decision(path, None) if line.startswith("signature:")]
    if problems:
        return "fail", problems, claimed
    if pinned:
        return (
            "fail",
            [f"signer: key {claimed} is not pinned in compliance/release-signing-keys/ (refused)"],
            claimed,
        )
    return (
        "unknown",
        [f"{UNVERIFIED_IDENTITY}: no release signing key is pinned in compliance/release-signing-keys/"],
        claimed,
    )


def _read(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("decision"), dict):
        return None
    return record


def newest_decision(directory: Path, stack: str) -> Path | None:
    """The newest decision record (by `decided_at`) in `directory` for `stack`; None when there is none."""
    if not directory.is_dir():
        return None
    candidates = []
    for path in sorted(directory.glob("decision-*.json")):
        record = _read(path)
        if record is not None and record["decision"].get("stack") == stack:
            candidates.append((str(record["decision"].get("decided_at", "")), path.name, path))
    return max(candidates)[2] if candidates else None


def copy_release_decisions(directory: Path, out: Path, stack: str, absent: list[str]) -> list[str]:
    """Copy the newest decision for `stack` into `out/release/`; the names copied (or add why to `absent`)."""
    path = newest_decision(directory, stack)
    if path is None:
        absent.append(
            f"release decision ({directory / 'decision-*.json'} for stack {stack}): run `trustfabric release gate`"
        )
        return []
    target = out / PACKAGE_DIR / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    return [f"{PACKAGE_DIR}/{path.name}"]


def decision_record(path: Path, stack: str, pinned: dict[str, tuple[str, Ed25519PublicKey]] | None = None) -> RunRecord:
    """The release-gate record of one decision file (the rules are in the module docstring); `pinned` defaults
    to the keys pinned in the repository."""
    record = _read(path)
    source = path.name
    if record is None:
        return RunRecord(RELEASE_GATE, "unknown", source, "not a release decision record")
    decision = record["decision"]
    try:
        status, problems, signer = signer_identity(path, load_pinned_signers() if pinned is None else pinned)
    except TrustFabricError as error:
        return RunRecord(RELEASE_GATE, "unknown", source, str(error))
    time = _time(str(decision.get("decided_at", "")))
    if status == "fail":
        return RunRecord(RELEASE_GATE, "fail", source, "; ".join(problems), time=time)
    if decision.get("stack") != stack:
        return RunRecord(RELEASE_GATE, "unknown", source, f"a decision for stack {decision.get('stack')}, not {stack}")
    outcome = str(decision.get("outcome", ""))
    failed = [str(c.get("name", "?")) for c in decision.get("conditions", []) if c.get("status") == "fail"]
    detail = f"{outcome} {decision.get('candidate', '?')} at {decision.get('decided_at', '?')}"
    if failed:
        detail += f" (failed: {', '.join(failed)})"
    if status == "unknown":
        return RunRecord(RELEASE_GATE, "unknown", source, f"{problems[0]}; {detail}", time=time)
    detail += f"; signed by {signer}"
    return RunRecord(RELEASE_GATE, "pass" if outcome in ("promote", "block") else "unknown", source, detail, time=time)


def load_release_decisions(package: Path, stack: str) -> dict[str, RunRecord]:
    """The decision records a package cites, by kind (`release-gate`); empty when it holds none."""
    files = sorted((package / PACKAGE_DIR).glob("decision-*.json")) if (package / PACKAGE_DIR).is_dir() else []
    if not files:
        return {}
    newest = max(
        files, key=lambda path: (str((_read(path) or {}).get("decision", {}).get("decided_at", "")), path.name)
    )
    return {RELEASE_GATE: decision_record(newest, stack)}


def _time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


__all__ = [
    "DECISION_KINDS",
    "PACKAGE_DIR",
    "RELEASE_GATE",
    "SIGNERS_DIR",
    "UNVERIFIED_IDENTITY",
    "copy_release_decisions",
    "decision_record",
    "load_pinned_signers",
    "load_release_decisions",
    "newest_decision",
    "signer_identity",
]
