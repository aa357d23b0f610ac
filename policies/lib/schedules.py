"""AWS Backup schedules: the longest time between two runs of a rule's cron expression.

AWS Backup rules take `cron(Minutes Hours Day-of-month Month Day-of-week Year)` in UTC. The reader times the
schedules backup rules use: every day at given hours and minutes (day-of-month and day-of-week `*` or `?`), or on
given days of the week. Anything else (days of the month, months, years, `L`, `W`, `#`, a `rate(...)`) is
answered with None: the caller must treat such a rule as not proven to run often enough, never as frequent.

Usage::

    from policies.lib.schedules import longest_interval_minutes

    assert longest_interval_minutes("cron(0 * * * ? *)") == 60
    assert longest_interval_minutes("cron(0 3 ? * MON-FRI *)") == 3 * 1440   # Friday 03:00 to Monday 03:00
"""

from __future__ import annotations

import itertools
import re

DAY = 24 * 60
WEEK = 7 * DAY
_CRON = re.compile(r"^\s*cron\((?P<fields>[^)]*)\)\s*$")
_ITEM = re.compile(r"^(?P<start>\*|[0-9A-Z]+)(?:-(?P<end>[0-9A-Z]+))?(?:/(?P<step>\d+))?$")
_DAY_NAMES = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def _number(text: str, names: dict[str, int]) -> int | None:
    if text.isdigit():
        return int(text)
    return names.get(text)


def field_values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """The values a cron field selects within low..high: `*`, `a`, `a-b`, each with an optional `/step`, in a
    comma list; names (SUN..SAT) where given. None for a field this reader does not time."""
    found: set[int] = set()
    for item in field.upper().split(","):
        match = _ITEM.match(item.strip())
        if match is None:
            return None
        if match.group("start") == "*":
            start, end = low, high
        else:
            first = _number(match.group("start"), names or {})
            if first is None:
                return None
            start = first
            end = start
            if match.group("end") is not None:
                last = _number(match.group("end"), names or {})
                if last is None:
                    return None
                end = last
            elif match.group("step") is not None:
                end = high  # `a/b`: from a, every b
        step = int(match.group("step") or 1)
        if step < 1 or not low <= start <= end <= high:
            return None
        found.update(range(start, end + 1, step))
    return found


def longest_interval_minutes(expression: object) -> int | None:
    """The longest gap between two consecutive runs of an AWS Backup cron expression, in minutes; None when the
    expression is not one this reader times (see the module docstring)."""
    match = _CRON.match(expression) if isinstance(expression, str) else None
    if match is None:
        return None
    fields = match.group("fields").split()
    if len(fields) != 6:
        return None
    minute, hour, day_of_month, month, day_of_week, year = fields
    minutes, hours = field_values(minute, 0, 59), field_values(hour, 0, 23)
    if not minutes or not hours or month != "*" or year != "*":
        return None
    times = sorted(h * 60 + m for h in hours for m in minutes)
    if day_of_month in ("*", "?") and day_of_week in ("*", "?"):
        period = DAY
    elif day_of_month == "?":
        days = field_values(day_of_week, 1, 7, _DAY_NAMES)
        if not days:
            return None
        period = WEEK
        times = sorted((day - 1) * DAY + time for day in days for time in times)
    else:
        return None
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    gaps.append(times[0] + period - times[-1])
    return max(gaps)
