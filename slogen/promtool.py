"""`promtool test rules` suites from an SLO: synthetic traffic that proves the page and ticket alerts.

Per SLO: a full outage pages within `PAGE_DETECTION_MINUTES` after 6h of steady traffic and with no earlier
traffic; where the page has the full-outage condition, one minute of full outage does not page; slow burns ticket
and do not page; a normal error rate fires nothing; recovery resolves. The expected alerts carry exactly the
labels and annotations of `slogen.alerts`, so the suite checks those too.

Usage::

    from slogen.promtool import promtool_tests

    suite = promtool_tests(slo, "slo-ingestion-availability.rules.yml")   # the rule file the suite loads

    promtool test rules build/observability/prometheus/*.test.yml
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from slogen import alerts
from slogen.alerts import Annotations, alert_annotations, alert_name, burn_rate_windows, needs_full_outage_condition
from slogen.prometheus import EVALUATION_INTERVAL
from slogen.promql import duration_minutes, number_text, series_text
from slogen.spec import PAGE_DETECTION_MINUTES, LatencyIndicator, SloSpec, TimesliceIndicator

SYNTHETIC_EVENTS_PER_MINUTE = 1000
"""Traffic of the synthetic series in the generated promtool suites."""
COUNTER_START = 1_000_000
"""Synthetic counters start high so rate()'s extrapolation towards zero never skews a ratio."""
HISTORY_MINUTES = 360
"""Steady traffic before the outage of the main proof."""


class InputSeries(TypedDict):
    series: str
    values: str
    """promtool's expanding notation, one sample per evaluation interval."""


class ExpectedAlert(TypedDict):
    exp_labels: dict[str, str]
    exp_annotations: Annotations


class AlertRuleTest(TypedDict):
    eval_time: str
    alertname: str
    exp_alerts: list[ExpectedAlert]
    """Empty: the alert must not be firing at `eval_time`."""


class PromtoolCase(TypedDict):
    name: str
    interval: str
    input_series: list[InputSeries]
    alert_rule_test: list[AlertRuleTest]


class PromtoolSuite(TypedDict):
    """A `promtool test rules` file."""

    rule_files: list[str]
    evaluation_interval: str
    tests: list[PromtoolCase]


@dataclass(frozen=True)
class Scenario:
    """A stretch of synthetic traffic: `minutes` minutes at `error_ratio` after what came before."""

    minutes: int
    error_ratio: float


@dataclass
class _Profile:
    """Per-minute truth of a synthetic run: the error ratio of each minute (index 0 is the first sample)."""

    ratios: list[float] = field(default_factory=list)

    def extend(self, scenarios: Iterable[Scenario]) -> _Profile:
        for scenario in scenarios:
            self.ratios += [scenario.error_ratio] * scenario.minutes
        return self


