"""Typed settings of the game days: the `gameDays` key of `Pulumi.<stack>.yaml`.

When the chaos experiments of a cell run (`delivery.chaos`), and when they never do: a monthly game day at an
off-peak time of day in each jurisdiction's own time zone, outside that jurisdiction's filing blackout windows
(`domain.game_days`). Every default lives here; a bad value fails with one line naming the file and the key::

    Pulumi.prod.yaml: trust-fabric:gameDays.timeOfDay: '14:00' is not off-peak; allowed: 22:00..05:59

Keys (all optional, under `trust-fabric:gameDays`):

=====================================  ================================================================================
key                                    meaning
=====================================  ================================================================================
timeOfDay                              local start time, `HH:MM`, off-peak 22:00..05:59 (default 02:00)
dayOfMonth                             preferred day of the month: 1..28 (default 8; a blacked-out day moves on)
jurisdictions.<CODE>.timeZone          IANA time zone of the jurisdiction's calendar (defaults: UK Europe/London,
                                       EU Europe/Berlin, US America/New_York, CA America/Toronto)
jurisdictions.<CODE>.blackouts         list of `{from: MM-DD, to: MM-DD, reason: ...}`, both days included, recurring
                                       every year (a window may wrap the year end); at most 20 (default none)
=====================================  ================================================================================

Usage::

    from stacks.settings_game_days import parse_game_days

    game_days = parse_game_days(values, settings)
    game_days.calendar("UK").blackouts, game_days.hour, game_days.minute
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.game_days import BlackoutWindow, CronSchedule, cron_schedules, free_day, parse_month_day, plan_game_days
from domain.residency import CODES
from stacks.settings import StackSettings
from stacks.settings_delivery import DeliverySettings
from stacks.settings_reader import SettingsError, _decode, _Reader, _shown, _type_name

GAME_DAY_KEYS = ("timeOfDay", "dayOfMonth", "jurisdictions")
JURISDICTION_KEYS = ("timeZone", "blackouts")
BLACKOUT_KEYS = ("from", "to", "reason")
TIME_OF_DAY = re.compile(r"^(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)$")
OFF_PEAK_HOURS = (22, 23, 0, 1, 2, 3, 4, 5)
"""Local hours a game day may start in: filing traffic is lowest overnight."""
MAX_BLACKOUTS = 20
"""The windows travel in one 256-character tag of the schedule group (`domain.game_days.blackout_tag`)."""
DEFAULT_TIME_ZONES = {
    "UK": "Europe/London",
    "EU": "Europe/Berlin",
    "US": "America/New_York",
    "CA": "America/Toronto",
}


@dataclass(frozen=True)
class JurisdictionCalendar:
    """One jurisdiction's game-day calendar."""

    time_zone: str
    blackouts: tuple[BlackoutWindow, ...] = ()


