"""ingest and version list/show on a local store: content addressing, idempotence, refusals, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from .support import run_cli, sample, standard_samples, write_dataset


def ingest(capsys, directory: Path, store: Path) -> dict:
    code, out, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_ingest_writes_a_content_addressed_version(capsys, tmp_path, store):
    result = ingest(capsys, write_dataset(tmp_path / "golden"), store)
    version_id = result["version_id"]
    manifest_path = store / "versions" / version_id / "manifest.json"
    # The version id is the sha256 of the stored (canonical) manifest ...
    assert hashlib.sha256(manifest_path.read_bytes()).hexdigest() == version_id
    manifest = json.loads(manifest_path.read_bytes())
    # ... which names the index by hash, which names every file by hash, stored under its hash.
    index = (store / "versions" / version_id / "samples.jsonl").read_bytes()
    assert hashlib.sha256(index).hexdigest() == manifest["samples"]["index_sha256"]
    entries = [json.loads(line) for line in index.splitlines()]
    assert [e["id"] for e in entries] == sorted(s["id"] for s in standard_samples())
    source = tmp_path / "golden" / "samples" / "uk-inv-1" / "document.txt"
    uk = next(e for e in entries if e["id"] == "uk-inv-1")
    assert uk["files"]["document.txt"] == hashlib.sha256(source.read_bytes()).hexdigest()
    stored = store / "objects" / "sha256" / uk["files"]["document.txt"][:2] / uk["files"]["document.txt"]
    assert stored.read_bytes() == source.read_bytes()
    assert not stat.S_IMODE(os.stat(stored).st_mode) & 0o222  # read-only
    assert manifest["samples"] == {
        "count": 6,
        "files": 12,
        "bytes": manifest["samples"]["bytes"],
        "index": "samples.jsonl",
        "index_sha256": manifest["samples"]["index_sha256"],
    }
    assert {(s["jurisdiction"], s["document_type"], s["samples"]) for s in manifest["slices"]} == {
        ("UK", "invoice", 2),
        ("US", "receipt", 2),
        ("EU", "ledger", 2),
    }
    assert manifest["provenance"]["curated_by"] == "team-quality" and manifest["pii_status"] == "redacted"
    # Six sample.json files and one document the six samples share (the same bytes are stored once).
    assert result["created"] is True and (result["objects_written"], result["objects_present"]) == (7, 5)


def test_ingesting_the_same_directory_again_writes_nothing(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden")
    first = ingest(capsys, directory, store)
    code, out, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert code == 0, err
    assert out.startswith(
        f"golden-accounting@2026.1 already released (nothing written): version {first['version_id']}\n"
    )


def test_a_released_version_is_never_overwritten(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden")
    first = ingest(capsys, directory, store)
    (directory / "samples" / "uk-inv-1" / "document.txt").write_bytes(b"INVOICE INV-1\nTotal: 121.00 GBP\n")
    code, out, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert code == 1
    changed = err.split("this directory is ")[1][:12]
    assert err == (
        f"error: refused: golden-accounting@2026.1 is released as {first['version_id'][:12]} with other contents "
        f"(this directory is {changed}); a released version is never overwritten: give the changed dataset a new "
        "version in dataset.json\n"
    )
    assert out == ""
    # The original is intact and still the one the label names.
    code, out, err = run_cli(
        capsys, "datasets", "version", "show", "golden-accounting@2026.1", "--store", store, "--verify"
    )
    assert code == 0, err
    assert first["version_id"] in out and "verified: every one of 12 files matches its sha256" in out


def test_version_list_and_show(capsys, tmp_path, store):
    first = ingest(capsys, write_dataset(tmp_path / "a"), store)
    second = ingest(capsys, write_dataset(tmp_path / "b", standard_samples()[:3], version="2026.2"), store)
    code, out, err = run_cli(capsys, "datasets", "version", "list", "--store", store, "--format", "json")
    assert code == 0, err
    listed = json.loads(out)["versions"]
    assert [(v["id"], v["version"], v["samples"]) for v in listed] == [
        (first["version_id"], "2026.1", 6),
        (second["version_id"], "2026.2", 3),
    ]
    code, out, err = run_cli(
        capsys, "datasets", "version", "show", second["version_id"][:8], "--store", store, "--samples"
    )
    assert code == 0, err
    assert out.splitlines()[0] == f"golden-accounting@2026.2  {second['version_id']}"
    assert "  UK           vat-return           invoice          extraction              2" in out
    assert any(line.startswith("  uk-inv-1 UK vat-return invoice ") for line in out.splitlines())


def test_unknown_version_is_one_line_exit_2(capsys, tmp_path, store):
    ingest(capsys, write_dataset(tmp_path / "golden"), store)
    code, out, err = run_cli(capsys, "datasets", "version", "show", "golden-accounting@9999", "--store", store)
    assert (code, out) == (2, "")
    assert err == (
        f"error: golden-accounting@9999: no such dataset version in {store}; "
        "`trustfabric datasets version list` shows them\n"
    )
    code, _, err = run_cli(capsys, "datasets", "version", "show", "abcdef0123", "--store", store)
    assert code == 2 and err.startswith("error: abcdef0123: no such dataset version in ")
    code, _, err = run_cli(capsys, "datasets", "version", "show", "not-a-ref", "--store", store)
    assert (
        err
        == "error: not-a-ref: not a version reference; give a version id (or 6+ of its hex digits) or name@version\n"
    )


def test_tampered_object_is_caught_on_read(capsys, tmp_path, store):
    result = ingest(capsys, write_dataset(tmp_path / "golden"), store)
    index = (store / "versions" / result["version_id"] / "samples.jsonl").read_text().splitlines()
    sha = next(json.loads(line) for line in index if '"uk-inv-1"' in line)["files"]["sample.json"]
    path = store / "objects" / "sha256" / sha[:2] / sha
    os.chmod(path, 0o644)
    tampered = path.read_bytes().replace(b"120.0", b"125.0")
    assert tampered != path.read_bytes()
    path.write_bytes(tampered)
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    code, _out, err = run_cli(capsys, "datasets", "version", "show", result["version_id"], "--store", store, "--verify")
    assert (code, err) == (2, f"error: {path}: sha256 {actual} does not match {sha}: tampered or corrupt\n")


def test_tampered_manifest_is_caught(capsys, tmp_path, store):
    result = ingest(capsys, write_dataset(tmp_path / "golden"), store)
    path = store / "versions" / result["version_id"] / "manifest.json"
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes().replace(b'"redacted"', b'"none"'))
    code, _, err = run_cli(capsys, "datasets", "version", "show", "golden-accounting@2026.1", "--store", store)
    assert code == 2
    assert err.startswith(f"error: {path}: sha256 ") and err.endswith(
        f"does not match {result['version_id']}: tampered or corrupt\n"
    )


def test_malformed_dataset_json(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden")
    (directory / "dataset.json").write_text('{"name": "golden-accounting",\n  "version": }', encoding="utf-8")
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert (code, err) == (
        2,
        f"error: {directory / 'dataset.json'}: not valid JSON: Expecting value (line 2, column 14)\n",
    )


def test_schema_violations_name_the_file_and_json_path(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden", [sample("s-1", "FR")])
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    path = directory / "samples" / "s-1" / "sample.json"
    assert (code, err) == (2, f"error: {path}: $.jurisdiction: 'FR' is not one of ['UK', 'EU', 'US', 'CA']\n")

    directory = write_dataset(tmp_path / "g2", [sample("s-1", tolerances={"total": {"absolute": -1}})])
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    path = directory / "samples" / "s-1" / "sample.json"
    assert (code, err) == (2, f"error: {path}: $.tolerances.total.absolute: -1 is less than the minimum of 0\n")

    directory = write_dataset(tmp_path / "g3", [sample("s-1", expected={})])
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert err == f"error: {directory / 'samples' / 's-1' / 'sample.json'}: $.expected: {{}} should be non-empty\n"

    directory = write_dataset(tmp_path / "g4")
    dataset = json.loads((directory / "dataset.json").read_text())
    del dataset["provenance"]["curated_by"]
    (directory / "dataset.json").write_text(json.dumps(dataset))
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert err == f"error: {directory / 'dataset.json'}: $.provenance: 'curated_by' is a required property\n"


def test_sample_layout_errors(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden", [sample("s-1")])
    (directory / "samples" / "s-1" / "notes.txt").write_text("x")
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert (code, err) == (
        2,
        f"error: {directory / 'samples' / 's-1' / 'notes.txt'}: not part of the sample; a sample directory holds "
        "sample.json and the document it names (document.txt)\n",
    )
    directory = write_dataset(tmp_path / "g2", [sample("s-1")])
    (directory / "samples" / "s-1").rename(directory / "samples" / "s-2")
    code, _, err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert (
        err
        == f"error: {directory / 'samples' / 's-2' / 'sample.json'}: $.id: 's-1' does not match its directory 's-2'\n"
    )


def leftovers(store: Path) -> list[str]:
    """Anything of an ingest's staging left in the store."""
    return sorted(str(path.relative_to(store)) for path in store.rglob("*") if ".incoming-" in path.name)


