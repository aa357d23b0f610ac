"""Reviewed policy exemptions: one YAML file, each entry with a reason, an approver and an expiry date.

An exemption names a policy and a resource (its URN, or its logical name to cover that name in every stack).
While it is live, a finding it matches is moved aside as *exempted*: still shown, never counted. On the day
after `expires`, the exemption stops applying and itself becomes a mandatory finding, so an exemption is a
dated decision rather than a permanent silence.

File shape (`policies/exemptions.yaml`; a bare list or a mapping with an `exemptions` list)::

    exemptions:
      - policy: aws-kms-key-rotation-enabled
        resource: legacy-import-key            # or a full URN
        reason: Imported key material cannot rotate; replaced in TF-123.
        approver: security@example.com
        expires: 2025-06-30

Usage::

    from trustfabric.exemptions import load_exemptions

    exemptions = load_exemptions(Path("policies/exemptions.yaml"), known_policies={"aws-kms-..."})
    live = [e for e in exemptions if e.is_live(date.today())]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import TrustFabricError
from .findings import Finding

FIELDS = ("policy", "resource", "reason", "approver", "expires")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Exemption:
    """One reviewed decision to accept a policy violation on one resource until a date."""

    policy: str
    """Policy name the exemption applies to."""
    resource: str
    """The resource's URN, or its logical name (matches that name in any stack)."""
    reason: str
    approver: str
    expires: dt.date
    """Last day the exemption applies."""
    index: int = 0
    """Position in the file (for messages)."""

    def is_live(self, today: dt.date) -> bool:
        """True through the day of `expires`; False from the next day on."""
        return today <= self.expires

    def matches(self, finding: Finding) -> bool:
        """True when the finding is about this exemption's policy and resource (by URN or logical name)."""
        if finding.policy != self.policy:
            return False
        return self.resource in (finding.resource.urn, finding.resource.name) and bool(self.resource)

    def as_dict(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


def reviewed_entries(
    data: Any, source: str, list_key: str, fields: tuple[str, ...]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Validate a reviewed list of expiring entries (exemptions, checkov suppressions): every field required,
    strings except `expires`, no unknown keys. Yields (index, where, entry); errors name source, entry and key."""
    if data is None:
        return
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


def parse_exemptions(data: Any, source: str, known_policies: Collection[str] | None = None) -> list[Exemption]:
    """Validate the loaded YAML of an exemptions file; errors name `source`, the entry index and the key."""
    found: list[Exemption] = []
    for index, where, entry in reviewed_entries(data, source, "exemptions", FIELDS):
        policy = entry["policy"].strip()
        if known_policies is not None and policy not in known_policies:
            raise TrustFabricError(f"{where}.policy: unknown policy {policy!r}")
        found.append(
            Exemption(
                policy=policy,
                resource=entry["resource"].strip(),
                reason=entry["reason"].strip(),
                approver=entry["approver"].strip(),
                expires=parse_date(entry["expires"], where),
                index=index,
            )
        )
    return found


def load_exemptions(path: Path, known_policies: Collection[str] | None = None) -> list[Exemption]:
    """Read and validate an exemptions file; a bad file raises TrustFabricError naming file, entry and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise TrustFabricError(f"{path}: not valid YAML: {problem}") from None
    return parse_exemptions(data, str(path), known_policies)


__all__ = ["FIELDS", "Exemption", "load_exemptions", "parse_exemptions"]
