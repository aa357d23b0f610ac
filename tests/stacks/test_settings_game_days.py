"""Game-day settings: defaults, what a stack file may change, one exact line for each bad value, and the plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.game_days import BlackoutWindow, blacked_out, parse_cron
from stacks.settings import SettingsError, parse_settings
from stacks.settings_delivery import parse_delivery
from stacks.settings_game_days import GameDaySettings, JurisdictionCalendar, game_day_schedules, parse_game_days
from tests.stacks.test_settings import GOOD, preview_error

BASE = {
    "trust-fabric:cells": json.dumps([{"jurisdiction": "UK"}]),
    "trust-fabric:vault": json.dumps({"address": "https://vault.example.internal:8200"}),
    "trust-fabric:role": "primary",
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}


def parsed(game_days: object = None) -> GameDaySettings:
    values = dict(BASE)
    if game_days is not None:
        values["trust-fabric:gameDays"] = json.dumps(game_days)
    settings = parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    return parse_game_days(values, settings)


def refused(game_days: object) -> str:
    with pytest.raises(SettingsError) as error:
        parsed(game_days)
    return str(error.value)


def test_defaults():
    game_days = parsed()
    assert (game_days.time_of_day, game_days.day_of_month) == ("02:00", 8)
    assert game_days.calendar("UK") == JurisdictionCalendar("Europe/London", ())
    assert game_days.calendar("US").time_zone == "America/New_York"


def test_a_stack_file_declares_blackouts_time_and_zone():
    game_days = parsed(
        {
            "timeOfDay": "23:30",
            "dayOfMonth": 3,
            "jurisdictions": {
                "US": {
                    "timeZone": "America/Chicago",
                    "blackouts": [{"from": "04-01", "to": "04-20", "reason": "IRS deadline"}],
                }
            },
        }
    )
    assert (game_days.hour, game_days.minute, game_days.day_of_month) == (23, 30, 3)
    assert game_days.calendar("US") == JurisdictionCalendar(
        "America/Chicago", (BlackoutWindow((4, 1), (4, 20), "IRS deadline"),)
    )


@pytest.mark.parametrize(
    ("game_days", "message"),
    [
        ("monthly", "gameDays: expected an object, got a string ('monthly')"),
        (
            {"timeofDay": "02:00"},
            "gameDays.timeofDay: unknown key; did you mean 'timeOfDay'? allowed: timeOfDay, dayOfMonth, jurisdictions",
        ),
        ({"timeOfDay": "2am"}, "gameDays.timeOfDay: '2am' is not a time of day; allowed: HH:MM"),
        ({"timeOfDay": "14:00"}, "gameDays.timeOfDay: '14:00' is not off-peak; allowed: 22:00..05:59"),
        ({"dayOfMonth": 31}, "gameDays.dayOfMonth: 31 is out of range; allowed: 1..28"),
        ({"jurisdictions": {"FR": {}}}, "gameDays.jurisdictions.FR: unknown key; allowed: UK, EU, US, CA"),
        (
            {"jurisdictions": {"UK": {"timeZone": "Europe/Londn"}}},
            "gameDays.jurisdictions.UK.timeZone: 'Europe/Londn' is not an IANA time zone; allowed: e.g. Europe/London",
        ),
        (
            {"jurisdictions": {"UK": {"blackouts": {"from": "01-15"}}}},
            "gameDays.jurisdictions.UK.blackouts: expected a list of {from, to, reason}, got an object",
        ),
        (
            {"jurisdictions": {"UK": {"blackouts": [{"from": "01-15"}]}}},
            "gameDays.jurisdictions.UK.blackouts[0].to: is required (MM-DD)",
        ),
        (
            {"jurisdictions": {"UK": {"blackouts": [{"from": "02-30", "to": "03-01"}]}}},
            "gameDays.jurisdictions.UK.blackouts[0].from: '02-30' is not a calendar day; allowed: MM-DD, e.g. 01-31",
        ),
        (
            {"jurisdictions": {"UK": {"blackouts": [{"from": "01-01", "to": "12-31"}]}}},
            "gameDays.jurisdictions.UK.blackouts: leave no free day in any month; a game day needs one",
        ),
    ],
)
def test_bad_values_are_one_line_naming_file_and_key(game_days, message):
    assert refused(game_days) == f"Pulumi.prod.yaml: trust-fabric:{message}"


def test_the_cli_refuses_a_bad_game_day_setting_with_exit_2(tmp_path: Path, capsys):
    stack_file = GOOD + "  trust-fabric:gameDays:\n    timeOfDay: '12:00'\n"
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:gameDays.timeOfDay: '12:00' is not off-peak; allowed: 22:00..05:59"
    )


def test_the_planned_schedules_never_fall_inside_a_blackout():
    windows = [{"from": "01-15", "to": "02-07"}, {"from": "03-01", "to": "03-31"}, {"from": "12-20", "to": "01-10"}]
    game_days = parsed({"dayOfMonth": 8, "jurisdictions": {"UK": {"blackouts": windows}}})
    values = dict(BASE)
    settings = parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    schedules = game_day_schedules(parse_delivery(values, settings), game_days, "UK")
    blackouts = game_days.calendar("UK").blackouts
    runs = []
    for schedule in schedules:
        minute, hour, day, months = parse_cron(schedule.expression)
        assert (minute, hour) == (0, 2)
        runs += [(month, day) for month in months]

    assert not any(blacked_out(blackouts, month, day) for month, day in runs)
    assert sorted(month for month, _ in runs) == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # March is blacked out
    assert dict(runs)[1] == 11  # January's 8th is blacked out: the first free day after it


def test_a_game_day_running_past_midnight_needs_the_next_day_free():
    windows = [{"from": "05-09", "to": "05-09"}]
    game_days = parsed({"timeOfDay": "23:55", "jurisdictions": {"UK": {"blackouts": windows}}})
    values = dict(BASE)
    settings = parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    schedules = game_day_schedules(parse_delivery(values, settings), game_days, "UK")
    may = [parse_cron(s.expression)[2] for s in schedules if 5 in parse_cron(s.expression)[3]]
    assert may == [9 + 1]  # the 8th runs into the 9th, the 9th is out: the 10th
