"""`datasets evaluate`: a model's outputs against a dataset version, within tolerances, into an evaluation record.

The results file is JSON Lines, one `{"sample_id": ..., "output": {...}}` per sample, streamed. Each output is
compared with its sample's expected output (`compare`); a dataset sample with no output is `missing` and counts
as failed; an output for an id the dataset does not have, or a second output for one id, is bad input (exit 2).
Accuracy (passed / samples) is reported overall and per jurisdiction, filing type and document type, each
against its threshold (`thresholds`) and against the previous run of the same dataset in the history (or
`--baseline`): a slice regresses when it falls more than the tolerance. Samples that passed in the previous run
and fail now are listed.

The record (`evaluation.schema.json`) and its verdicts (`<record>.verdicts.jsonl`) are written to `--out` and
copied into the history; the release gate reads the record.

Usage::

    from trustfabric.datasets.evaluate import evaluate

    outcome = evaluate(store, "golden-accounting@2026.1", Path("results.jsonl"), candidate="extractor@1.4",
                       thresholds=load_thresholds(None), history=Path("reports/datasets/history"),
                       out=Path("reports/datasets/evaluation.json"))
    outcome.record["passed"]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from .compare import compare, json_value
from .history import iter_verdicts, latest_record, load_record, save_record, verdicts_path
from .model import DIMENSIONS, IndexEntry
from .schema import DATASET_SCHEMAS, load_json
from .store import Store
from .thresholds import Thresholds, judge, regressed, threshold_of
from .versions import iter_index, read_manifest, read_sample, resolve

RECORD_FORMAT = "trustfabric.datasets/evaluation/v1"
FAILURES_KEPT = 100
REGRESSED_IDS_KEPT = 200


@dataclass(frozen=True)
class Outcome:
    record: dict[str, Any]
    path: Path
    history_path: Path | None


@dataclass
class _Tally:
    samples: int = 0
    passed: int = 0


def _verdict(entry: IndexEntry, status: str, fields: list[str]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "status": status,
        "jurisdiction": entry.jurisdiction,
        "filing_type": entry.filing_type,
        "document_type": entry.document_type,
        "fields": fields,
    }


def _judge_results(
    store: Store, index: dict[str, IndexEntry], dataset_tolerances: dict[str, Any], results: Path, label: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str, int]:
    """Verdicts (unsorted), kept failure details, the results file's sha256 and its line count."""
    verdicts: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    seen: set[str] = set()
    digest = hashlib.sha256()
    lines = 0
    try:
        handle = results.open("rb")
    except OSError as error:
        raise TrustFabricError(f"--results: {results}: cannot read: {error.strerror or error}") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            digest.update(raw)
            if not raw.strip():
                continue
            lines += 1
            source = f"{results}:{number}"
            line = load_json(raw.rstrip(b"\r\n"), source=source, decimals=True)
            DATASET_SCHEMAS.validate("results-line", line, source=source)
            sample_id = line["sample_id"]
            entry = index.get(sample_id)
            if entry is None:
                raise TrustFabricError(f"{source}: $.sample_id: {sample_id!r} is not a sample of {label}")
            if sample_id in seen:
                raise TrustFabricError(f"{source}: $.sample_id: {sample_id!r} has a second output; one line per sample")
            seen.add(sample_id)
            sample = read_sample(store, entry)
            tolerances = {**dataset_tolerances, **sample.get("tolerances", {})}
            mismatches = compare(sample["expected"], line["output"], tolerances)
            status = "fail" if mismatches else "pass"
            verdicts.append(_verdict(entry, status, sorted({m.field for m in mismatches})))
            if mismatches and len(failures) < FAILURES_KEPT:
                failures.append({**_verdict(entry, status, []), "mismatches": [m.as_dict() for m in mismatches[:20]]})
    for sample_id, entry in index.items():
        if sample_id not in seen:
            verdicts.append(_verdict(entry, "missing", []))
            if len(failures) < FAILURES_KEPT:
                failures.append({**_verdict(entry, "missing", []), "mismatches": []})
    return verdicts, failures, digest.hexdigest(), lines


def _slices(verdicts: list[dict[str, Any]]) -> dict[tuple[str, str], _Tally]:
    tallies: dict[tuple[str, str], _Tally] = {}
    for verdict in verdicts:
        passed = verdict["status"] == "pass"
        for dimension, value in (("overall", "all"), *((d, verdict[d]) for d in DIMENSIONS)):
            tally = tallies.setdefault((dimension, value), _Tally())
            tally.samples += 1
            tally.passed += passed
    return tallies


