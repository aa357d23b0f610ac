"""Peak-filing-season load profiles per jurisdiction: the deadline-day ramp, upload-heavy, with filing bursts.

On a statutory deadline day traffic climbs through the morning, peaks in the last hours before midnight, and
submissions arrive in bursts as accountants file batches. The profile is a list of stages (how long, how many
users), compressed by `time_scale` so the same shape runs for an hour in a staging cell or seconds in a test.
The task mix weights document uploads most, then filing submissions, ledger reads and extraction.

Usage::

    profile = peak_filing_season("UK", time_scale=0.01)
    profile.stages[0]        # Stage(seconds=..., users=..., spawn_rate=...)
"""

from __future__ import annotations

from dataclasses import dataclass

DEADLINES = {
    "UK": "31 January (HMRC Self Assessment online)",
    "EU": "31 July (DE income tax return, without an adviser)",
    "US": "15 April (IRS individual returns)",
    "CA": "30 April (CRA individual returns)",
}
"""The deadline each jurisdiction's peak is modelled on."""

PEAK_USERS = {"UK": 400, "EU": 250, "US": 600, "CA": 200}
"""Concurrent users at the deadline-hour peak, per jurisdiction (scaled by `user_scale`)."""

TASK_WEIGHTS = {"ingestion": 6, "filing": 3, "api": 2, "extraction": 1}
"""Upload-heavy: documents arrive first, then filings, ledger reads and extraction status."""

_RAMP = (
    # (minutes, share of the peak): morning climb, afternoon plateau, evening rush, deadline hour, burst, tail
    (10, 0.2),
    (10, 0.5),
    (10, 0.7),
    (10, 1.0),
    (5, 1.3),
    (5, 0.4),
)


@dataclass(frozen=True)
class Stage:
    seconds: float
    """How long the stage lasts (after time scaling)."""
    users: int
    spawn_rate: float
    """Users started per second to reach `users`."""


@dataclass(frozen=True)
class Profile:
    jurisdiction: str
    deadline: str
    stages: tuple[Stage, ...]
    weights: dict[str, int]

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


class ProfileError(ValueError):
    """An unknown jurisdiction or a scale out of range; the message names it and what is allowed."""


def peak_filing_season(jurisdiction: str, time_scale: float = 1.0, user_scale: float = 1.0) -> Profile:
    """The deadline-day profile of one jurisdiction; `time_scale` 1.0 lasts 50 minutes."""
    if jurisdiction not in DEADLINES:
        raise ProfileError(f"jurisdiction: {jurisdiction!r} is unknown; allowed: {', '.join(DEADLINES)}")
    if not 0 < time_scale <= 10:
        raise ProfileError(f"time scale: {time_scale!r} is out of range; allowed: above 0, at most 10")
    if not 0 < user_scale <= 10:
        raise ProfileError(f"user scale: {user_scale!r} is out of range; allowed: above 0, at most 10")
    peak = PEAK_USERS[jurisdiction] * user_scale
    stages = []
    for minutes, share in _RAMP:
        seconds = minutes * 60 * time_scale
        users = max(1, round(peak * share))
        stages.append(Stage(seconds=seconds, users=users, spawn_rate=max(1.0, users / max(seconds, 1.0))))
    return Profile(jurisdiction, DEADLINES[jurisdiction], tuple(stages), dict(TASK_WEIGHTS))
