"""Checkov suppressions (`checkov-suppressions.yaml`): the only way to silence a check.

Each entry names a check id, the resource it covers (a URN, a logical name that matches in every stack, or `*`
for every resource), why, who approved it and the last day it applies, and optionally the stacks it applies to
(`stacks: [prod, dr]`); see trustfabric.reviewed for the file shape, the maximum lifetime, liveness and
matching, shared with policy exemptions. The check id must be one checkov runs on what the bridge scans (AWS
Terraform checks and Kubernetes checks, `trustfabric.bridge.known_checks`).

Usage::

    from trustfabric.bridge.suppressions import load_suppressions

    suppressions = load_suppressions(Path("checkov-suppressions.yaml"))
    live = [s for s in suppressions if s.is_live(date.today())]
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..reviewed import EVERY_RESOURCE, SUPPRESSIONS, ReviewedEntry, load_entries, parse_entries
from .known_checks import known_check_ids, known_checkov_version

CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")


def _check_id(check: str, where: str) -> None:
    if not CHECK_ID.fullmatch(check):
        shown = repr(check) if len(repr(check)) <= 60 else f"{repr(check)[:56]}...'"
        raise TrustFabricError(f"{where}.check: {shown} is not a checkov check id (like CKV_AWS_144)")
    if check not in known_check_ids():
        raise TrustFabricError(
            f"{where}.check: {check!r} is not a check checkov {known_checkov_version()} runs on AWS or Kubernetes "
            "resources (checkov --list names them)"
        )


def parse_suppressions(data: Any, source: str) -> list[ReviewedEntry]:
    """Validate a loaded suppressions file; errors name `source`, the entry and the key, on one line."""
    return parse_entries(data, source, SUPPRESSIONS, _check_id)


def load_suppressions(
    path: Path, *, today: dt.date | None = None, max_lifetime_days: int | None = None
) -> list[ReviewedEntry]:
    """Read and validate a suppressions file; a bad file raises TrustFabricError naming file, entry and key.

    Every entry must expire within the maximum lifetime (trustfabric.reviewed.load_entries) from `today`."""
    return load_entries(path, SUPPRESSIONS, _check_id, today=today, max_lifetime_days=max_lifetime_days)


__all__ = ["EVERY_RESOURCE", "load_suppressions", "parse_suppressions"]
