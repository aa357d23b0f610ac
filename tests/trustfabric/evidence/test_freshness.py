"""Freshness: evidence older than the control's frequency is stale, and stale evidence is never a pass."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.trustfabric.helpers import pack_policies
from trustfabric.evidence.controls import Control, load_catalog
from trustfabric.evidence.freshness import apply, freshness, is_stale

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


def _control(**fields: object) -> Control:
    return Control(framework="SOC2", id="X1.1", title="t", summary="s.", **fields)  # type: ignore[arg-type]


def _days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("fields", "age", "stale"),
    [
        ({"frequency": "quarterly", "drills": ("quarterly",)}, 92, False),
        ({"frequency": "quarterly", "drills": ("quarterly",)}, 92.01, True),
        ({"frequency": "quarterly", "max_age_days": 90}, 90, False),
        ({"frequency": "quarterly", "max_age_days": 90}, 91, True),
        ({"frequency": "annually", "max_age_days": 365}, 364, False),
        ({"frequency": "annually", "max_age_days": 365}, 366, True),
        ({"frequency": "monthly"}, 32, True),
        ({"frequency": "per-event"}, 4000, False),
        ({}, 4000, False),
    ],
)
def test_evidence_older_than_the_limit_is_stale(fields: dict[str, object], age: float, stale: bool) -> None:
    control = _control(**fields)
    verdict = freshness(control, [_days_ago(age + 30), _days_ago(age)], NOW)
    assert verdict.stale is stale
    assert is_stale(control, [_days_ago(age)], NOW) is stale
    assert verdict.newest == _days_ago(age)


def test_stale_evidence_is_never_pass() -> None:
    control = _control(frequency="quarterly")
    stale = freshness(control, [_days_ago(120)], NOW)
    fresh = freshness(control, [_days_ago(10)], NOW)
    assert apply("pass", stale) == "stale"
    assert apply("pass", fresh) == "pass"
    assert apply("fail", stale) == "fail"
    assert stale.reason == "SOC2 X1.1: newest evidence 2026-03-02T12:00:00Z is 120 days old; limit 92 days (quarterly)"


def test_no_evidence_is_missing_not_fresh_and_naive_times_are_utc() -> None:
    control = _control(frequency="quarterly")
    assert freshness(control, [], NOW).state == "missing"
    naive = (NOW - dt.timedelta(days=93)).replace(tzinfo=None)
    assert freshness(control, [naive], NOW).stale


def test_the_catalog_gives_the_tabletop_access_review_and_drills_their_limits() -> None:
    catalog = load_catalog(policies=pack_policies())
    assert catalog.get("SOC2 CC7.4").max_age == 365  # tabletop: older than a year is stale
    assert catalog.get("SOC2 CC6.3").max_age == 90  # access review
    assert catalog.get("SOC2 A1.3").max_age == 92  # quarterly drill report
    assert catalog.get("SOC2 CC8.1").max_age is None  # evidenced at every run
