"""`datasets ingest`: check a dataset directory, then release it into a store as a content-addressed version.

Two passes, neither loading the dataset: the first validates, hashes and PII-scans every sample (in worker
processes when there are many) and streams the index to a temporary file; the version id follows from the
manifest. Only then is anything written: when `name@version` is already released with the same id the ingest is
a no-op, with another id it is refused (exit 1: a released version is never overwritten). The second pass copies
each file into the store (re-hashing it, so a file changed in between is caught), then the index, the manifest,
and last the label that marks the version released.

Usage::

    from trustfabric.datasets.ingest import ingest
    from trustfabric.datasets.store import open_store

    result = ingest(Path("golden"), open_store("out/datasets", for_writing=True))
    print(result.version_id, result.created)
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..evidence.signing import canonical_bytes
from .model import (
    MANIFEST_FORMAT,
    IndexEntry,
    Manifest,
    index_key,
    label_key,
    manifest_key,
    object_key,
    sha256_hex,
)
from .schema import DATASET_SCHEMAS
from .source import read_dataset, sample_names, scan_chunk
from .store import LocalStore, ReleasedVersionError, Store
from .versions import label_for

CHUNK_SAMPLES = 500
PARALLEL_FROM = 2_000


@dataclass(frozen=True)
class IngestResult:
    manifest: Manifest
    created: bool
    """False when name@version was already released with these exact contents."""
    objects_written: int
    objects_present: int
    seconds: float
    store: str

    @property
    def version_id(self) -> str:
        return self.manifest.version_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "name": self.manifest.name,
            "version": self.manifest.version,
            "samples": self.manifest.count,
            "created": self.created,
            "objects_written": self.objects_written,
            "objects_present": self.objects_present,
            "seconds": round(self.seconds, 3),
            "store": self.store,
        }


def _workers(count: int) -> int:
    return 1 if count < PARALLEL_FROM else max(1, min(4, os.cpu_count() or 1))


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _scanned(directory: Path, names: list[str]) -> Iterator[IndexEntry]:
    """Index entries in name order, from a process pool when the dataset is large."""
    workers = _workers(len(names))
    if workers == 1:
        for chunk in _chunks(names, CHUNK_SAMPLES):
            yield from scan_chunk(directory, chunk)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        jobs = ((directory, chunk) for chunk in _chunks(names, CHUNK_SAMPLES))
        for entries in pool.imap(_scan_job, jobs):
            yield from entries


def _scan_job(job: tuple[Path, list[str]]) -> list[IndexEntry]:
    return scan_chunk(*job)


def _copy_job(job: tuple[LocalStore, Path, list[tuple[str, str]]]) -> int:
    store, directory, files = job
    return sum(_put_object(store, directory, relative, sha256) for relative, sha256 in files)


def _put_object(store: Store, directory: Path, relative: str, sha256: str) -> bool:
    return store.put_file(object_key(sha256), directory / relative, sha256, verify_existing=False)


def _write_objects(store: Store, directory: Path, files: list[tuple[str, str]]) -> int:
    """Copy every (relative path, sha256) into the store; the number of objects written."""
    workers = _workers(len(files) // 2)
    if isinstance(store, LocalStore):
        if workers == 1:
            return sum(_put_object(store, directory, relative, sha256) for relative, sha256 in files)
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            jobs = ((store, directory, chunk) for chunk in _pairs_chunks(files, CHUNK_SAMPLES * 2))
            return sum(pool.imap_unordered(_copy_job, jobs))
    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(lambda item: _put_object(store, directory, *item), files))


def _pairs_chunks(items: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def build_manifest(dataset: dict[str, Any], index_sha256: str, entries: Iterable[IndexEntry]) -> dict[str, Any]:
    """The manifest of a version from its dataset.json, index hash and entries (counted, not kept)."""
    slices: Counter[tuple[str, str, str, str]] = Counter()
    count = files = size = 0
    for entry in entries:
        slices[(entry.jurisdiction, entry.filing_type, entry.document_type, entry.workflow)] += 1
        count += 1
        files += len(entry.files)
        size += entry.size
    manifest = {
        "format": MANIFEST_FORMAT,
        "name": dataset["name"],
        "version": dataset["version"],
        "description": dataset["description"],
        "provenance": dataset["provenance"],
        "pii_status": dataset["pii_status"],
        "tolerances": dataset.get("tolerances", {}),
        "samples": {
            "count": count,
            "files": files,
            "bytes": size,
            "index": "samples.jsonl",
            "index_sha256": index_sha256,
        },
        "slices": [
            {"jurisdiction": j, "filing_type": f, "document_type": d, "workflow": w, "samples": n}
            for (j, f, d, w), n in sorted(slices.items())
        ],
    }
    DATASET_SCHEMAS.validate("manifest", manifest, source="manifest")
    return manifest


def ingest(directory: Path, store: Store, *, progress: Callable[[str], None] = lambda _message: None) -> IngestResult:
    """Check `directory`, then release it into `store` (see the module docstring)."""
    started = time.perf_counter()
    dataset = read_dataset(directory)
    names = sample_names(directory)
    progress(f"checking {len(names)} samples")
    with tempfile.TemporaryDirectory(prefix="tf-ingest-") as scratch:
        index_path = Path(scratch) / "samples.jsonl"
        digest = hashlib.sha256()
        files: list[tuple[str, str]] = []

        def entries() -> Iterator[IndexEntry]:
            with index_path.open("wb") as index:
                for entry in _scanned(directory, names):
                    line = entry.line()
                    digest.update(line)
                    index.write(line)
                    for name, sha256 in entry.files.items():
                        files.append((f"samples/{entry.id}/{name}", sha256))
                    yield entry

        manifest_document = build_manifest(dataset, "0" * 64, entries())
        index_sha256 = digest.hexdigest()
        manifest_document["samples"]["index_sha256"] = index_sha256
        manifest_bytes = canonical_bytes(manifest_document)
        manifest = Manifest(sha256_hex(manifest_bytes), manifest_document)

        existing = label_for(store, manifest.name, manifest.version)
        if existing is not None:
            if existing.version_id != manifest.version_id:
                raise ReleasedVersionError(
                    f"refused: {manifest.label} is released as {existing.version_id[:12]} with other contents "
                    f"(this directory is {manifest.version_id[:12]}); a released version is never overwritten: "
                    "give the changed dataset a new version in dataset.json"
                )
            if store.exists(manifest_key(manifest.version_id)):
                return IngestResult(manifest, False, 0, len(files), time.perf_counter() - started, store.url)

        progress(f"writing {len(files)} files to {store.url}")
        written = _write_objects(store, directory, files)
        store.put_file(index_key(manifest.version_id), index_path, index_sha256)
        store.put_bytes(manifest_key(manifest.version_id), manifest_bytes)
        label = {
            "name": manifest.name,
            "version": manifest.version,
            "version_id": manifest.version_id,
            "released_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "released_by": _user(),
        }
        if not store.put_bytes(label_key(manifest.name, manifest.version), canonical_bytes(label) + b"\n"):
            raced = label_for(store, manifest.name, manifest.version)
            if raced is not None and raced.version_id != manifest.version_id:
                raise ReleasedVersionError(
                    f"refused: {manifest.label} was released meanwhile as {raced.version_id[:12]}"
                )
        return IngestResult(manifest, True, written, len(files) - written, time.perf_counter() - started, store.url)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