def test_files_are_staged_once_and_linked_in_leaving_nothing_behind(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden")
    result = ingest(capsys, directory, store)
    objects = [path for path in (store / "objects").rglob("*") if path.is_file()]
    assert len(objects) == result["objects_written"] > 0 and leftovers(store) == []
    source = directory / "samples" / "uk-inv-1" / "document.txt"
    stored = store / "objects" / "sha256" / hashlib.sha256(source.read_bytes()).hexdigest()[:2]
    stored = stored / hashlib.sha256(source.read_bytes()).hexdigest()
    # a copy of its own (changing the curator's file later cannot change the store), read-only
    assert os.stat(stored).st_ino != os.stat(source).st_ino
    assert not stat.S_IMODE(os.stat(stored).st_mode) & 0o222


def test_a_refused_ingest_leaves_no_staged_file(capsys, tmp_path, store):
    directory = write_dataset(tmp_path / "golden")
    ingest(capsys, directory, store)
    (directory / "samples" / "uk-inv-1" / "document.txt").write_bytes(b"INVOICE INV-1\nTotal: 121.00 GBP\n")
    code, _out, _err = run_cli(capsys, "datasets", "ingest", directory, "--store", store)
    assert code == 1
    assert leftovers(store) == []
    changed = hashlib.sha256(b"INVOICE INV-1\nTotal: 121.00 GBP\n").hexdigest()
    assert not (store / "objects" / "sha256" / changed[:2] / changed).exists()  # nothing of it released


def test_worker_processes_stage_what_a_single_process_would(capsys, tmp_path, store, monkeypatch):
    import trustfabric.datasets.ingest as ingest_module

    samples = [sample(f"uk-{n}", document=f"INVOICE {n % 3}\n".encode()) for n in range(8)]  # shared documents
    single = ingest(capsys, write_dataset(tmp_path / "one", samples), store)
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ingest_module, "CHUNK_SAMPLES", 3)
    parallel = ingest(capsys, write_dataset(tmp_path / "two", samples, version="2026.2"), tmp_path / "other")
    assert parallel["samples"] == single["samples"] == 8
    assert parallel["objects_written"] == single["objects_written"] == 8 + 3  # 8 sample.json, 3 documents
    assert leftovers(tmp_path / "other") == []