@dataclass(frozen=True)
class GameDaySettings:
    """Game-day settings of a stack, typed and validated."""

    hour: int = 2
    minute: int = 0
    day_of_month: int = 8
    jurisdictions: Mapping[str, JurisdictionCalendar] | None = None

    def calendar(self, code: str) -> JurisdictionCalendar:
        """The jurisdiction's calendar (its default time zone and no blackout when the stack file says nothing)."""
        given = (self.jurisdictions or {}).get(code)
        return given if given is not None else JurisdictionCalendar(DEFAULT_TIME_ZONES[code])

    @property
    def time_of_day(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def _time_zone(reader: _Reader, key: str, value: Any) -> str:
    text = reader.string(key, value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail(key, f"{_shown(text)} is not an IANA time zone; allowed: e.g. Europe/London") from None
    return text


def _blackouts(reader: _Reader, key: str, value: Any) -> tuple[BlackoutWindow, ...]:
    if not isinstance(value, list):
        raise reader.fail(key, f"expected a list of {{from, to, reason}}, got {_type_name(value)}")
    if len(value) > MAX_BLACKOUTS:
        raise reader.fail(key, f"{len(value)} windows; allowed: at most {MAX_BLACKOUTS} (merge adjacent ones)")
    windows = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        body = reader.mapping(where, item)
        reader.unknown_keys(f"{where}.", body, BLACKOUT_KEYS)
        ends = []
        for end in ("from", "to"):
            if end not in body:
                raise reader.fail(f"{where}.{end}", "is required (MM-DD)")
            text = reader.string(f"{where}.{end}", body[end])
            if parse_month_day(text) is None:
                raise reader.fail(f"{where}.{end}", f"{_shown(text)} is not a calendar day; allowed: MM-DD, e.g. 01-31")
            ends.append(text)
        reason = reader.string(f"{where}.reason", body["reason"]) if "reason" in body else ""
        windows.append(BlackoutWindow.parse(ends[0], ends[1], reason))
    return tuple(windows)


def parse_game_days(values: Mapping[str, Any], settings: StackSettings) -> GameDaySettings:
    """Validate `<project>:gameDays` of the stack's config (string values as the CLI passes them)."""
    reader = _Reader(settings.source, settings.project)
    raw = values.get(f"{settings.project}:gameDays")
    given = reader.mapping("gameDays", _decode(raw)) if raw is not None else {}
    reader.unknown_keys("gameDays.", given, GAME_DAY_KEYS)

    hour, minute = 2, 0
    if "timeOfDay" in given:
        text = reader.matching("gameDays.timeOfDay", given["timeOfDay"], TIME_OF_DAY, "a time of day", "HH:MM")
        hour, minute = int(text[:2]), int(text[3:])
        if hour not in OFF_PEAK_HOURS:
            raise reader.fail("gameDays.timeOfDay", f"{_shown(text)} is not off-peak; allowed: 22:00..05:59")
    day = reader.integer("gameDays.dayOfMonth", given.get("dayOfMonth", 8), 1, 28)

    calendars: dict[str, JurisdictionCalendar] = {}
    body = reader.mapping("gameDays.jurisdictions", given["jurisdictions"]) if "jurisdictions" in given else {}
    reader.unknown_keys("gameDays.jurisdictions.", body, CODES)
    for code, item in body.items():
        key = f"gameDays.jurisdictions.{code}"
        entry = reader.mapping(key, item)
        reader.unknown_keys(f"{key}.", entry, JURISDICTION_KEYS)
        zone = _time_zone(reader, f"{key}.timeZone", entry["timeZone"]) if "timeZone" in entry else None
        windows = _blackouts(reader, f"{key}.blackouts", entry.get("blackouts", []))
        if all(free_day(windows, month, day) is None for month in range(1, 13)):
            raise reader.fail(f"{key}.blackouts", "leave no free day in any month; a game day needs one")
        calendars[code] = JurisdictionCalendar(zone or DEFAULT_TIME_ZONES[code], windows)
    return GameDaySettings(hour=hour, minute=minute, day_of_month=day, jurisdictions=calendars)


def game_day_schedules(delivery: DeliverySettings, game_days: GameDaySettings, code: str) -> tuple[CronSchedule, ...]:
    """A cell's game days as Scheduler cron expressions: monthly, off-peak, outside its jurisdiction's blackouts,
    its experiments in rotation (a game day running past midnight needs the next day free too)."""
    calendar = game_days.calendar(code)
    crosses_midnight = game_days.hour * 60 + game_days.minute + delivery.duration_minutes >= 24 * 60
    days = plan_game_days(
        calendar.blackouts, delivery.experiments, game_days.day_of_month, crosses_midnight=crosses_midnight
    )
    return cron_schedules(days, game_days.hour, game_days.minute)


def load_game_days(settings: StackSettings) -> GameDaySettings:
    """The running program's game-day settings (the SDK's config, as the CLI or the offline engine set it)."""
    from pulumi.runtime import config as runtime_config

    values = dict(runtime_config.CONFIG.get()) or dict(runtime_config.get_config_env())
    return parse_game_days(values, settings)


__all__ = [
    "GameDaySettings",
    "JurisdictionCalendar",
    "SettingsError",
    "game_day_schedules",
    "load_game_days",
    "parse_game_days",
]
