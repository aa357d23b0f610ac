"""Vendored reference lists (compliance/*.yaml): every id of a framework with its title, and whether the control
catalog claims each framework in full.

A framework of the catalog with a `reference` (a path from the repository root) must have an entry for every id
of that list and no id outside it; a paragraph of a listed article (`Art.5(1)(e)` of `Art.5`) is in the list.

Usage::

    from trustfabric.evidence.references import load_reference, reference_problems

    titles = load_reference(REPO_ROOT / "compliance" / "iso27001-2022-annex-a.yaml")   # {"A.5.1": "...", ...}
    for line in reference_problems(catalog):
        print(line)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TrustFabricError
from ..files import read_yaml
from ..paths import REPO_ROOT

if TYPE_CHECKING:
    from .controls import Catalog

REFERENCE_KEYS = ("criteria", "controls", "articles", "recommendations")
"""The key of a vendored reference list that maps each id to its title."""


def content_hash(entries: dict[str, Any]) -> str:
    """SHA-256 of a reference list's entries as canonical JSON (sorted keys, separators ',' ':', UTF-8): the
    `content_sha256` each vendored list records."""
    text = json.dumps(entries, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_reference(path: Path) -> dict[str, str]:
    """The id -> title mapping of a vendored reference list (its `criteria`, `controls`, `articles` or
    `recommendations` key)."""
    data = read_yaml(path)
    if isinstance(data, dict):
        for key in REFERENCE_KEYS:
            if isinstance(data.get(key), dict):
                return {str(ident): str(title) for ident, title in data[key].items()}
    raise TrustFabricError(f"{path}: expected a mapping with one of {', '.join(REFERENCE_KEYS)}")


def _article_of(control_id: str) -> str:
    """`Art.5(1)(e)` -> `Art.5`: a paragraph belongs to its article."""
    return control_id.split("(", 1)[0]


def reference_problems(catalog: Catalog, root: Path = REPO_ROOT) -> list[str]:
    """For each framework with a `reference` list: ids the catalog lacks, and catalog ids not in the list.

    A paragraph of a listed article (`Art.5(1)(e)` of `Art.5`) is in the list.
    """
    problems: list[str] = []
    grouped = catalog.by_framework()
    for framework, info in catalog.frameworks.items():
        reference_path = info.get("reference")
        if not reference_path:
            continue
        if not (root / reference_path).is_file():
            problems.append(f"{framework}: reference list {reference_path}: no such file")
            continue
        reference = load_reference(root / reference_path)
        claimed = {control.id for control in grouped.get(framework, [])}
        problems += [
            f"{framework} {ident}: in {reference_path} but not in the catalog"
            for ident in reference
            if ident not in claimed
        ]
        problems += [
            f"{framework} {ident}: not in {reference_path}"
            for ident in sorted(claimed)
            if ident not in reference and _article_of(ident) not in reference
        ]
    return problems


__all__ = ["REFERENCE_KEYS", "content_hash", "load_reference", "reference_problems"]
