"""Reading the evidence ledger over an audit period: a control's timeline, and an auditor's sample of runs.

`timeline` lists, for one control, every run between two dates with its result; `sample` draws, per control, a
reproducible random sample of the runs in a period (the same ledger, period, size and seed always give the same
runs), each with the evidence files and hashes the ledger recorded, as an auditor testing operating
effectiveness over a Type II period would.

Usage::

    from trustfabric.evidence.history import period, sample, timeline

    rows = timeline(Path("evidence/ledger"), "SOC2 CC6.1", since=dt.date(2026, 1, 1), until=dt.date(2026, 6, 30))
    start, end = period("2026-01-01..2026-06-30")
    drawn = sample(Path("evidence/ledger"), start, end, n=25, seed="2026-h1")
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from .ledger import Entry, read_entries


@dataclass(frozen=True)
class RunResult:
    """One control in one run of the ledger."""

    sequence: int
    run_id: str
    time: str
    stack: str
    commit: str
    package: str
    result: str
    evidence: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_date(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD date; TrustFabricError (exit 2) naming the option otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TrustFabricError(f"{option}: {value!r} is not a date; allowed: YYYY-MM-DD") from None


def period(text: str) -> tuple[dt.date, dt.date]:
    """`2026-01-01..2026-06-30` -> (start, end), both inclusive."""
    start_text, separator, end_text = text.partition("..")
    if not separator:
        raise TrustFabricError(f"--period: {text!r} is not a period; allowed: YYYY-MM-DD..YYYY-MM-DD")
    start, end = parse_date(start_text, "--period"), parse_date(end_text, "--period")
    if end < start:
        raise TrustFabricError(f"--period: {text!r} ends before it starts")
    return start, end


def _day(entry: Entry) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(str(entry.body.get("time", "")).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _in_period(entries: Iterable[Entry], since: dt.date | None, until: dt.date | None) -> list[Entry]:
    chosen = []
    for entry in entries:
        day = _day(entry)
        if day is None or (since and day < since) or (until and day > until):
            continue
        chosen.append(entry)
    return sorted(chosen, key=lambda entry: entry.sequence)


def _result(entry: Entry, control: str) -> RunResult | None:
    record = (entry.body.get("controls") or {}).get(control)
    if not isinstance(record, dict):
        return None
    return RunResult(
        sequence=entry.sequence,
        run_id=str(entry.body.get("run_id", "")),
        time=str(entry.body.get("time", "")),
        stack=str(entry.body.get("stack", "")),
        commit=str(entry.body.get("commit", "")),
        package=str(entry.body.get("package", "")),
        result=str(record.get("result", "")),
        evidence=dict(record.get("evidence") or {}),
    )


def timeline(
    ledger_dir: Path, control: str, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[RunResult]:
    """Every run between `since` and `until` (inclusive) that recorded `control`, oldest first."""
    entries = _in_period(read_entries(ledger_dir), since, until)
    return [result for entry in entries if (result := _result(entry, control)) is not None]


def result_counts(results: Sequence[RunResult]) -> dict[str, int]:
    return dict(sorted(Counter(result.result for result in results).items()))


def sample(
    ledger_dir: Path,
    start: dt.date,
    end: dt.date,
    *,
    n: int,
    seed: str,
    controls: Sequence[str] | None = None,
) -> dict[str, list[RunResult]]:
    """Per control (all the ledger records in the period, or `controls`), up to `n` runs drawn at random.

    Reproducible: each control's draw uses its own generator seeded with `seed` and the control key, over the
    runs in ledger order, so the same inputs give the same sample and adding a control changes no other draw.
    """
    if n < 1:
        raise TrustFabricError(f"--n: {n} is not allowed; allowed: a whole number >= 1")
    entries = _in_period(read_entries(ledger_dir), start, end)
    keys = (
        sorted({key for entry in entries for key in (entry.body.get("controls") or {})})
        if controls is None
        else list(controls)
    )
    drawn: dict[str, list[RunResult]] = {}
    for key in keys:
        population = [result for entry in entries if (result := _result(entry, key)) is not None]
        chooser = random.Random(f"{seed}\x1f{key}")  # not for security: a documented, reproducible draw
        picked = chooser.sample(population, min(n, len(population)))
        drawn[key] = sorted(picked, key=lambda result: result.sequence)
    return drawn


__all__ = ["RunResult", "parse_date", "period", "result_counts", "sample", "timeline"]