def _previous(history: Path | None, baseline: Path | None, dataset_name: str) -> tuple[Path, dict[str, Any]] | None:
    if baseline is not None:
        return baseline, load_record(baseline, option="--baseline")
    return latest_record(history, dataset_name) if history is not None else None


def _regressed_samples(previous_path: Path, verdicts: list[dict[str, Any]]) -> list[str]:
    """Ids that passed in the previous run and do not now (merge of two id-sorted streams)."""
    now = {verdict["id"]: verdict["status"] for verdict in verdicts}
    return sorted(
        old["id"]
        for old in iter_verdicts(previous_path)
        if old.get("status") == "pass" and now.get(old["id"], "pass") != "pass"
    )


def evaluate(
    store: Store,
    dataset: str,
    results: Path,
    *,
    candidate: str,
    thresholds: Thresholds,
    history: Path | None,
    out: Path,
    baseline: Path | None = None,
) -> Outcome:
    """Judge `results` against `dataset`; write the record and verdicts to `out` (and the history)."""
    manifest = read_manifest(store, resolve(store, dataset))
    index = {entry.id: entry for entry in iter_index(store, manifest)}
    label = f"dataset {manifest.label} ({manifest.version_id[:12]})"
    verdicts, failures, results_sha256, lines = _judge_results(store, index, manifest.tolerances, results, label)
    verdicts.sort(key=lambda verdict: verdict["id"])
    tallies = _slices(verdicts)
    previous = _previous(history, baseline, manifest.name)
    previous_slices: dict[tuple[str, str], float] = {}
    if previous is not None:
        previous_slices = {(row["dimension"], row["value"]): float(row["accuracy"]) for row in previous[1]["slices"]}
    slices = []
    for (dimension, value), tally in sorted(tallies.items(), key=lambda item: (item[0][0] != "overall", item[0])):
        accuracy = round(tally.passed / tally.samples, 6)
        threshold = threshold_of(thresholds, dimension, value)
        before = previous_slices.get((dimension, value))
        slices.append(
            {
                "dimension": dimension,
                "value": value,
                "samples": tally.samples,
                "passed": tally.passed,
                "accuracy": accuracy,
                "threshold": threshold,
                "meets_threshold": accuracy >= threshold,
                "previous_accuracy": before,
                "change": None if before is None else round(accuracy - before, 6),
                "regressed": regressed(accuracy, before, thresholds),
            }
        )
    regressed_ids = _regressed_samples(previous[0], verdicts) if previous is not None else []
    field_counts = Counter(field for verdict in verdicts for field in verdict["fields"])
    statuses = Counter(verdict["status"] for verdict in verdicts)
    out.parent.mkdir(parents=True, exist_ok=True)
    verdict_file = verdicts_path(out)
    verdict_digest = hashlib.sha256()
    with verdict_file.open("wb") as handle:
        for verdict in verdicts:
            line = json.dumps(verdict, sort_keys=True, separators=(",", ":")).encode() + b"\n"
            verdict_digest.update(line)
            handle.write(line)
    problems = judge(slices, thresholds)
    record = {
        "format": RECORD_FORMAT,
        "candidate": candidate,
        "evaluated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "dataset": {
            "id": manifest.version_id,
            "name": manifest.name,
            "version": manifest.version,
            "store": store.url,
            "samples": manifest.count,
        },
        "results": {"file": str(results), "sha256": results_sha256, "lines": lines},
        "thresholds": thresholds.as_dict(),
        "totals": {
            "samples": len(verdicts),
            "passed": statuses["pass"],
            "failed": statuses["fail"],
            "missing": statuses["missing"],
            "accuracy": round(statuses["pass"] / len(verdicts), 6),
        },
        "slices": slices,
        "previous": None
        if previous is None
        else {
            "record": str(previous[0]),
            "candidate": previous[1]["candidate"],
            "evaluated_at": previous[1]["evaluated_at"],
            "dataset_id": previous[1]["dataset"]["id"],
            "dataset_version": previous[1]["dataset"]["version"],
        },
        "regressions": {
            "slices": [f"{row['dimension']}={row['value']}" for row in slices if row["regressed"]],
            "samples": len(regressed_ids),
            "sample_ids": regressed_ids[:REGRESSED_IDS_KEPT],
        },
        "failing_fields": [{"field": field, "samples": count} for field, count in field_counts.most_common(20)],
        "failures": json_value(failures),
        "verdicts": {"sha256": verdict_digest.hexdigest(), "count": len(verdicts)},
        "problems": problems,
        "passed": not problems,
    }
    DATASET_SCHEMAS.validate("evaluation", record, source=str(out))
    out.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    history_path = save_record(history, record, out) if history is not None else None
    return Outcome(record, out, history_path)
