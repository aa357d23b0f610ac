"""The game-day calendar: free days, rotation, cron grouping, the blackout tag and the next occurrences."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.game_days import (
    BlackoutWindow,
    blackout_tag,
    cron_schedules,
    next_game_days,
    parse_blackout_tag,
    parse_cron,
    plan_game_days,
)

JANUARY = BlackoutWindow.parse("01-01", "01-31")
YEAR_END = BlackoutWindow.parse("12-20", "01-05")


def test_experiments_rotate_and_a_fully_blacked_out_month_has_no_game_day():
    days = plan_game_days([JANUARY], ("a", "b"), preferred_day=8)
    assert [(d.month, d.day, d.experiment) for d in days[:3]] == [(2, 8, "a"), (3, 8, "b"), (4, 8, "a")]
    assert len(days) == 11


def test_a_window_wrapping_the_year_end_moves_the_day_on():
    days = plan_game_days([YEAR_END], ("a",), preferred_day=2)
    assert (days[0].month, days[0].day) == (1, 6)
    assert (days[-1].month, days[-1].day) == (12, 2)


def test_cron_schedules_group_months_by_experiment_and_day():
    days = plan_game_days([YEAR_END], ("a", "b"), preferred_day=2)
    schedules = cron_schedules(days, hour=2, minute=30)
    assert [(s.key, s.expression) for s in schedules] == [
        ("a-d06", "cron(30 2 6 1 ? *)"),
        ("b-d02", "cron(30 2 2 2,4,6,8,10,12 ? *)"),
        ("a-d02", "cron(30 2 2 3,5,7,9,11 ? *)"),
    ]
    assert parse_cron("cron(30 2 2 3,5 ? *)") == (30, 2, 2, (3, 5))
    assert parse_cron("rate(1 day)") is None


def test_the_blackout_tag_round_trips():
    tag = blackout_tag([JANUARY, YEAR_END])
    assert tag == "01-01/01-31 12-20/01-05"
    assert [w.label() for w in parse_blackout_tag(tag)] == ["01-01/01-31", "12-20/01-05"]
    assert blackout_tag([]) == "none" and parse_blackout_tag("none") == ()
    assert parse_blackout_tag("13-01/01-01") is None


def test_next_game_days_in_local_time_across_the_year_end():
    days = plan_game_days([YEAR_END], ("a",), preferred_day=8)
    after = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    found = next_game_days(days, hour=2, minute=0, time_zone="Europe/London", after=after, count=3)
    assert [o.starts_at.isoformat() for o in found] == [
        "2026-12-08T02:00:00+00:00",
        "2027-01-08T02:00:00+00:00",
        "2027-02-08T02:00:00+00:00",
    ]


def test_bad_arguments_name_what_is_allowed():
    with pytest.raises(ValueError, match=r"preferred_day: 29 is out of range; allowed: 1\.\.28"):
        plan_game_days([], ("a",), preferred_day=29)
    with pytest.raises(ValueError, match="expected MM-DD calendar days"):
        BlackoutWindow.parse("02-30", "03-01")
