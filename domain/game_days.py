"""The game-day calendar: monthly chaos experiments, off-peak, never inside a jurisdiction's filing blackout.

A blackout window is a yearly recurring range of calendar days (`01-15` to `02-07`, both included; a range may
wrap the year end, `12-20` to `01-05`) in the jurisdiction's own time zone, when a tax authority's deadline makes
any risk to filing unacceptable. A game day is a day of a month at an off-peak time of day: each month's game day
is the first day from the preferred day of the month (then from the 1st) that is outside every window, counting
the next day too when the experiment runs past midnight; a month with no such day has no game day. The months'
experiments rotate through the cell's catalogue, so each experiment runs in turn.

The plan becomes EventBridge Scheduler cron expressions, one per (experiment, day of month), listing its months:
`cron(0 2 8 3,7,11 ? *)` runs at 02:00 on the 8th of March, July and November every year; an `at()` would go stale
after its one run. Days are 1..28 so every month has them.

Usage::

    windows = (BlackoutWindow.parse("01-15", "02-07"),)
    days = plan_game_days(windows, experiments=("az-impairment",), preferred_day=8)
    crons = cron_schedules(days, hour=2, minute=0)   # [CronSchedule("az-impairment", "cron(0 2 8 1-12 ...)")]
    next_game_days(days, hour=2, minute=0, time_zone="Europe/London", after=datetime.now(UTC), count=3)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MONTH_DAY = re.compile(r"^(?P<month>\d{2})-(?P<day>\d{2})$")
LAST_DAY_OF_EVERY_MONTH = 28
"""Game days fall on days 1..28 so that every month has them."""
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
BLACKOUT_TAG = "game-day-blackouts"
"""The tag of a game-day schedule group listing its blackout windows (`MM-DD/MM-DD` separated by spaces, or
`none`): what the policy `aws-scheduler-game-day-outside-blackout` reads."""
NO_BLACKOUT = "none"


def parse_month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of `MM-DD`, None when it is not a calendar day (29 February is one)."""
    match = MONTH_DAY.fullmatch(text)
    if match is None:
        return None
    month, day = int(match.group("month")), int(match.group("day"))
    if not 1 <= month <= 12 or not 1 <= day <= DAYS_IN_MONTH[month - 1]:
        return None
    return month, day


@dataclass(frozen=True)
class BlackoutWindow:
    """A yearly range of days, both ends included, when no experiment may run."""

    start: tuple[int, int]
    """(month, day) of the first day."""
    end: tuple[int, int]
    """(month, day) of the last day; before `start` when the window wraps the year end."""
    reason: str = ""

    @classmethod
    def parse(cls, start: str, end: str, reason: str = "") -> BlackoutWindow:
        first, last = parse_month_day(start), parse_month_day(end)
        if first is None or last is None:
            raise ValueError(f"blackout window {start}..{end}: expected MM-DD calendar days")
        return cls(first, last, reason)

    def contains(self, month: int, day: int) -> bool:
        value = (month, day)
        if self.start <= self.end:
            return self.start <= value <= self.end
        return value >= self.start or value <= self.end

    def label(self) -> str:
        return f"{self.start[0]:02d}-{self.start[1]:02d}/{self.end[0]:02d}-{self.end[1]:02d}"


def blackout_tag(windows: Sequence[BlackoutWindow]) -> str:
    """The schedule group's tag value: every window as `MM-DD/MM-DD`, or `none`."""
    return " ".join(window.label() for window in windows) or NO_BLACKOUT


def parse_blackout_tag(value: str) -> tuple[BlackoutWindow, ...] | None:
    """The windows of a `blackout_tag` value; None when it is not one."""
    if value.strip() == NO_BLACKOUT:
        return ()
    windows = []
    for item in value.split():
        start, _, end = item.partition("/")
        try:
            windows.append(BlackoutWindow.parse(start, end))
        except ValueError:
            return None
    return tuple(windows) or None


def blacked_out(windows: Sequence[BlackoutWindow], month: int, day: int) -> bool:
    return any(window.contains(month, day) for window in windows)


def _next_day(month: int, day: int) -> tuple[int, int]:
    if day < DAYS_IN_MONTH[month - 1]:
        return month, day + 1
    return (month % 12) + 1, 1


