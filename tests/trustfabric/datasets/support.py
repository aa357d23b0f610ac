"""Hand-made datasets, results and CLI calls shared by the dataset and release tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustfabric.cli import main

PROVENANCE = {
    "curated_by": "team-quality",
    "curated_at": "2026-01-05T10:00:00Z",
    "source": "hand-made test documents",
    "method": "curated",
}


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The trustfabric CLI in-process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def sample(
    sample_id: str,
    jurisdiction: str = "UK",
    *,
    filing_type: str = "vat-return",
    document_type: str = "invoice",
    workflow: str = "extraction",
    expected: dict[str, Any] | None = None,
    tolerances: dict[str, Any] | None = None,
    document: bytes = b"INVOICE INV-2026-00001\nTotal: 120.00 GBP\n",
) -> dict[str, Any]:
    """One sample: its sample.json document and (under "_document") the document's bytes."""
    data: dict[str, Any] = {
        "id": sample_id,
        "jurisdiction": jurisdiction,
        "filing_type": filing_type,
        "document_type": document_type,
        "workflow": workflow,
        "document": {"file": "document.txt", "media_type": "text/plain"},
        "expected": expected if expected is not None else {"invoice_number": "INV-2026-00001", "total": 120.0},
        "_document": document,
    }
    if tolerances is not None:
        data["tolerances"] = tolerances
    return data


def standard_samples() -> list[dict[str, Any]]:
    """Six samples: two per UK, US and EU, across three document types."""
    return [
        sample("uk-inv-1", "UK", expected={"invoice_number": "INV-1", "total": 120.0, "currency": "GBP"}),
        sample("uk-inv-2", "UK", expected={"invoice_number": "INV-2", "total": 99.99, "currency": "GBP"}),
        sample(
            "us-rct-1",
            "US",
            filing_type="form-1040",
            document_type="receipt",
            expected={"receipt_number": "RCT-1", "document_date": "2024-02-29", "tax_year": "2024"},
        ),
        sample(
            "us-rct-2",
            "US",
            filing_type="form-1040",
            document_type="receipt",
            expected={"receipt_number": "RCT-2", "document_date": "2024-12-31", "tax_year": "2024"},
        ),
        sample(
            "eu-led-1",
            "EU",
            filing_type="vat-return",
            document_type="ledger",
            workflow="tax-computation",
            expected={"entries": [{"amount": 10.0, "fx_rate": 0.85}], "total_reporting": 8.5},
            tolerances={"total_reporting": {"absolute": 0.01}},
        ),
        sample(
            "eu-led-2",
            "EU",
            filing_type="vat-return",
            document_type="ledger",
            workflow="tax-computation",
            expected={"entries": [{"amount": 2500, "fx_rate": 0.0061}], "total_reporting": 15.25},
        ),
    ]


def write_dataset(
    root: Path,
    samples: list[dict[str, Any]] | None = None,
    *,
    name: str = "golden-accounting",
    version: str = "2026.1",
    tolerances: dict[str, Any] | None = None,
) -> Path:
    """A dataset directory: dataset.json and samples/<id>/{sample.json,document.txt}."""
    root.mkdir(parents=True, exist_ok=True)
    dataset = {
        "name": name,
        "version": version,
        "description": "Hand-made golden samples for the tests.",
        "provenance": PROVENANCE,
        "pii_status": "redacted",
        "tolerances": tolerances if tolerances is not None else {"entries[*].fx_rate": {"relative": 0.001}},
    }
    (root / "dataset.json").write_text(json.dumps(dataset, indent=2), encoding="utf-8")
    for item in samples if samples is not None else standard_samples():
        folder = root / "samples" / item["id"]
        folder.mkdir(parents=True, exist_ok=True)
        document = item.get("_document", b"x\n")
        (folder / "sample.json").write_text(
            json.dumps({k: v for k, v in item.items() if k != "_document"}, indent=2), encoding="utf-8"
        )
        (folder / item["document"]["file"]).write_bytes(document)
    return root


def write_results(path: Path, outputs: dict[str, Any]) -> Path:
    """A results file (JSON Lines) from sample id -> output."""
    path.write_text(
        "".join(json.dumps({"sample_id": k, "output": v}) + "\n" for k, v in outputs.items()), encoding="utf-8"
    )
    return path


def perfect_outputs(samples: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every sample answered exactly as expected."""
    return {item["id"]: item["expected"] for item in (samples or standard_samples())}
