"""The bytes ingest releases, pinned: the version id of a fixed dataset follows from the documented rule and has
not changed since it was first recorded, in one process and with worker processes."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from .support import PROVENANCE, run_cli, sample, standard_samples, write_dataset

BIG = 1 << 20  # the store's and the scanner's chunk: a document past it is read in more than one piece

RECORDED_VERSION_ID = "f94af76429d2697f6ea5c96d3e3972488c2c987f3e7b6b0e16310d0126f864d2"
"""The id the first implementation (one Path per file, buffered reads, IndexEntry objects from the workers)
gave `fixed_dataset`; the rule below must still give it."""


def fixed_samples() -> list[dict]:
    """The standard six, one with non-ASCII text, and one whose document spans several read chunks."""
    items = standard_samples()
    items.append(
        sample(
            "eu-inv-3",
            "EU",
            expected={"invoice_number": "FACT-3", "total": 12.5, "supplier": "Société Générale Café"},
            document="FACTURE FACT-3\nTotal: 12,50 €\n".encode(),
        )
    )
    items.append(sample("uk-inv-9", "UK", document=b"INVOICE INV-9\n" + b"line item 1.00 GBP\n" * (BIG // 9)))
    return items


def canonical(document: object) -> bytes:
    """The documented canonical JSON: sorted keys, compact separators, UTF-8 (not ASCII-escaped)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def expected_version(directory: Path) -> tuple[str, bytes, bytes]:
    """(version id, manifest bytes, index bytes) computed from the directory by the rule in docs/datasets.md."""
    dataset = json.loads((directory / "dataset.json").read_bytes())
    lines, slices, files, size = [], Counter(), 0, 0
    for folder in sorted((directory / "samples").iterdir(), key=lambda path: path.name):
        data = json.loads((folder / "sample.json").read_bytes())
        hashes = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()}
        bytes_ = sum(path.stat().st_size for path in folder.iterdir())
        line = {key: data[key] for key in ("id", "jurisdiction", "filing_type", "document_type", "workflow")}
        lines.append(canonical({**line, "files": hashes, "bytes": bytes_}) + b"\n")
        slices[(data["jurisdiction"], data["filing_type"], data["document_type"], data["workflow"])] += 1
        files += len(hashes)
        size += bytes_
    index = b"".join(lines)
    manifest = {
        "format": "trustfabric.datasets/manifest/v1",
        **{key: dataset[key] for key in ("name", "version", "description", "provenance", "pii_status")},
        "tolerances": dataset.get("tolerances", {}),
        "samples": {
            "count": len(lines),
            "files": files,
            "bytes": size,
            "index": "samples.jsonl",
            "index_sha256": hashlib.sha256(index).hexdigest(),
        },
        "slices": [
            {"jurisdiction": j, "filing_type": f, "document_type": d, "workflow": w, "samples": n}
            for (j, f, d, w), n in sorted(slices.items())
        ],
    }
    manifest_bytes = canonical(manifest)
    return hashlib.sha256(manifest_bytes).hexdigest(), manifest_bytes, index


@pytest.mark.parametrize("workers", [False, True], ids=["one process", "worker processes"])
def test_a_fixed_dataset_releases_the_recorded_version(capsys, tmp_path, monkeypatch, workers):
    import trustfabric.datasets.ingest as ingest_module

    if workers:
        monkeypatch.setattr(ingest_module, "PARALLEL_FROM", 1)
        monkeypatch.setattr(ingest_module, "CHUNK_SAMPLES", 3)
    directory = write_dataset(tmp_path / "golden", fixed_samples())
    version_id, manifest_bytes, index = expected_version(directory)
    store = tmp_path / "store"
    code, out, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["version_id"] == version_id == RECORDED_VERSION_ID
    assert (store / "versions" / version_id / "manifest.json").read_bytes() == manifest_bytes
    assert (store / "versions" / version_id / "samples.jsonl").read_bytes() == index
    assert json.loads(manifest_bytes)["provenance"] == PROVENANCE
    # every file stored once, byte for byte, under its hash (the big document too)
    for folder in (directory / "samples").iterdir():
        for path in folder.iterdir():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert (store / "objects" / "sha256" / digest[:2] / digest).read_bytes() == path.read_bytes()


def test_a_long_ingest_says_how_far_it_is(tmp_path, monkeypatch):
    import trustfabric.datasets.ingest as ingest_module
    from trustfabric.datasets.store import open_store

    monkeypatch.setattr(ingest_module, "PROGRESS_SAMPLES", 3)
    said: list[str] = []
    directory = write_dataset(tmp_path / "golden", fixed_samples())
    ingest_module.ingest(directory, open_store(str(tmp_path / "store"), for_writing=True), progress=said.append)
    assert said == [
        "checking 8 samples",
        "  8 of 8 samples checked",  # one run of CHUNK_SAMPLES: counted when it comes back
        f"writing 16 files to {tmp_path / 'store'}",
        "  16 of 16 files stored",
    ]
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ingest_module, "CHUNK_SAMPLES", 2)
    said.clear()
    directory = write_dataset(tmp_path / "again", fixed_samples(), version="2026.2")
    ingest_module.ingest(directory, open_store(str(tmp_path / "store"), for_writing=True), progress=said.append)
    assert said[:3] == ["checking 8 samples", "  4 of 8 samples checked", "  8 of 8 samples checked"]
    assert said[3] == f"writing 16 files to {tmp_path / 'store'}"
    # runs of 4 files: said at 8 (6 or more since the last line) and at the end
    assert said[4:] == ["  8 of 16 files stored", "  16 of 16 files stored"]
