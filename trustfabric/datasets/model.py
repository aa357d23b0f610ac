"""The types a dataset version is made of: the stored manifest, its index lines, and canonical JSON.

A version in a store (a local directory or `s3://bucket/prefix`) is::

    objects/sha256/<2 hex>/<64 hex>        every sample file, content-addressed (sample.json and the document)
    versions/<id>/manifest.json            canonical JSON; <id> is its sha256
    versions/<id>/samples.jsonl            one canonical line per sample, sorted by id; manifest holds its sha256
    labels/<name>/<version>.json           name@version -> id, when and by whom it was released

so the version id covers every file of every sample: the manifest names the index by hash, the index names each
file by hash, and each object's key is its hash.

Usage::

    from trustfabric.datasets.model import IndexEntry, object_key

    entry = IndexEntry.from_dict(json.loads(line))
    key = object_key(entry.files["sample.json"])
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..evidence.signing import canonical_bytes

MANIFEST_FORMAT = "trustfabric.datasets/manifest/v1"
INDEX_NAME = "samples.jsonl"
SAMPLE_FILE = "sample.json"
DATASET_FILE = "dataset.json"
DIMENSIONS: tuple[str, ...] = ("jurisdiction", "filing_type", "document_type")
"""The slices accuracy is reported by (and thresholds are set for)."""
JURISDICTION_CODES: tuple[str, ...] = ("UK", "EU", "US", "CA")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def object_key(sha256: str) -> str:
    return f"objects/sha256/{sha256[:2]}/{sha256}"


def manifest_key(version_id: str) -> str:
    return f"versions/{version_id}/manifest.json"


def index_key(version_id: str) -> str:
    return f"versions/{version_id}/{INDEX_NAME}"


def label_key(name: str, version: str) -> str:
    return f"labels/{name}/{version}.json"


@dataclass(frozen=True)
class IndexEntry:
    """One sample of a version: its slice and the sha256 of each of its two files."""

    id: str
    jurisdiction: str
    filing_type: str
    document_type: str
    workflow: str
    files: dict[str, str]
    """File name -> sha256: `sample.json` and the document."""
    size: int
    """Bytes of both files (`bytes` in the index line)."""

    @property
    def sample_sha256(self) -> str:
        return self.files[SAMPLE_FILE]

    @property
    def document_name(self) -> str:
        return next(name for name in self.files if name != SAMPLE_FILE)

    def slice_value(self, dimension: str) -> str:
        return str(getattr(self, dimension))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "jurisdiction": self.jurisdiction,
            "filing_type": self.filing_type,
            "document_type": self.document_type,
            "workflow": self.workflow,
            "files": dict(sorted(self.files.items())),
            "bytes": self.size,
        }

    def line(self) -> bytes:
        return canonical_bytes(self.as_dict()) + b"\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexEntry:
        return cls(
            id=data["id"],
            jurisdiction=data["jurisdiction"],
            filing_type=data["filing_type"],
            document_type=data["document_type"],
            workflow=data["workflow"],
            files=dict(data["files"]),
            size=int(data.get("bytes", 0)),
        )


@dataclass(frozen=True)
class Manifest:
    """A stored version's manifest (as validated against manifest.schema.json) and its id."""

    version_id: str
    document: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.document["name"])

    @property
    def version(self) -> str:
        return str(self.document["version"])

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def count(self) -> int:
        return int(self.document["samples"]["count"])

    @property
    def index_sha256(self) -> str:
        return str(self.document["samples"]["index_sha256"])

    @property
    def tolerances(self) -> dict[str, Any]:
        return dict(self.document.get("tolerances", {}))

    def summary(self) -> dict[str, Any]:
        """What `version list` shows of a version."""
        return {
            "id": self.version_id,
            "name": self.name,
            "version": self.version,
            "samples": self.count,
            "pii_status": self.document["pii_status"],
            "curated_by": self.document["provenance"]["curated_by"],
            "curated_at": self.document["provenance"]["curated_at"],
        }
