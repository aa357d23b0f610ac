"""`datasets diff A B`: samples added, removed and changed between two versions, per jurisdiction and document type.

The two indexes are merged in id order (streamed). A sample is changed when any of its files' hashes differ;
for a changed sample.json the expected outputs are compared field by field (`compare.changed_fields`), and the
other parts that changed are named: the document, the tolerances, the annotations, the slice.

Usage::

    from trustfabric.datasets.diff import diff_versions

    changes = diff_versions(store, "golden-accounting@2026.1", "golden-accounting@2026.2")
    print(changes.render_text())
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .compare import changed_fields
from .model import IndexEntry, Manifest
from .store import Store
from .versions import iter_index, read_manifest, read_sample, resolve

_SLICE_KEYS = ("jurisdiction", "filing_type", "document_type", "workflow")


@dataclass
class Group:
    added: int = 0
    removed: int = 0
    changed: int = 0


@dataclass
class DatasetDiff:
    before: Manifest
    after: Manifest
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    groups: dict[tuple[str, str], Group] = field(default_factory=lambda: defaultdict(Group))

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": {"id": self.before.version_id, "name": self.before.name, "version": self.before.version},
            "b": {"id": self.after.version_id, "name": self.after.name, "version": self.after.version},
            "summary": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
            },
            "groups": [
                {"jurisdiction": j, "document_type": d, "added": g.added, "removed": g.removed, "changed": g.changed}
                for (j, d), g in sorted(self.groups.items())
            ],
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }

    def render_text(self) -> str:
        lines = [
            f"a: {self.before.label} ({self.before.version_id[:12]})",
            f"b: {self.after.label} ({self.after.version_id[:12]})",
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed, "
            f"{self.unchanged} unchanged",
        ]
        if self.groups:
            lines.append(f"  {'jurisdiction':<12} {'document type':<16} {'added':>7} {'removed':>8} {'changed':>8}")
            for (jurisdiction, document_type), group in sorted(self.groups.items()):
                lines.append(
                    f"  {jurisdiction:<12} {document_type:<16} {group.added:>7} {group.removed:>8} {group.changed:>8}"
                )
        lines += [f"+ {item['id']} ({item['jurisdiction']}, {item['document_type']})" for item in self.added]
        lines += [f"- {item['id']} ({item['jurisdiction']}, {item['document_type']})" for item in self.removed]
        for item in self.changed:
            parts = [f"expected: {', '.join(item['expected_fields'])}"] if item["expected_fields"] else []
            parts += [part for part in item["parts"] if part != "expected"]
            lines.append(f"~ {item['id']} ({item['jurisdiction']}, {item['document_type']}): {'; '.join(parts)}")
        return "\n".join(lines) + "\n"


def _brief(entry: IndexEntry) -> dict[str, str]:
    return {"id": entry.id, "jurisdiction": entry.jurisdiction, "document_type": entry.document_type}


def _merged(
    left: Iterator[IndexEntry], right: Iterator[IndexEntry]
) -> Iterator[tuple[IndexEntry | None, IndexEntry | None]]:
    """Pairs of entries with the same id from two id-sorted streams (None where one side lacks it)."""
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a.id < b.id):
            yield a, None
            a = next(left, None)
        elif a is None or b.id < a.id:
            yield None, b
            b = next(right, None)
        else:
            yield a, b
            a, b = next(left, None), next(right, None)


def _changed_parts(store: Store, before: IndexEntry, after: IndexEntry) -> tuple[list[str], list[str]]:
    """(expected fields changed, parts changed) of a sample whose files differ."""
    parts: list[str] = []
    if before.files.get(before.document_name) != after.files.get(after.document_name) or (
        before.document_name != after.document_name
    ):
        parts.append("document")
    fields: list[str] = []
    if before.sample_sha256 != after.sample_sha256:
        old, new = read_sample(store, before), read_sample(store, after)
        fields = changed_fields(old["expected"], new["expected"])
        if fields:
            parts.append("expected")
        for part in ("tolerances", "annotations"):
            if old.get(part) != new.get(part):
                parts.append(part)
        if any(old.get(key) != new.get(key) for key in _SLICE_KEYS):
            parts.append("slice")
    return fields, parts or ["sample.json"]


def diff_versions(store: Store, reference_a: str, reference_b: str) -> DatasetDiff:
    before = read_manifest(store, resolve(store, reference_a))
    after = read_manifest(store, resolve(store, reference_b))
    result = DatasetDiff(before, after)
    for old, new in _merged(iter_index(store, before), iter_index(store, after)):
        if new is None:
            assert old is not None
            result.removed.append(_brief(old))
            result.groups[(old.jurisdiction, old.document_type)].removed += 1
        elif old is None:
            result.added.append(_brief(new))
            result.groups[(new.jurisdiction, new.document_type)].added += 1
        elif old.files == new.files:
            result.unchanged += 1
        else:
            fields, parts = _changed_parts(store, old, new)
            result.changed.append({**_brief(new), "expected_fields": fields, "parts": parts})
            result.groups[(new.jurisdiction, new.document_type)].changed += 1
    return result
