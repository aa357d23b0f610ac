"""Released versions in a store: labels, manifests, sample indexes and samples, each read and verified.

A version is named by its id (64 hex), a unique prefix of it (at least 6 hex), or `name@version`. Every read
checks content against the hash that names it: a manifest against the version id, an index against the manifest,
a sample against the index. A mismatch is one line naming the stored file (TamperedError, exit 2).

Usage::

    from trustfabric.datasets.versions import iter_index, read_manifest, read_sample, released, resolve

    version_id = resolve(store, "golden-accounting@2026.1")
    manifest = read_manifest(store, version_id)
    for entry in iter_index(store, manifest):
        sample = read_sample(store, entry)          # sample.json as a dict, numbers with fractions as Decimal
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import TrustFabricError
from .model import IndexEntry, Manifest, index_key, label_key, manifest_key, object_key
from .schema import DATASET_SCHEMAS, load_json
from .store import Store, TamperedError, iter_lines

_HEX = re.compile(r"^[0-9a-f]{6,64}$")


@dataclass(frozen=True)
class Label:
    """`labels/<name>/<version>.json`: the release of a version under its name."""

    name: str
    version: str
    version_id: str
    released_at: str
    released_by: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "version": self.version,
            "version_id": self.version_id,
            "released_at": self.released_at,
            "released_by": self.released_by,
        }


def read_label(store: Store, key: str) -> Label:
    data = load_json(store.read(key), source=store.where(key))
    try:
        return Label(**{field: str(data[field]) for field in Label.__dataclass_fields__})
    except (KeyError, TypeError):
        raise TamperedError(f"{store.where(key)}: not a release label") from None


def released(store: Store) -> list[Label]:
    """Every released version of the store, oldest first."""
    labels = [read_label(store, key) for key in store.list("labels/") if key.endswith(".json")]
    return sorted(labels, key=lambda label: (label.released_at, label.name, label.version))


def label_for(store: Store, name: str, version: str) -> Label | None:
    key = label_key(name, version)
    return read_label(store, key) if store.exists(key) else None


def resolve(store: Store, reference: str) -> str:
    """The version id a reference names: an id, a unique id prefix (6+ hex) or name@version."""
    unknown = TrustFabricError(
        f"{reference}: no such dataset version in {store.url}; `trustfabric datasets version list` shows them"
    )
    if "@" in reference:
        name, _, version = reference.partition("@")
        if not name or not version or "/" in reference:
            raise unknown
        label = label_for(store, name, version)
        if label is None:
            raise unknown
        return label.version_id
    if not _HEX.match(reference):
        raise TrustFabricError(
            f"{reference}: not a version reference; give a version id (or 6+ of its hex digits) or name@version"
        )
    if len(reference) == 64:
        if not store.exists(manifest_key(reference)):
            raise unknown
        return reference
    matches = sorted({label.version_id for label in released(store) if label.version_id.startswith(reference)})
    if len(matches) > 1:
        raise TrustFabricError(f"{reference}: matches {len(matches)} versions; give more of the id")
    if not matches:
        raise unknown
    return matches[0]


def read_manifest(store: Store, version_id: str) -> Manifest:
    """The version's manifest, whose canonical bytes must hash to its id."""
    key = manifest_key(version_id)
    data = store.read_verified(key, version_id)
    document = load_json(data, source=store.where(key))
    DATASET_SCHEMAS.validate("manifest", document, source=store.where(key))
    return Manifest(version_id, document)


def iter_index(store: Store, manifest: Manifest) -> Iterator[IndexEntry]:
    """The version's samples in id order, streamed; the index must hash to what the manifest says (checked when
    the stream ends, and before that on any line that does not parse)."""
    key = index_key(manifest.version_id)
    digest = hashlib.sha256()
    where = store.where(key)
    tampered = TamperedError(f"{where}: sha256 does not match the manifest's index_sha256: tampered or corrupt")
    with store.open(key) as handle:
        for number, line in enumerate(iter_lines(handle), start=1):
            digest.update(line)
            try:
                yield IndexEntry.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError):
                raise TamperedError(f"{where}:{number}: not an index line: tampered or corrupt") from None
    if digest.hexdigest() != manifest.index_sha256:
        raise tampered


def read_sample(store: Store, entry: IndexEntry) -> dict[str, Any]:
    """sample.json of an index entry, verified against its sha256; fractions as Decimal."""
    key = object_key(entry.sample_sha256)
    data = store.read_verified(key, entry.sample_sha256)
    document: dict[str, Any] = load_json(data, source=store.where(key), decimals=True)
    return document


def verify_version(store: Store, manifest: Manifest) -> int:
    """Stream-hash every file of the version (TamperedError at the first mismatch); the number of files."""
    checked = 0
    for entry in iter_index(store, manifest):
        for sha256 in entry.files.values():
            store.verify(object_key(sha256), sha256)
            checked += 1
    return checked
