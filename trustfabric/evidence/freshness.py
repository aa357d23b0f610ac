"""Freshness: a control whose newest evidence is older than its frequency is `stale`, never `pass`.

A control's age limit is its catalog `max_age_days`, else its `frequency`'s (`controls.FREQUENCIES`: weekly 7,
monthly 31, quarterly 92, semiannually 184, annually 366 days). A quarterly drill report 93 days old, an access
review 91 days old (its limit is 90), a tabletop exercise more than a year old: each is stale. Controls with no
calendar (evidenced at every run, or per event) are never stale, but with no evidence at all they are
`missing`. The matrix calls `freshness` per control with the times of the control's evidence (drill reports,
exercise dates, review records) and replaces a `pass` with `stale` through `apply`.

Usage::

    from trustfabric.evidence.freshness import apply, freshness

    verdict = freshness(control, [report_time, ...], now)
    status = apply("pass", verdict)          # "stale" when verdict.stale
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .controls import Control

FRESH = "fresh"
STALE = "stale"
MISSING = "missing"
NO_CALENDAR = "no-calendar"
STATES = (FRESH, STALE, MISSING, NO_CALENDAR)


@dataclass(frozen=True)
class Freshness:
    """How current a control's evidence is at `now`."""

    state: str
    """fresh, stale, missing (no evidence time at all) or no-calendar (no age limit, evidence present)."""
    newest: dt.datetime | None
    max_age_days: int | None
    age_days: float | None
    reason: str

    @property
    def stale(self) -> bool:
        return self.state == STALE


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware UTC; a naive time is taken to be UTC (every record of this repository is written in UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def freshness(control: Control, evidence_times: Iterable[dt.datetime], now: dt.datetime) -> Freshness:
    """Judge the newest of `evidence_times` against the control's age limit at `now`.

    Stale when the newest evidence is more than `max_age` days old (to the second); evidence from the future
    (clock skew) counts as age 0.
    """
    limit = control.max_age
    times = [_utc(moment) for moment in evidence_times]
    if not times:
        return Freshness(MISSING, None, limit, None, f"{control.key}: no evidence with a time")
    newest = max(times)
    age = max((_utc(now) - newest).total_seconds() / 86400, 0.0)
    stamp = newest.isoformat().replace("+00:00", "Z")
    if limit is None:
        return Freshness(NO_CALENDAR, newest, None, age, f"{control.key}: newest evidence {stamp}; no age limit")
    if age > limit:
        return Freshness(
            STALE,
            newest,
            limit,
            age,
            f"{control.key}: newest evidence {stamp} is {age:.0f} days old; limit {limit} days ({control.frequency or 'max_age_days'})",
        )
    return Freshness(FRESH, newest, limit, age, f"{control.key}: newest evidence {stamp} is {age:.0f} days old")


def is_stale(control: Control, evidence_times: Iterable[dt.datetime], now: dt.datetime) -> bool:
    """True when the control's newest evidence is older than its age limit."""
    return freshness(control, evidence_times, now).stale


def apply(status: str, verdict: Freshness) -> str:
    """The result after freshness: `pass` becomes `stale` when the evidence is stale; anything else is kept
    (a `fail` stays a fail)."""
    return STALE if status == "pass" and verdict.stale else status


__all__ = ["FRESH", "MISSING", "NO_CALENDAR", "STALE", "STATES", "Freshness", "apply", "freshness", "is_stale"]
