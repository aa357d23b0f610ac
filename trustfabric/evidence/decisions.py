"""The release gate's decisions as evidence: `trustfabric release gate` writes a signed decision record
(`reports/release/decision-<time>-<candidate>.json`, trustfabric.release.decision); the evidence package copies
the newest one for its stack into `release/` and the controls whose catalog entry names `decisions:
[release-gate]` cite it.

A decision is evidence that the gate operated, whatever its outcome: a blocked promotion is the control working.
So its record is `pass` when its signature verifies (with the key embedded in it: it proves the record was not
changed since it was signed; the decision's own fingerprint is in the package for the auditor to match), its
stack is the package's and it names an outcome; `fail` when the signature does not verify; `absent` when the
gate left no decision for the stack. The outcome and the failed conditions are in the record's detail.

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

from ..errors import TrustFabricError
from .controls import DECISION_KINDS
from .inputs import RunRecord

RELEASE_GATE = DECISION_KINDS[0]
"""The decision kind a catalog entry names (`decisions: [release-gate]`)."""
PACKAGE_DIR = "release"
"""Where a package keeps the decision it cites."""


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


def decision_record(path: Path, stack: str) -> RunRecord:
    """The release-gate record of one decision file (the rules are in the module docstring)."""
    from ..release.decision import verify_decision

    record = _read(path)
    source = path.name
    if record is None:
        return RunRecord(RELEASE_GATE, "unknown", source, "not a release decision record")
    decision = record["decision"]
    try:
        problems = [line for line in verify_decision(path, None) if line.startswith("signature:")]
    except TrustFabricError as error:
        return RunRecord(RELEASE_GATE, "unknown", source, str(error))
    time = _time(str(decision.get("decided_at", "")))
    if problems:
        return RunRecord(RELEASE_GATE, "fail", source, "; ".join(problems), time=time)
    if decision.get("stack") != stack:
        return RunRecord(RELEASE_GATE, "unknown", source, f"a decision for stack {decision.get('stack')}, not {stack}")
    outcome = str(decision.get("outcome", ""))
    failed = [str(c.get("name", "?")) for c in decision.get("conditions", []) if c.get("status") == "fail"]
    detail = f"{outcome} {decision.get('candidate', '?')} at {decision.get('decided_at', '?')}"
    if failed:
        detail += f" (failed: {', '.join(failed)})"
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
    "copy_release_decisions",
    "decision_record",
    "load_release_decisions",
    "newest_decision",
]
