"""Reviewed policy exemptions (`policies/exemptions.yaml`): reviewed entries naming a registered policy.

An exemption names a policy and a resource (its URN, or its logical name to cover that name in every stack);
see trustfabric.reviewed for the file shape, liveness and matching, shared with checkov suppressions.

Usage::

    from trustfabric.gate.exemptions import load_exemptions

    exemptions = load_exemptions(Path("policies/exemptions.yaml"), known_policies={"aws-kms-..."})
    live = [e for e in exemptions if e.is_live(date.today())]
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..reviewed import EXEMPTIONS, CheckValidator, ReviewedEntry, load_entries, parse_entries


def _known(known_policies: Collection[str] | None) -> CheckValidator | None:
    if known_policies is None:
        return None

    def validate(policy: str, where: str) -> None:
        if policy not in known_policies:
            close = difflib.get_close_matches(policy, sorted(known_policies), n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TrustFabricError(f"{where}.policy: unknown policy {policy!r}{hint}")

    return validate


def parse_exemptions(data: Any, source: str, known_policies: Collection[str] | None = None) -> list[ReviewedEntry]:
    """Validate the loaded YAML of an exemptions file; errors name `source`, the entry index and the key."""
    return parse_entries(data, source, EXEMPTIONS, _known(known_policies))


def load_exemptions(
    path: Path,
    known_policies: Collection[str] | None = None,
    *,
    today: dt.date | None = None,
    max_lifetime_days: int | None = None,
) -> list[ReviewedEntry]:
    """Read and validate an exemptions file; a bad file raises TrustFabricError naming file, entry and key.

    Every entry must expire within the maximum lifetime (trustfabric.reviewed.load_entries) from `today`."""
    return load_entries(path, EXEMPTIONS, _known(known_policies), today=today, max_lifetime_days=max_lifetime_days)


__all__ = ["load_exemptions", "parse_exemptions"]