def _value_text(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _runs(values: Sequence[float]) -> list[tuple[float, int]]:
    """Runs of equal values: [1, 1, 2] -> [(1, 2), (2, 1)]."""
    runs: list[tuple[float, int]] = []
    index = 0
    while index < len(values):
        run = 1
        while index + run < len(values) and values[index + run] == values[index]:
            run += 1
        runs.append((values[index], run))
        index += run
    return runs


def _counter_values(increments: Sequence[float]) -> str:
    """promtool expanding notation for a counter starting at COUNTER_START with these per-minute increments."""
    parts = [str(COUNTER_START)]
    value = float(COUNTER_START)
    for position, (step, run) in enumerate(_runs(increments)):
        if position == 0:
            parts = [f"{COUNTER_START}+{_value_text(step)}x{run}"]
        else:
            parts.append(f"{_value_text(value + step)}+{_value_text(step)}x{run - 1}")
        value += step * run
    return " ".join(parts)


def _gauge_values(values: Sequence[float]) -> str:
    return " ".join(f"{_value_text(value)}+0x{run - 1}" for value, run in _runs(values))


def _bad_minutes(ratios: Sequence[float]) -> list[bool]:
    """Spread a per-minute error ratio over whole minutes: minute i is bad when the running sum crosses 1."""
    return [count > 0 for count in _event_counts(ratios, 1)]


def _event_counts(ratios: Sequence[float], per_minute: int) -> list[float]:
    """Bad events per minute as whole numbers whose running total follows the running total of ratio x traffic."""
    counts: list[float] = []
    expected = 0.0
    counted = 0
    for ratio in ratios:
        expected += ratio * per_minute
        now = math.floor(expected + 1e-9)
        counts.append(float(now - counted))
        counted = now
    return counts


def input_series(slo: SloSpec, ratios: Sequence[float]) -> list[InputSeries]:
    """Synthetic series for the SLO's indicator; `ratios[i]` is the error ratio between sample i and i+1."""
    indicator = slo.indicator
    if isinstance(indicator, TimesliceIndicator):
        # Sample i decides minute i; one extra sample so the run has as many minutes as ratios.
        bad = [*_bad_minutes(ratios), False]
        good_value = indicator.threshold / 10 if indicator.good_when_below else indicator.threshold * 10
        bad_value = indicator.threshold * 10 if indicator.good_when_below else indicator.threshold / 10
        series = series_text(indicator.gauge.metric, indicator.gauge.equality_labels())
        return [{"series": series, "values": _gauge_values([bad_value if b else good_value for b in bad])}]
    # Whole events only: counters then hold exact integers, so no float rounding between two runs of the expanding
    # notation can make a counter step down, which rate() would read as a reset.
    bad_increments = _event_counts(ratios, SYNTHETIC_EVENTS_PER_MINUTE)
    good_increments = [float(SYNTHETIC_EVENTS_PER_MINUTE - bad) for bad in bad_increments]
    total_increments = [float(SYNTHETIC_EVENTS_PER_MINUTE)] * len(ratios)
    if isinstance(indicator, LatencyIndicator):
        base = indicator.histogram
        labels = base.equality_labels()
        return [
            {
                "series": series_text(f"{base.metric}_bucket", {**labels, "le": indicator.le}),
                "values": _counter_values(good_increments),
            },
            {
                "series": series_text(f"{base.metric}_bucket", {**labels, "le": "+Inf"}),
                "values": _counter_values(total_increments),
            },
            {
                "series": series_text(f"{base.metric}_count", labels),
                "values": _counter_values(total_increments),
            },
        ]
    labels = indicator.total.equality_labels()
    return [
        {
            "series": series_text(indicator.total.metric, {**labels, **indicator.test_good_labels}),
            "values": _counter_values(good_increments),
        },
        {
            "series": series_text(indicator.total.metric, {**labels, **indicator.test_bad_labels}),
            "values": _counter_values(bad_increments),
        },
    ]


def _expect(
    slo: SloSpec, eval_minute: int, firing: Iterable[str], base_url: str, kinds: Iterable[str] = ("page", "ticket")
) -> list[AlertRuleTest]:
    """Checks at `eval_minute` that exactly the `firing` alerts of `kinds` fire (the others of `kinds` do not)."""
    firing_kinds = set(firing)
    checks: list[AlertRuleTest] = []
    for kind in kinds:
        expected: list[ExpectedAlert] = []
        if kind in firing_kinds:
            expected = [
                {
                    "exp_labels": alerts.rule_labels(slo, kind),
                    "exp_annotations": alert_annotations(slo, kind, base_url),
                }
            ]
        checks.append({"eval_time": f"{eval_minute}m", "alertname": alert_name(slo, kind), "exp_alerts": expected})
    return checks


def promtool_tests(slo: SloSpec, rules_file: str, base_url: str = "") -> PromtoolSuite:
    """A `promtool test rules` suite: a full outage pages within `PAGE_DETECTION_MINUTES` after 6h of steady
    traffic and with no earlier traffic; where the page has the full-outage condition, one minute of full outage
    does not page; slow burns ticket and do not page; a normal error rate fires nothing; recovery resolves."""
    budget = slo.error_budget
    factors = [factor for _, factor in burn_rate_windows(slo)]
    _, page_slow, ticket_fast, ticket_slow = factors
    slow_ratio = min(1.0, (page_slow + ticket_fast) / 2 * budget)
    slower_ratio = min(1.0, (ticket_fast + ticket_slow) / 2 * budget)
    normal_ratio = min(factors) / 2 * budget
    history = HISTORY_MINUTES
    mttd = PAGE_DETECTION_MINUTES
    ticket_hold = duration_minutes(alerts.TICKET_FOR)

    def case(name: str, scenarios: list[Scenario], checks: list[AlertRuleTest]) -> PromtoolCase:
        ratios = _Profile().extend(scenarios).ratios
        return {
            "name": f"{slo.name}: {name}",
            "interval": EVALUATION_INTERVAL,
            "input_series": input_series(slo, ratios),
            "alert_rule_test": checks,
        }

    normal_text = number_text(round(normal_ratio / budget, 3))
    tests = [
        case(
            f"a full outage after {history // 60}h of steady traffic ({normal_text}x the budget) pages within "
            f"{mttd} minutes",
            [Scenario(history, normal_ratio), Scenario(mttd + 8, 1.0)],
            _expect(slo, history, [], base_url) + _expect(slo, history + mttd, ["page"], base_url),
        ),
        case(
            f"a full outage with no earlier traffic pages within {mttd} minutes",
            [Scenario(mttd + 8, 1.0)],
            _expect(slo, mttd, ["page"], base_url),
        ),
    ]
    if needs_full_outage_condition(slo):
        blip_checks = [
            check
            for minute in (history + 1, history + 2, history + 3, history + 5)
            for check in _expect(slo, minute, [], base_url, kinds=("page",))
        ]
        tests.append(
            case(
                f"one minute of full outage after {history // 60}h of clean traffic does not page (the full-outage "
                "condition needs two)",
                [Scenario(history, 0.0), Scenario(1, 1.0), Scenario(60, 0.0)],
                blip_checks,
            )
        )
    tests += [
        case(
            f"a slow burn at {number_text(round(slow_ratio / budget, 3))}x the budget tickets and does not page",
            [Scenario(240, slow_ratio)],
            _expect(slo, 30, [], base_url, kinds=("page",))
            + _expect(slo, 120, [], base_url, kinds=("page",))
            + _expect(slo, 180, ["ticket"], base_url)
            + _expect(slo, 240, ["ticket"], base_url),
        ),
        case(
            f"a slower burn at {number_text(round(slower_ratio / budget, 3))}x the budget tickets and does not page",
            [Scenario(240, slower_ratio)],
            _expect(slo, 240, ["ticket"], base_url),
        ),
        case(
            f"a normal error rate ({normal_text}x the budget) fires nothing, checked every 10 minutes",
            [Scenario(240, normal_ratio)],
            [check for minute in range(10, 241, 10) for check in _expect(slo, minute, [], base_url)],
        ),
        case(
            "recovery: errors stop after 10 minutes; the page resolves once the 30m window is clean, the ticket "
            "once the 6h window is",
            [Scenario(10, 1.0), Scenario(400, 0.0)],
            _expect(slo, mttd, ["page"], base_url)
            + _expect(slo, 10 + ticket_hold + 5, ["page", "ticket"], base_url)
            + _expect(slo, 10 + 30 + 5, ["ticket"], base_url)
            + _expect(slo, 10 + 360 + 10, [], base_url),
        ),
    ]
    return {"rule_files": [rules_file], "evaluation_interval": EVALUATION_INTERVAL, "tests": tests}
