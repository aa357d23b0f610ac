"""Game-day schedules: which Scheduler schedules start FIS experiments, and the days their expressions run on.

The pack is self-contained (it never imports the toolchain or `domain/`), so the two formats the stacks write are
read here again: a schedule group's `game-day-blackouts` tag (`MM-DD/MM-DD` windows separated by spaces, or `none`;
both days included, a window may wrap the year end) and the expressions EventBridge Scheduler takes. Only
`cron(M H D months ? *)` (fixed days of the month, a list of months) and `at(YYYY-MM-DDThh:mm:ss)` are read: any
other expression (`rate(...)`, days of the week, `L`, `W`, `#`) is answered with None, which the caller treats as
not proven to avoid a blackout, never as avoiding one.

Usage::

    from policies.lib.game_days import run_days, parse_windows, starts_fis_experiment

    assert run_days("cron(0 2 8 3,7 ? *)") == [(3, 8), (7, 8)]
    assert parse_windows("01-15/02-07") == [((1, 15), (2, 7))]
"""

from __future__ import annotations

import re

BLACKOUT_TAG = "game-day-blackouts"
NO_BLACKOUT = "none"
FIS_TARGET_PREFIX = "arn:aws:scheduler:::aws-sdk:fis:"
"""Scheduler's universal targets for FIS API calls (`startExperiment`, ...)."""
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_CRON = re.compile(r"^cron\((\d{1,2}) (\d{1,2}) (\d{1,2}) (\d{1,2}(?:,\d{1,2})*) \? \*\)$")
_AT = re.compile(r"^at\(\d{4}-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}\)$")

MonthDay = tuple[int, int]
Window = tuple[MonthDay, MonthDay]


def starts_fis_experiment(target_arn: object) -> bool:
    return isinstance(target_arn, str) and target_arn.startswith(FIS_TARGET_PREFIX)


def _month_day(text: str) -> MonthDay | None:
    match = _MONTH_DAY.fullmatch(text)
    if match is None:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= DAYS_IN_MONTH[month - 1]:
        return None
    return month, day


def parse_windows(value: object) -> list[Window] | None:
    """The windows of a `game-day-blackouts` tag value; None when it is not one."""
    if not isinstance(value, str):
        return None
    if value.strip() == NO_BLACKOUT:
        return []
    windows: list[Window] = []
    for item in value.split():
        start, _, end = item.partition("/")
        first, last = _month_day(start), _month_day(end)
        if first is None or last is None:
            return None
        windows.append((first, last))
    return windows or None


def inside(window: Window, day: MonthDay) -> bool:
    start, end = window
    if start <= end:
        return start <= day <= end
    return day >= start or day <= end


def run_days(expression: object) -> list[MonthDay] | None:
    """Every (month, day) the expression runs on; None for an expression this reader does not time."""
    if not isinstance(expression, str):
        return None
    text = expression.strip()
    match = _CRON.fullmatch(text)
    if match is not None:
        day = int(match.group(3))
        months = [int(month) for month in match.group(4).split(",")]
        if not 1 <= day <= 31 or any(not 1 <= month <= 12 for month in months):
            return None
        return [(month, day) for month in months if day <= DAYS_IN_MONTH[month - 1]]
    match = _AT.fullmatch(text)
    if match is not None:
        found = _month_day(f"{match.group(1)}-{match.group(2)}")
        return [found] if found is not None else None
    return None


def label(window: Window) -> str:
    (start_month, start_day), (end_month, end_day) = window
    return f"{start_month:02d}-{start_day:02d}..{end_month:02d}-{end_day:02d}"
