"""The restore drill's evidence: known accounting records written before the incident, and their verification.

Every record is deterministic JSON (its key, amount and currency follow from its number; the drill id makes it
unique to the run), so what comes back from a restore is checked record by record against the SHA-256 of what
was written: a record is restored, missing or mismatched, and `lost` counts the last two.

Usage::

    from trustfabric.drills.records import known_records, sha256, verify

    written = known_records("UK", "s3", 3, drill_id="run-1")
    result = verify("s3", {key: sha256(body) for key, body in written.items()}, restored_bytes_by_key)
    assert result.lost == 0
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

CURRENCY = {"UK": "GBP", "EU": "EUR", "US": "USD", "CA": "CAD"}
"""The currency of a jurisdiction's records."""
LISTED = 20
"""At most this many missing or mismatched keys are listed in a report (the counts are always complete)."""


def known_records(code: str, kind: str, count: int, drill_id: str) -> dict[str, bytes]:
    """`count` deterministic accounting records (JSON bytes) by key; `drill_id` makes them unique."""
    records = {}
    for number in range(count):
        record = {
            "record_id": f"{kind}-{number:06d}",
            "drill_id": drill_id,
            "jurisdiction": code,
            "currency": CURRENCY.get(code, "XXX"),
            "amount_minor": (number * 7919 + 104729) % 1_000_000,
            "memo": f"restore drill {kind} record {number}",
        }
        records[f"records/{kind}-{number:06d}.json"] = json.dumps(record, sort_keys=True).encode()
    return records


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Verification:
    """Records of one restore target checked against what was written."""

    target: str
    written: int
    restored: int = 0
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    time_to_restore_seconds: float = 0.0

    @property
    def lost(self) -> int:
        return len(self.missing) + len(self.mismatched)

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "restored": self.restored,
            "lost": self.lost,
            "missing": self.missing[:LISTED],
            "checksum_mismatch": self.mismatched[:LISTED],
            "time_to_restore_seconds": round(self.time_to_restore_seconds, 3),
        }


def verify(target: str, expected: dict[str, str], actual: dict[str, bytes]) -> Verification:
    """Compare SHA-256 checksums of every expected record with the restored bytes."""
    result = Verification(target=target, written=len(expected))
    for key, checksum in sorted(expected.items()):
        if key not in actual:
            result.missing.append(key)
        elif sha256(actual[key]) != checksum:
            result.mismatched.append(key)
        else:
            result.restored += 1
    return result
