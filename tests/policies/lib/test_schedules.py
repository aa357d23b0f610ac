"""AWS Backup cron schedules: the longest gap between two runs, or None when it cannot be timed."""

from __future__ import annotations

import pytest

from domain.tiers import TIERS
from policies.lib.schedules import longest_interval_minutes


@pytest.mark.parametrize(
    ("expression", "minutes"),
    [
        ("cron(0 * * * ? *)", 60),
        ("cron(0/15 * * * ? *)", 15),
        ("cron(*/20 * * * ? *)", 20),
        ("cron(0 */6 * * ? *)", 360),
        ("cron(0 3 * * ? *)", 1440),
        ("cron(30 5,17 ? * * *)", 720),
        ("cron(0 1,2,23 * * ? *)", 21 * 60),  # 02:00 to 23:00
        ("cron(0 3 ? * MON-FRI *)", 3 * 1440),
        ("cron(0 3 ? * 1,4 *)", 4 * 1440),
        ("cron(0 3 ? * SUN *)", 7 * 1440),
    ],
)
def test_daily_and_weekly_schedules_are_timed(expression, minutes):
    assert longest_interval_minutes(expression) == minutes


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 3 1 * ? *)",  # a day of the month
        "cron(0 3 ? 1 * *)",  # a month
        "cron(0 3 ? * 2#1 *)",  # the first Monday
        "cron(0 3 L * ? *)",
        "cron(0 3 * * ? 2030)",
        "cron(0 3 * * ?)",  # five fields
        "cron(61 3 * * ? *)",
        "rate(1 hour)",
        "",
        None,
    ],
)
def test_other_schedules_are_not_timed(expression):
    assert longest_interval_minutes(expression) is None


def test_the_shipped_tiers_rules_are_timed():
    assert {rule.name: longest_interval_minutes(rule.schedule) for tier in TIERS.values() for rule in tier.rules} == {
        "hourly": 60,
        "daily-statutory": 1440,
    }