@dataclass(frozen=True)
class GameDay:
    """One month's game day: its day of the month and the experiment it runs."""

    month: int
    day: int
    experiment: str


def free_day(
    windows: Sequence[BlackoutWindow], month: int, preferred_day: int, *, crosses_midnight: bool = False
) -> int | None:
    """The month's first day from `preferred_day` (then from the 1st) outside every window, or None."""
    candidates = [*range(preferred_day, LAST_DAY_OF_EVERY_MONTH + 1), *range(1, preferred_day)]
    for day in candidates:
        if blacked_out(windows, month, day):
            continue
        if crosses_midnight and blacked_out(windows, *_next_day(month, day)):
            continue
        return day
    return None


def plan_game_days(
    windows: Sequence[BlackoutWindow],
    experiments: Sequence[str],
    preferred_day: int = 8,
    *,
    crosses_midnight: bool = False,
) -> tuple[GameDay, ...]:
    """Each month's game day (months without a free day are left out), experiments in rotation."""
    if not experiments:
        raise ValueError("plan_game_days: experiments: must not be empty")
    if not 1 <= preferred_day <= LAST_DAY_OF_EVERY_MONTH:
        raise ValueError(f"plan_game_days: preferred_day: {preferred_day} is out of range; allowed: 1..28")
    days: list[GameDay] = []
    for month in range(1, 13):
        day = free_day(windows, month, preferred_day, crosses_midnight=crosses_midnight)
        if day is not None:
            days.append(GameDay(month, day, experiments[len(days) % len(experiments)]))
    return tuple(days)


@dataclass(frozen=True)
class CronSchedule:
    """One Scheduler schedule: an experiment on one day of the month, in the months listed."""

    experiment: str
    day: int
    months: tuple[int, ...]
    expression: str

    @property
    def key(self) -> str:
        """A stable name part: `<experiment>-d<day>`."""
        return f"{self.experiment}-d{self.day:02d}"


def cron_expression(minute: int, hour: int, day: int, months: Sequence[int]) -> str:
    return f"cron({minute} {hour} {day} {','.join(str(month) for month in sorted(months))} ? *)"


def cron_schedules(days: Sequence[GameDay], hour: int, minute: int) -> tuple[CronSchedule, ...]:
    """The game days as few cron expressions as possible: one per (experiment, day of month)."""
    grouped: dict[tuple[str, int], list[int]] = {}
    for game_day in days:
        grouped.setdefault((game_day.experiment, game_day.day), []).append(game_day.month)
    return tuple(
        CronSchedule(experiment, day, tuple(months), cron_expression(minute, hour, day, months))
        for (experiment, day), months in sorted(grouped.items(), key=lambda item: (item[1][0], item[0]))
    )


_CRON = re.compile(r"^cron\((?P<minute>\d+) (?P<hour>\d+) (?P<day>\d+) (?P<months>\d+(?:,\d+)*) \? \*\)$")


def parse_cron(expression: str) -> tuple[int, int, int, tuple[int, ...]] | None:
    """(minute, hour, day, months) of a `cron_expression`, None for any other expression."""
    match = _CRON.fullmatch(expression.strip())
    if match is None:
        return None
    months = tuple(int(month) for month in match.group("months").split(","))
    return int(match.group("minute")), int(match.group("hour")), int(match.group("day")), months


@dataclass(frozen=True)
class Occurrence:
    """A game day on the calendar."""

    starts_at: dt.datetime
    """Local time, in the jurisdiction's time zone."""
    experiment: str


def next_game_days(
    days: Sequence[GameDay], *, hour: int, minute: int, time_zone: str, after: dt.datetime, count: int
) -> list[Occurrence]:
    """The next `count` game days after `after` (an aware datetime), in the time zone's local time."""
    if not days:
        return []
    zone = ZoneInfo(time_zone)
    local = after.astimezone(zone)
    found: list[Occurrence] = []
    year = local.year
    while len(found) < count:
        for game_day in days:
            moment = dt.datetime(year, game_day.month, game_day.day, hour, minute, tzinfo=zone)
            if moment > local:
                found.append(Occurrence(moment, game_day.experiment))
                if len(found) == count:
                    break
        year += 1
    return found
