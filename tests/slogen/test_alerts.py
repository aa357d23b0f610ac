"""What the alerts are: burn-rate factors and their scaling, the full-outage condition, detection time."""

from __future__ import annotations

import pytest

from slogen.alerts import burn_rate_windows, detection_minutes, needs_full_outage_condition
from slogen.prometheus import alerting_rules, recording_rules
from slogen.spec import full_outage_cap

from .specs import SLOS, with_window


def test_thirty_day_factors_are_the_workbooks() -> None:
    pairs = [(w.kind, w.long_window, w.short_window, f) for w, f in burn_rate_windows(SLOS["ingestion-availability"])]
    assert pairs == [
        ("page", "1h", "5m", 14.4),
        ("page", "6h", "30m", 6.0),
        ("ticket", "1d", "2h", 3.0),
        ("ticket", "3d", "6h", 1.0),
    ]


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("7d", [3.36, 1.4, 0.7, 0.233333]),
        ("28d", [13.44, 5.6, 2.8, 0.933333]),
        ("4w", [13.44, 5.6, 2.8, 0.933333]),
    ],
)
def test_factors_scale_with_the_window_and_keep_the_budget_fraction(duration: str, expected: list[float]) -> None:
    slo = with_window(duration)
    windows = burn_rate_windows(slo)
    assert [factor for _, factor in windows] == expected
    hours = {"1h": 1, "6h": 6, "1d": 24, "3d": 72}
    fractions = [round(factor * hours[w.long_window] / (slo.window_days * 24), 4) for w, factor in windows]
    assert fractions == [0.02, 0.05, 0.1, 0.1]  # the share of the budget each alert spends, as for 30 days
    page = alerting_rules(slo)[0]
    assert f'slo:sli_error:ratio_rate1h{{slo="ingestion-availability"}} > ({expected[0]:g} * 0.001)' in page["expr"]
    assert any(rule["record"] == f"slo:sli_error:ratio_rate{slo.window}" for rule in recording_rules(slo))


def test_full_outage_footprint_caps() -> None:
    # 90% of what two minutes of 100% errors show in the window: 0.9 * 2/60 and 0.9 * 2/5.
    assert (full_outage_cap(60), full_outage_cap(5)) == (0.03, 0.36)


def test_full_outage_condition_only_where_the_workbook_page_is_too_slow() -> None:
    # 14.4 x budget against the 3% a 2-minute outage shows over 1h: 1.44% (99.9%) is below, 7.2% and 14.4% above.
    assert {name: needs_full_outage_condition(slo) for name, slo in SLOS.items()} == {
        "api-latency": True,
        "extraction-availability": True,
        "filing-success": False,
        "ingestion-availability": False,
        "ledger-freshness": True,
        "model-drift-resolution": True,
    }
    page = alerting_rules(SLOS["api-latency"])[0]
    assert page["expr"].count("\nor\n") == 2
    assert page["expr"].endswith(
        '(\n  slo:sli_error:ratio_rate1h{slo="api-latency"} > 0.03\nand\n'
        '  slo:sli_error:ratio_rate5m{slo="api-latency"} > 0.36\n)'
    )
    assert "> (14.4 * 0.01)" in page["expr"] and "> (6 * 0.01)" in page["expr"]  # the workbook's, unchanged
    assert "or a full outage (errors above 3% over 1h and 36% over 5m)" in page["annotations"]["description"]
    ingestion = alerting_rules(SLOS["ingestion-availability"])[0]
    assert ingestion["expr"].count("\nor\n") == 1 and "0.36" not in ingestion["expr"]
    assert "full outage" not in ingestion["annotations"]["description"]
    for slo in SLOS.values():  # tickets never carry it
        assert alerting_rules(slo)[1]["expr"].count("\nor\n") == 1


def test_full_outage_detection_time_per_objective() -> None:
    # With clean history a full outage adds 1/60 to the 1h ratio a minute and 1/5 to the 5m ratio; no `for:` hold.
    # 99.9%: 14.4 x 0.1% = 1.44% < 1/60 after one minute. 99.5% and 99%: the full-outage condition (3% and 36%)
    # after two. The timeslice SLO counts its first bad sample, but 2 of 6 samples in 5m (33%) stay under 36%.
    assert {name: detection_minutes(slo) for name, slo in SLOS.items()} == {
        "api-latency": 2,
        "extraction-availability": 2,
        "filing-success": 1,
        "ingestion-availability": 1,
        "ledger-freshness": 2,
        "model-drift-resolution": 2,
    }
    assert all(detection_minutes(with_window(duration)) <= 2 for duration in ("7d", "28d", "90d"))
