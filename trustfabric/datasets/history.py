"""The results history: every evaluation record, with its per-sample verdicts, kept for regressions and drift.

Layout::

    <history>/<dataset name>/<UTC time>-<candidate>.json              the evaluation record
    <history>/<dataset name>/<UTC time>-<candidate>.verdicts.jsonl    one verdict per sample, sorted by id

The previous run of a dataset is its newest record (by `evaluated_at`); records of other datasets never count.

Usage::

    from trustfabric.datasets.history import latest_record, records, save_record

    previous = latest_record(Path("reports/datasets/history"), "golden-accounting")   # (path, record) or None
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from .schema import DATASET_SCHEMAS, load_json

DEFAULT_HISTORY = Path("reports/datasets/history")
VERDICTS_SUFFIX = ".verdicts.jsonl"


def verdicts_path(record_path: Path) -> Path:
    """Where a record's verdicts live: beside it, `<stem>.verdicts.jsonl`."""
    return record_path.with_name(record_path.name.removesuffix(".json") + VERDICTS_SUFFIX)


def load_record(path: Path, *, option: str = "--evaluation") -> dict[str, Any]:
    """An evaluation record, validated (TrustFabricError naming the file and JSON path)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrustFabricError(f"{option}: {path}: cannot read: {error.strerror or error}") from None
    record: dict[str, Any] = load_json(data, source=str(path))
    DATASET_SCHEMAS.validate("evaluation", record, source=str(path))
    return record


def records(history: Path, dataset_name: str | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Every record in the history (of one dataset, when named), oldest first."""
    if not history.is_dir():
        return []
    folders = [history / dataset_name] if dataset_name else sorted(p for p in history.iterdir() if p.is_dir())
    found = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                found.append((path, load_record(path, option="--history")))
    return sorted(found, key=lambda item: (item[1]["evaluated_at"], item[0].name))


def latest_record(history: Path, dataset_name: str) -> tuple[Path, dict[str, Any]] | None:
    found = records(history, dataset_name)
    return found[-1] if found else None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "candidate"


def save_record(history: Path, record: dict[str, Any], record_path: Path) -> Path:
    """Copy a written record and its verdicts into the history; the history copy's path."""
    stamp = record["evaluated_at"].replace(":", "").replace("-", "")
    target = history / record["dataset"]["name"] / f"{stamp}-{_slug(record['candidate'])}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(record_path, target)
        shutil.copyfile(verdicts_path(record_path), verdicts_path(target))
    except OSError as error:
        raise TrustFabricError(f"--history: {history}: cannot write: {error.strerror or error}") from None
    return target


def iter_verdicts(record_path: Path) -> Iterator[dict[str, Any]]:
    """A record's verdicts in id order (nothing when the file is gone: per-sample regressions are then unknown)."""
    path = verdicts_path(record_path)
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield json.loads(line)
            except ValueError:
                raise TrustFabricError(f"{path}:{number}: not a verdict line") from None
