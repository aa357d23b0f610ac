"""Checkov suppressions: one reviewed file (`checkov-suppressions.yaml`), the only way to silence a check.

Each entry names a check id, the resource it covers (a URN, a logical name that matches in every stack, or
`*` for every resource), why, who approved it and the last day it applies. A live suppression moves matching
checkov failures aside (shown, never counted); from the day after `expires` it stops applying and is itself a
mandatory finding, so every suppression is a dated, reviewed decision.

File shape (a bare list, or a mapping with a `suppressions` list)::

    suppressions:
      - check: CKV_AWS_144
        resource: "*"
        reason: Cross-region replication is the DR design's job for the records bucket only; see ADR 0003.
        approver: platform-security
        expires: 2027-06-30

Usage::

    from trustfabric.bridge.suppressions import load_suppressions

    suppressions = load_suppressions(Path("checkov-suppressions.yaml"))
    live = [s for s in suppressions if s.is_live(date.today())]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import TrustFabricError
from ..exemptions import parse_date, reviewed_entries
from ..findings import Finding

FIELDS = ("check", "resource", "reason", "approver", "expires")
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
EVERY_RESOURCE = "*"


@dataclass(frozen=True)
class Suppression:
    """One reviewed decision to accept a checkov failure on a resource (or every resource) until a date."""

    check: str
    """Checkov check id, e.g. CKV_AWS_144."""
    resource: str
    """URN, logical name, or `*`."""
    reason: str
    approver: str
    expires: dt.date
    """Last day the suppression applies."""
    index: int = 0
    """Position in the file (for messages)."""

    def is_live(self, today: dt.date) -> bool:
        """True through the day of `expires`."""
        return today <= self.expires

    def matches(self, finding: Finding) -> bool:
        """True when the finding is this check on this resource (URN, logical name, or any for `*`)."""
        if self.check not in (finding.policy, *finding.also):
            return False
        return self.resource == EVERY_RESOURCE or self.resource in (finding.resource.urn, finding.resource.name)

    def as_dict(self) -> dict[str, str]:
        return {
            "check": self.check,
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


def parse_suppressions(data: Any, source: str) -> list[Suppression]:
    """Validate a loaded suppressions file; errors name `source`, the entry and the key, on one line."""
    found: list[Suppression] = []
    for index, where, entry in reviewed_entries(data, source, "suppressions", FIELDS):
        check = entry["check"].strip()
        if not CHECK_ID.match(check):
            raise TrustFabricError(f"{where}.check: {check!r} is not a checkov check id (like CKV_AWS_144)")
        found.append(
            Suppression(
                check=check,
                resource=entry["resource"].strip(),
                reason=" ".join(entry["reason"].split()),
                approver=entry["approver"].strip(),
                expires=parse_date(entry["expires"], where),
                index=index,
            )
        )
    return found


def load_suppressions(path: Path) -> list[Suppression]:
    """Read and validate a suppressions file; a bad file raises TrustFabricError naming file, entry and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise TrustFabricError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    return parse_suppressions(data, str(path))


__all__ = ["EVERY_RESOURCE", "FIELDS", "Suppression", "load_suppressions", "parse_suppressions"]
