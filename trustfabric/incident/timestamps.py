"""Timestamps and durations of incident records: ISO 8601 with a UTC offset in, UTC `...Z` out.

A record is evidence, so a time without an offset is refused rather than guessed: "09:12" in which zone?
Seconds are the finest unit kept; sub-second parts are dropped when a time is written.

Usage::

    from trustfabric.incident.timestamps import parse_timestamp, format_timestamp, format_duration

    at = parse_timestamp("2026-12-04T10:12:00+01:00", where="--at")
    assert format_timestamp(at) == "2026-12-04T09:12:00Z"
    assert format_duration(dt.timedelta(hours=80, minutes=5)) == "3d 08h 05m"
"""

from __future__ import annotations

import datetime as dt

from trustfabric.errors import TrustFabricError

EXAMPLE = "2026-12-04T09:12:00Z"


def parse_timestamp(text: object, *, where: str) -> dt.datetime:
    """`text` as an aware UTC datetime; bad input names `where` (a file and field, or an option)."""
    if not isinstance(text, str) or "T" not in text:
        raise TrustFabricError(f"{where}: {text!r} is not an ISO 8601 timestamp with a UTC offset (e.g. {EXAMPLE})")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise TrustFabricError(
            f"{where}: {text!r} is not an ISO 8601 timestamp with a UTC offset (e.g. {EXAMPLE})"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise TrustFabricError(f"{where}: {text!r} has no UTC offset; write it as e.g. {EXAMPLE}")
    return value.astimezone(dt.UTC).replace(microsecond=0)


def parse_date(text: str, *, where: str) -> dt.date:
    """A calendar day `YYYY-MM-DD`; bad input names `where`."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TrustFabricError(f"{where}: {text!r} is not a date YYYY-MM-DD") from None


def format_timestamp(value: dt.datetime) -> str:
    """`2026-12-04T09:12:00Z`: UTC, seconds, the form records are written in."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def format_duration(value: dt.timedelta) -> str:
    """`3d 08h 05m`, `1h 02m`, `4m 30s`, `0s`: the largest units that matter, never negative (callers say
    "overdue by" or "left")."""
    seconds = int(abs(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"
