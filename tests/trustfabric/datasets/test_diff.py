"""diff: samples added, removed and changed between versions, with the expected fields that changed."""

from __future__ import annotations

import json

from .support import run_cli, sample, standard_samples, write_dataset


def test_diff_names_added_removed_and_changed_fields(capsys, tmp_path, store):
    first = standard_samples()
    second = [s for s in first if s["id"] != "us-rct-2"]
    second[0] = sample(
        "uk-inv-1", "UK", expected={"invoice_number": "INV-1", "total": 121.0, "currency": "GBP", "net": 100.0}
    )
    second[3] = {**second[3], "_document": b"ledger v2\n"}
    second.append(sample("ca-inv-1", "CA", filing_type="gst-hst-return"))
    for directory, samples, version in ((tmp_path / "a", first, "2026.1"), (tmp_path / "b", second, "2026.2")):
        code, _, err = run_cli(
            capsys, "datasets", "ingest", write_dataset(directory, samples, version=version), "--store", store
        )
        assert code == 0, err
    code, out, err = run_cli(
        capsys,
        "datasets",
        "diff",
        "golden-accounting@2026.1",
        "golden-accounting@2026.2",
        "--store",
        store,
        "--format",
        "json",
    )
    assert code == 0, err
    changes = json.loads(out)
    assert changes["summary"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": 3}
    assert changes["added"] == [{"id": "ca-inv-1", "jurisdiction": "CA", "document_type": "invoice"}]
    assert changes["removed"] == [{"id": "us-rct-2", "jurisdiction": "US", "document_type": "receipt"}]
    changed = {item["id"]: item for item in changes["changed"]}
    assert changed["uk-inv-1"]["expected_fields"] == ["net", "total"] and changed["uk-inv-1"]["parts"] == ["expected"]
    assert changed["eu-led-1"]["expected_fields"] == [] and changed["eu-led-1"]["parts"] == ["document"]
    assert changes["groups"] == [
        {"jurisdiction": "CA", "document_type": "invoice", "added": 1, "removed": 0, "changed": 0},
        {"jurisdiction": "EU", "document_type": "ledger", "added": 0, "removed": 0, "changed": 1},
        {"jurisdiction": "UK", "document_type": "invoice", "added": 0, "removed": 0, "changed": 1},
        {"jurisdiction": "US", "document_type": "receipt", "added": 0, "removed": 1, "changed": 0},
    ]
    code, out, _ = run_cli(
        capsys,
        "datasets",
        "diff",
        "golden-accounting@2026.1",
        "golden-accounting@2026.2",
        "--store",
        store,
        "--exit-code",
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[2] == "1 added, 1 removed, 2 changed, 3 unchanged"
    assert "+ ca-inv-1 (CA, invoice)" in lines and "- us-rct-2 (US, receipt)" in lines
    assert "~ uk-inv-1 (UK, invoice): expected: net, total" in lines
    assert "~ eu-led-1 (EU, ledger): document" in lines


def test_diff_of_a_version_with_itself_is_empty(capsys, tmp_path, store):
    run_cli(capsys, "datasets", "ingest", write_dataset(tmp_path / "a"), "--store", store)
    code, out, _ = run_cli(
        capsys,
        "datasets",
        "diff",
        "golden-accounting@2026.1",
        "golden-accounting@2026.1",
        "--store",
        store,
        "--exit-code",
    )
    assert code == 0 and "0 added, 0 removed, 0 changed, 6 unchanged" in out
