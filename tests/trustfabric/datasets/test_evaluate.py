"""evaluate: verdicts within tolerances, accuracy by slice against thresholds, regressions against history."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .support import perfect_outputs, run_cli, write_dataset, write_results


def released(capsys, tmp_path: Path, store: Path) -> str:
    code, out, err = run_cli(
        capsys, "datasets", "ingest", write_dataset(tmp_path / "golden"), "--store", store, "--format", "json"
    )
    assert code == 0, err
    return json.loads(out)["version_id"]


def evaluate(capsys, tmp_path, store, outputs, *, candidate, out_name="evaluation.json", extra=()):
    results = write_results(tmp_path / f"{candidate}.jsonl", outputs)
    return run_cli(
        capsys,
        "datasets",
        "evaluate",
        "--results",
        results,
        "--dataset",
        "golden-accounting@2026.1",
        "--store",
        store,
        "--candidate",
        candidate,
        "--history",
        tmp_path / "history",
        "--out",
        tmp_path / out_name,
        "--format",
        "json",
        *extra,
    )


def test_perfect_outputs_pass_every_slice(capsys, tmp_path, store):
    version_id = released(capsys, tmp_path, store)
    code, out, err = evaluate(capsys, tmp_path, store, perfect_outputs(), candidate="extractor@1.0")
    assert code == 0, err
    record = json.loads(out)
    assert record["totals"] == {"samples": 6, "passed": 6, "failed": 0, "missing": 0, "accuracy": 1.0}
    assert record["dataset"]["id"] == version_id and record["passed"] is True and record["problems"] == []
    slices = {(row["dimension"], row["value"]): row for row in record["slices"]}
    assert set(slices) == {
        ("overall", "all"),
        ("jurisdiction", "UK"),
        ("jurisdiction", "US"),
        ("jurisdiction", "EU"),
        ("filing_type", "vat-return"),
        ("filing_type", "form-1040"),
        ("document_type", "invoice"),
        ("document_type", "receipt"),
        ("document_type", "ledger"),
    }
    assert (
        slices[("jurisdiction", "UK")]["threshold"] == 0.95 and slices[("document_type", "ledger")]["threshold"] == 0.9
    )
    results = tmp_path / "extractor@1.0.jsonl"
    assert record["results"]["sha256"] == hashlib.sha256(results.read_bytes()).hexdigest()
    verdicts = (tmp_path / "evaluation.verdicts.jsonl").read_bytes()
    assert record["verdicts"] == {"sha256": hashlib.sha256(verdicts).hexdigest(), "count": 6}
    assert len(list((tmp_path / "history" / "golden-accounting").glob("*.json"))) == 1


def test_outputs_within_tolerance_pass_and_beyond_fail(capsys, tmp_path, store):
    released(capsys, tmp_path, store)
    outputs = perfect_outputs()
    outputs["eu-led-1"] = {"entries": [{"amount": 10.0, "fx_rate": 0.8508}], "total_reporting": 8.51}  # within
    outputs["eu-led-2"] = {"entries": [{"amount": 2500, "fx_rate": 0.0061}], "total_reporting": 15.27}  # beyond
    del outputs["us-rct-2"]
    code, out, _ = evaluate(capsys, tmp_path, store, outputs, candidate="m")
    record = json.loads(out)
    assert code == 1
    assert record["totals"] == {"samples": 6, "passed": 4, "failed": 1, "missing": 1, "accuracy": 0.666667}
    failures = {f["id"]: f for f in record["failures"]}
    assert failures["eu-led-2"]["mismatches"] == [
        {"field": "total_reporting", "expected": 15.25, "actual": 15.27, "reason": "value"}
    ]
    assert failures["us-rct-2"]["status"] == "missing"
    assert "slice jurisdiction=EU: accuracy 50.00% is below the threshold 95.00%" in record["problems"]
    assert "overall: accuracy 66.67% is below the threshold 95.00%" in record["problems"]


def test_a_seeded_regression_is_reported_against_the_previous_run(capsys, tmp_path, store):
    released(capsys, tmp_path, store)
    assert evaluate(capsys, tmp_path, store, perfect_outputs(), candidate="extractor@1.0", out_name="a.json")[0] == 0
    outputs = perfect_outputs()
    outputs["uk-inv-2"] = {"invoice_number": "INV-2", "total": 90.0, "currency": "GBP"}
    code, out, _ = evaluate(capsys, tmp_path, store, outputs, candidate="extractor@1.1", out_name="b.json")
    record = json.loads(out)
    assert code == 1
    assert record["previous"]["candidate"] == "extractor@1.0"
    assert record["regressions"] == {
        "slices": ["overall=all", "document_type=invoice", "filing_type=vat-return", "jurisdiction=UK"],
        "samples": 1,
        "sample_ids": ["uk-inv-2"],
    }
    uk = next(row for row in record["slices"] if row["value"] == "UK")
    assert (uk["accuracy"], uk["previous_accuracy"], uk["change"], uk["regressed"]) == (0.5, 1.0, -0.5, True)
    assert (
        "slice jurisdiction=UK: accuracy fell 50.00 points, from 100.00% to 50.00% (tolerance 1.00 points)"
        in record["problems"]
    )


def test_thresholds_file_changes_what_passes(capsys, tmp_path, store):
    released(capsys, tmp_path, store)
    outputs = perfect_outputs()
    outputs["us-rct-1"] = {"receipt_number": "RCT-1", "document_date": "2024-02-29", "tax_year": "2023"}
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text("overall: 0.8\nslice_default: 0.5\nregression_tolerance: 0.05\n")
    code, out, err = evaluate(capsys, tmp_path, store, outputs, candidate="m", extra=("--thresholds", lenient))
    assert code == 0, err
    assert json.loads(out)["thresholds"]["source"] == str(lenient)
    bad = tmp_path / "bad.yaml"
    bad.write_text("overall: 1.5\nslice_default: 0.5\nregression_tolerance: 0.05\n")
    code, _, err = evaluate(capsys, tmp_path, store, outputs, candidate="m", extra=("--thresholds", bad))
    assert (code, err) == (2, f"error: {bad}: $.overall: 1.5 is greater than the maximum of 1\n")


def test_results_with_unknown_or_repeated_sample_ids_are_bad_input(capsys, tmp_path, store):
    version_id = released(capsys, tmp_path, store)
    outputs = {**perfect_outputs(), "uk-inv-9": {"total": 1}}
    code, out, err = evaluate(capsys, tmp_path, store, outputs, candidate="m")
    results = tmp_path / "m.jsonl"
    assert (code, out) == (2, "")
    assert err == (
        f"error: {results}:7: $.sample_id: 'uk-inv-9' is not a sample of dataset golden-accounting@2026.1 "
        f"({version_id[:12]})\n"
    )
    results.write_text(results.read_text().splitlines()[0] * 1 + "\n" + results.read_text().splitlines()[0] + "\n")
    code, _, err = run_cli(
        capsys,
        "datasets",
        "evaluate",
        "--results",
        results,
        "--dataset",
        version_id,
        "--store",
        store,
        "--history",
        tmp_path / "h",
        "--out",
        tmp_path / "e.json",
    )
    assert err == f"error: {results}:2: $.sample_id: 'uk-inv-1' has a second output; one line per sample\n"
    results.write_text('{"sample_id": "uk-inv-1"}\n')
    code, _, err = run_cli(
        capsys,
        "datasets",
        "evaluate",
        "--results",
        results,
        "--dataset",
        version_id,
        "--store",
        store,
        "--history",
        tmp_path / "h",
        "--out",
        tmp_path / "e.json",
    )
    assert err == f"error: {results}:1: $: 'output' is a required property\n"
    results.write_text('{"sample_id": "uk-inv-1", "output": {"total": 1}\n')
    code, _, err = run_cli(
        capsys,
        "datasets",
        "evaluate",
        "--results",
        results,
        "--dataset",
        version_id,
        "--store",
        store,
        "--history",
        tmp_path / "h",
        "--out",
        tmp_path / "e.json",
    )
    assert err == f"error: {results}:1: not valid JSON: Expecting ',' delimiter (line 1, column 49)\n"


def test_unknown_dataset_version(capsys, tmp_path, store):
    released(capsys, tmp_path, store)
    results = write_results(tmp_path / "r.jsonl", perfect_outputs())
    code, _, err = run_cli(
        capsys,
        "datasets",
        "evaluate",
        "--results",
        results,
        "--dataset",
        "golden-accounting@1999",
        "--store",
        store,
        "--out",
        tmp_path / "e.json",
    )
    assert (code, err) == (
        2,
        f"error: golden-accounting@1999: no such dataset version in {store}; `trustfabric datasets version list` shows them\n",
    )
