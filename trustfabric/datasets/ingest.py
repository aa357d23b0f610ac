"""`datasets ingest`: check a dataset directory, then release it into a store as a content-addressed version.

Two passes, neither loading the dataset: the first validates, hashes and PII-scans every sample (in worker
processes when there are many, each answering a run of samples with its index lines and counts, in id order)
and streams the index to a temporary file; the version id follows from the manifest. Only then is anything written: when `name@version` is already released with the same id the ingest is
a no-op, with another id it is refused (exit 1: a released version is never overwritten). The second pass copies
each file into the store (re-hashing it, so a file changed in between is caught), then the index, the manifest,
and last the label that marks the version released. `progress` hears each pass start and, every PROGRESS_SAMPLES samples
(twice as many files), how far it is.

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
from typing import Any, TypeVar

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
PROGRESS_SAMPLES = 10_000
"""A progress line each time this many more samples are checked (twice as many files stored)."""
T = TypeVar("T")


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


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Checked:
    """What the first pass knows of a run of samples (a worker's whole answer: no per-sample objects cross)."""

    lines: bytes
    """The run's index lines, in id order."""
    slices: Counter[tuple[str, str, str, str]]
    samples: int
    size: int
    files: list[tuple[str, str]]
    """(path relative to the dataset directory, sha256) of every file."""

    @classmethod
    def of(cls, entries: Iterable[IndexEntry]) -> Checked:
        checked = cls(b"", Counter(), 0, 0, [])
        lines: list[bytes] = []
        for entry in entries:
            lines.append(entry.line())
            checked.slices[(entry.jurisdiction, entry.filing_type, entry.document_type, entry.workflow)] += 1
            checked.samples += 1
            checked.size += entry.size
            checked.files.extend((f"samples/{entry.id}/{name}", sha256) for name, sha256 in entry.files.items())
        checked.lines = b"".join(lines)
        return checked


def _check_job(job: tuple[str, list[str]]) -> Checked:
    return Checked.of(scan_chunk(Path(job[0]), job[1]))


def _checked(directory: Path, names: list[str]) -> Iterator[Checked]:
    """The first pass over runs of samples in name order, from a process pool when the dataset is large."""
    jobs = ((str(directory), chunk) for chunk in _chunks(names, CHUNK_SAMPLES))
    if _workers(len(names)) == 1:
        yield from map(_check_job, jobs)
        return
    with multiprocessing.get_context("fork").Pool(_workers(len(names))) as pool:
        yield from pool.imap(_check_job, jobs)  # imap keeps the order: the index is the same bytes either way


def _copy_job(job: tuple[LocalStore, str, list[tuple[str, str]]]) -> tuple[int, int]:
    """(files, files written) of a run copied into a local store."""
    store, directory, files = job
    written = sum(
        store.put_file(object_key(sha256), os.path.join(directory, relative), sha256, verify_existing=False)
        for relative, sha256 in files
    )
    return len(files), written


def _write_objects(
    store: Store, directory: Path, runs: list[list[tuple[str, str]]], progress: Callable[[int], None]
) -> int:
    """Copy every (relative path, sha256) of every run into the store; the number of objects written."""
    if isinstance(store, LocalStore):
        jobs = ((store, str(directory), run) for run in runs)
        workers = _workers(sum(len(run) for run in runs) // 2)
        if workers == 1:
            return _tallied(map(_copy_job, jobs), progress)
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return _tallied(pool.imap_unordered(_copy_job, jobs), progress)
    with ThreadPoolExecutor(max_workers=8) as threads:
        return sum(
            threads.map(
                lambda item: store.put_file(object_key(item[1]), directory / item[0], item[1], verify_existing=False),
                (item for run in runs for item in run),
            )
        )


def _tallied(counts: Iterable[tuple[int, int]], progress: Callable[[int], None]) -> int:
    """The sum of written counts of (files, written) per run, telling `progress` how many files are done."""
    done = written = 0
    for files, count in counts:
        done += files
        written += count
        progress(done)
    return written


def build_manifest(
    dataset: dict[str, Any], index_sha256: str, slices: Counter[tuple[str, str, str, str]], *, files: int, size: int
) -> dict[str, Any]:
    """The manifest of a version from its dataset.json, index hash, samples per slice and totals."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "name": dataset["name"],
        "version": dataset["version"],
        "description": dataset["description"],
        "provenance": dataset["provenance"],
        "pii_status": dataset["pii_status"],
        "tolerances": dataset.get("tolerances", {}),
        "samples": {
            "count": sum(slices.values()),
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


def _every(step: int, total: int, say: Callable[[str], None], what: str) -> Callable[[int], None]:
    """A counter for `progress`: says `N of TOTAL what` each time another `step` are done (and at the end)."""
    said = [0]

    def tell(done: int) -> None:
        if done - said[0] >= step or (done == total and said[0] != total):
            said[0] = done
            say(f"  {done} of {total} {what}")

    return tell


def ingest(directory: Path, store: Store, *, progress: Callable[[str], None] = lambda _message: None) -> IngestResult:
    """Check `directory`, then release it into `store` (see the module docstring)."""
    started = time.perf_counter()
    dataset = read_dataset(directory)
    names = sample_names(directory)
    progress(f"checking {len(names)} samples")
    checked_progress = _every(PROGRESS_SAMPLES, len(names), progress, "samples checked")
    with tempfile.TemporaryDirectory(prefix="tf-ingest-") as scratch:
        index_path = Path(scratch) / "samples.jsonl"
        digest = hashlib.sha256()
        slices: Counter[tuple[str, str, str, str]] = Counter()
        runs: list[list[tuple[str, str]]] = []
        samples = size = 0
        with index_path.open("wb") as index:
            for checked in _checked(directory, names):
                digest.update(checked.lines)
                index.write(checked.lines)
                slices.update(checked.slices)
                samples += checked.samples
                size += checked.size
                runs.append(checked.files)
                checked_progress(samples)
        files = sum(len(run) for run in runs)
        index_sha256 = digest.hexdigest()
        manifest_document = build_manifest(dataset, index_sha256, slices, files=files, size=size)
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
                return IngestResult(manifest, False, 0, files, time.perf_counter() - started, store.url)

        progress(f"writing {files} files to {store.url}")
        written = _write_objects(store, directory, runs, _every(PROGRESS_SAMPLES * 2, files, progress, "files stored"))
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
        return IngestResult(manifest, True, written, files - written, time.perf_counter() - started, store.url)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
