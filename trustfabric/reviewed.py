"""Reviewed, expiring acceptances of findings: the one type behind policy exemptions and checkov suppressions.

An entry names a check (a policy name, or a checkov check id), the resource it covers (its URN, or its logical
name to cover that name in every stack; `*` for every resource where the file allows it), why, who approved it
and the last day it applies. While it is live, a finding it matches is moved aside: still shown, never counted.
From the day after `expires` it stops applying and is itself a mandatory finding, so every entry is a dated
decision rather than a permanent silence.

The two files differ only in their list's name and the key naming the check (`EntryKind`):

    exemptions:                                   suppressions:
      - policy: aws-kms-key-rotation-enabled        - check: CKV_AWS_144
        resource: legacy-import-key                   resource: "*"
        reason: Imported key material ...             reason: Replication is the DR design's job ...
        approver: security@example.com                approver: platform-security
        expires: 2025-06-30                           expires: 2027-06-30

(either a mapping with the list, or a bare list). Policy exemptions: trustfabric.gate.exemptions; checkov
suppressions: trustfabric.bridge.suppressions.

Usage::

    from trustfabric.reviewed import EXEMPTIONS, load_entries

    entries = load_entries(Path("policies/exemptions.yaml"), EXEMPTIONS)
    live = [entry for entry in entries if entry.is_live(date.today())]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import TrustFabricError
from .files import read_yaml
from .findings import Finding

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVERY_RESOURCE = "*"


@dataclass(frozen=True)
class EntryKind:
    """What one reviewed file calls its list and its check key, and whether `*` covers every resource."""

    list_key: str
    """The file's list: `exemptions` or `suppressions`."""
    check_key: str
    """The key naming the check: `policy` or `check`."""
    every_resource: bool = False
    """True when `resource: "*"` covers every resource."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every key of an entry, all required, in the order messages list them."""
        return (self.check_key, "resource", "reason", "approver", "expires")


EXEMPTIONS = EntryKind("exemptions", "policy")
SUPPRESSIONS = EntryKind("suppressions", "check", every_resource=True)


@dataclass(frozen=True)
class ReviewedEntry:
    """One reviewed decision to accept a check's finding on a resource (or every resource) until a date."""

    kind: EntryKind
    check: str
    """The policy name or check id the entry accepts."""
    resource: str
    """The resource's URN, its logical name (matches that name in any stack), or `*` where allowed."""
    reason: str
    approver: str
    expires: dt.date
    """Last day the entry applies."""
    index: int = 0
    """Position in the file (for messages)."""

    def is_live(self, today: dt.date) -> bool:
        """True through the day of `expires`; False from the next day on."""
        return today <= self.expires

    def matches(self, finding: Finding) -> bool:
        """True when the finding is this entry's check (or names it in `also`) on its resource."""
        if self.check not in (finding.policy, *finding.also) or not self.resource:
            return False
        if self.kind.every_resource and self.resource == EVERY_RESOURCE:
            return True
        return self.resource in (finding.resource.urn, finding.resource.name)

    def as_dict(self) -> dict[str, str]:
        return {
            self.kind.check_key: self.check,
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


def _entries(data: Any, source: str, kind: EntryKind) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Validate the list: every field required, strings except `expires`, no unknown keys. Yields
    (index, where, entry); errors name source, entry and key."""
    if data is None:
        return
    list_key, fields = kind.list_key, kind.fields
    if isinstance(data, dict):
        unexpected = sorted(set(data) - {list_key})
        if unexpected:
            raise TrustFabricError(f"{source}: {unexpected[0]}: unknown key; expected '{list_key}' (a list)")
        data = data.get(list_key) or []
    if not isinstance(data, list):
        raise TrustFabricError(f"{source}: expected a list of {list_key}, got {type(data).__name__}")
    for index, entry in enumerate(data):
        where = f"{source}: {list_key}[{index}]"
        if not isinstance(entry, dict):
            raise TrustFabricError(f"{where}: expected a mapping with {', '.join(fields)}")
        for key in entry:
            if key not in fields:
                raise TrustFabricError(f"{where}.{key}: unknown key; allowed: {', '.join(fields)}")
        for key in fields:
            value = entry.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise TrustFabricError(f"{where}.{key}: required")
            if key != "expires" and not isinstance(value, str):
                raise TrustFabricError(f"{where}.{key}: expected a string, got {type(value).__name__}")
        yield index, where, entry


def parse_date(value: Any, where: str) -> dt.date:
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


CheckValidator = Callable[[str, str], None]
"""Called with (check, where) for every entry; raises TrustFabricError for a check the file may not name."""


def parse_entries(
    data: Any, source: str, kind: EntryKind, validate_check: CheckValidator | None = None
) -> list[ReviewedEntry]:
    """Validate the loaded YAML of a reviewed file; errors name `source`, the entry index and the key."""
    found: list[ReviewedEntry] = []
    for index, where, entry in _entries(data, source, kind):
        check = entry[kind.check_key].strip()
        if validate_check is not None:
            validate_check(check, where)
        found.append(
            ReviewedEntry(
                kind=kind,
                check=check,
                resource=entry["resource"].strip(),
                reason=" ".join(entry["reason"].split()),
                approver=entry["approver"].strip(),
                expires=parse_date(entry["expires"], where),
                index=index,
            )
        )
    return found


def load_entries(path: Path, kind: EntryKind, validate_check: CheckValidator | None = None) -> list[ReviewedEntry]:
    """Read and validate a reviewed file; a bad file raises TrustFabricError naming file, entry and key."""
    return parse_entries(read_yaml(path), str(path), kind, validate_check)


__all__ = [
    "EVERY_RESOURCE",
    "EXEMPTIONS",
    "SUPPRESSIONS",
    "EntryKind",
    "ReviewedEntry",
    "load_entries",
    "parse_date",
    "parse_entries",
]
