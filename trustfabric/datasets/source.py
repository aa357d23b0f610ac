"""A dataset directory as curators write it (and `datasets synth` generates it), read and checked sample by sample.

Layout::

    DIR/dataset.json                 name, version, description, provenance, pii_status, default tolerances
    DIR/samples/<id>/sample.json     slice, document reference, expected output, tolerances, annotations
    DIR/samples/<id>/<document>      the input document (any media type), named by sample.json

Each sample is checked against `sample.schema.json`, its id must be its directory's name, its directory holds
exactly sample.json and the document, and no file may carry an unredacted personal datum (the telemetry
redaction rules). Files are hashed in a stream; sample.json (at most 16 MiB) is the only file parsed.

Usage::

    from trustfabric.datasets.source import read_dataset, sample_names, scan_sample

    dataset = read_dataset(Path("golden"))
    entry = scan_sample(Path("golden"), "s-000001")        # IndexEntry, or TrustFabricError (exit 2)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from .model import DATASET_FILE, SAMPLE_FILE, IndexEntry
from .pii import PiiScanner
from .schema import DATASET_SCHEMAS, load_json
from .store import CHUNK

MAX_SAMPLE_JSON = 16 << 20


def _refuse_pii(source: str, kind: str, where: str) -> TrustFabricError:
    return TrustFabricError(
        f"{source}: {where}: unredacted personal data ({kind}); redact it before ingest "
        f"(the telemetry marker is [REDACTED:{kind}])"
    )


def read_dataset(directory: Path) -> dict[str, Any]:
    """dataset.json of a dataset directory, validated (TrustFabricError naming the file and JSON path)."""
    if not directory.is_dir():
        raise TrustFabricError(f"{directory}: not a directory")
    path = directory / DATASET_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TrustFabricError(f"{path}: missing; a dataset directory starts with {DATASET_FILE}") from None
    document = load_json(data, source=str(path))
    DATASET_SCHEMAS.validate("dataset", document, source=str(path))
    finding = PiiScanner().scan_json(document)
    if finding is not None:
        raise _refuse_pii(str(path), finding.kind, finding.where)
    return dict(document)


def sample_names(directory: Path) -> list[str]:
    """The sample directories under DIR/samples, sorted (their names are the sample ids)."""
    samples = directory / "samples"
    if not samples.is_dir():
        raise TrustFabricError(f"{samples}: missing; samples live in samples/<id>/")
    names: list[str] = []
    with os.scandir(samples) as entries:
        for entry in entries:
            if entry.is_dir():
                names.append(entry.name)
            elif not entry.name.startswith("."):
                raise TrustFabricError(f"{samples / entry.name}: not a sample directory; samples/ holds only <id>/")
    if not names:
        raise TrustFabricError(f"{samples}: no samples")
    return sorted(names)


def read_chunks(descriptor: int) -> Iterator[bytes]:
    """The bytes of an open file in chunks of at most CHUNK: a small file is one read (and one that sees its end)."""
    want = min(os.fstat(descriptor).st_size + 1, CHUNK)
    while chunk := os.read(descriptor, want):
        yield chunk
        want = CHUNK


def _open(path: str, missing: str) -> int:
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise TrustFabricError(f"{path}: missing; {missing}") from None
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None


def _read_sample_json(path: str) -> tuple[bytes, str]:
    descriptor = _open(path, f"every sample directory holds {SAMPLE_FILE}")
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in read_chunks(descriptor):
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_SAMPLE_JSON:
                raise TrustFabricError(
                    f"{path}: larger than {MAX_SAMPLE_JSON >> 20} MiB; keep the document in its own file"
                )
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    return data, hashlib.sha256(data).hexdigest()


def _hash_and_scan(path: str) -> tuple[str, int]:
    """sha256 and size of a document, streamed, refusing one with an unredacted datum."""
    digest = hashlib.sha256()
    scanner = PiiScanner()
    size = 0
    descriptor = _open(path, "sample.json names it as the document")
    try:
        for chunk in read_chunks(descriptor):
            digest.update(chunk)
            scanner.feed(chunk)
            size += len(chunk)
            if scanner.finding is not None:
                raise _refuse_pii(path, scanner.finding.kind, scanner.finding.where)
    except OSError as error:
        raise TrustFabricError(f"{path}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    return digest.hexdigest(), size


def scan_sample(directory: Path, name: str) -> IndexEntry:
    """Validate, hash and PII-scan one sample directory; its index entry."""
    return _scan(os.path.join(directory, "samples", name), name)


def _scan(folder: str, name: str) -> IndexEntry:
    # Plain os calls on str paths (no pathlib, no buffered file objects): ingest runs this for every sample.
    source = f"{folder}/{SAMPLE_FILE}"
    data, sample_sha = _read_sample_json(source)
    document = load_json(data, source=source, decimals=True)
    DATASET_SCHEMAS.validate("sample", document, source=source)
    if document["id"] != name:
        raise TrustFabricError(f"{source}: $.id: {document['id']!r} does not match its directory {name!r}")
    scanner = PiiScanner()
    scanner.feed(data)
    finding = scanner.finding
    if finding is not None or b"\\u" in data:
        # Name the JSON path (and see through \u escapes) when the raw bytes hint at a datum.
        in_json = scanner.scan_json(document)
        if in_json is not None:
            raise _refuse_pii(source, in_json.kind, in_json.where)
        if finding is not None:
            raise _refuse_pii(source, finding.kind, finding.where)
    document_name = document["document"]["file"]
    extra = sorted(entry for entry in os.listdir(folder) if entry not in (SAMPLE_FILE, document_name))
    if extra:
        raise TrustFabricError(
            f"{os.path.join(folder, extra[0])}: not part of the sample; a sample directory holds {SAMPLE_FILE} and "
            f"the document it names ({document_name})"
        )
    document_sha, document_size = _hash_and_scan(f"{folder}/{document_name}")  # the schema allows no "/" in it
    return IndexEntry(
        id=name,
        jurisdiction=document["jurisdiction"],
        filing_type=document["filing_type"],
        document_type=document["document_type"],
        workflow=document["workflow"],
        files={SAMPLE_FILE: sample_sha, document_name: document_sha},
        size=len(data) + document_size,
    )


def scan_chunk(directory: Path, names: list[str]) -> list[IndexEntry]:
    """`scan_sample` for a run of names (the unit of work of a worker process)."""
    samples = os.path.join(directory, "samples")
    return [_scan(f"{samples}/{name}", name) for name in names]
