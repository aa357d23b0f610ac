"""Checkov suppressions (`checkov-suppressions.yaml`): the only way to silence a check.

Each entry names a check id, the resource it covers (a URN, a logical name that matches in every stack, or `*`
for every resource), why, who approved it and the last day it applies; see trustfabric.reviewed for the file
shape, liveness and matching, shared with policy exemptions.

Usage::

    from trustfabric.bridge.suppressions import load_suppressions

    suppressions = load_suppressions(Path("checkov-suppressions.yaml"))
    live = [s for s in suppressions if s.is_live(date.today())]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..reviewed import EVERY_RESOURCE, SUPPRESSIONS, ReviewedEntry, load_entries, parse_entries

CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")


def _check_id(check: str, where: str) -> None:
    if not CHECK_ID.match(check):
        raise TrustFabricError(f"{where}.check: {check!r} is not a checkov check id (like CKV_AWS_144)")


def parse_suppressions(data: Any, source: str) -> list[ReviewedEntry]:
    """Validate a loaded suppressions file; errors name `source`, the entry and the key, on one line."""
    return parse_entries(data, source, SUPPRESSIONS, _check_id)


def load_suppressions(path: Path) -> list[ReviewedEntry]:
    """Read and validate a suppressions file; a bad file raises TrustFabricError naming file, entry and key."""
    return load_entries(path, SUPPRESSIONS, _check_id)


__all__ = ["EVERY_RESOURCE", "load_suppressions", "parse_suppressions"]
