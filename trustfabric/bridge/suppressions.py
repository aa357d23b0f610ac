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
from ..findings import Finding

FIELDS = ("check", "resource", "reason", "approver", "expires")
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
EVERY_RESOURCE = "*"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


def _parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise TrustFabricError(f"{where}.expires: {value!r} is not a date (YYYY-MM-DD)")


def parse_suppressions(data: Any, source: str) -> list[Suppression]:
    """Validate a loaded suppressions file; errors name `source`, the entry and the key, on one line."""
    if data is None:
        return []
    if isinstance(data, dict):
        unexpected = sorted(set(data) - {"suppressions"})
        if unexpected:
            raise TrustFabricError(f"{source}: {unexpected[0]}: unknown key; expected 'suppressions' (a list)")
        data = data.get("suppressions") or []
    if not isinstance(data, list):
        raise TrustFabricError(f"{source}: expected a list of suppressions, got {type(data).__name__}")
    found: list[Suppression] = []
    for index, entry in enumerate(data):
        where = f"{source}: suppressions[{index}]"
        if not isinstance(entry, dict):
            raise TrustFabricError(f"{where}: expected a mapping with {', '.join(FIELDS)}")
        for key in entry:
            if key not in FIELDS:
                raise TrustFabricError(f"{where}.{key}: unknown key; allowed: {', '.join(FIELDS)}")
        for key in FIELDS:
            value = entry.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise TrustFabricError(f"{where}.{key}: required")
            if key != "expires" and not isinstance(value, str):
                raise TrustFabricError(f"{where}.{key}: expected a string, got {type(value).__name__}")
        check = entry["check"].strip()
        if not CHECK_ID.match(check):
            raise TrustFabricError(f"{where}.check: {check!r} is not a checkov check id (like CKV_AWS_144)")
        found.append(
            Suppression(
                check=check,
                resource=entry["resource"].strip(),
                reason=" ".join(entry["reason"].split()),
                approver=entry["approver"].strip(),
                expires=_parse_date(entry["expires"], where),
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
