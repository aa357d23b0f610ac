"""Generate alerting artefacts from the SLO specs in `slos/`: pure functions, deterministic output.

From each SLO: Prometheus recording rules (error ratio over 5m ... 3d and the SLO period), multi-window
multi-burn-rate alerts after the Google SRE workbook (page: 14.4x over 1h and 5m, 6x over 6h and 30m; ticket:
3x over 1d and 2h, 1x over 3d and 6h, for 30 days; factors scaled by window/30d for other periods), a
`promtool test rules` suite proving detection and silence, Datadog SLO and burn-rate monitor definitions (plain
dicts for pulumi-datadog), and a Grafana dashboard per service. Once for all SLOs: the Alertmanager config that
routes sev1 to PagerDuty at once, sev2 to PagerDuty in business hours and sev3 to the ticket webhook.

Paging MTTD: a full outage (100% errors) pages within 2 minutes of its start, for every objective. The workbook's
14.4x condition alone cannot promise that below 99.9%: after clean traffic a full outage adds 1/60 to the 1h error
ratio each minute, so the threshold 14.4 x budget is crossed after 14.4 x budget x 60 minutes (0.9 at 99.9%, 4.3 at
99.5%, 8.6 at 99%; the former 1m `for:` added one more). So where 14.4 x budget is 3% or more (below 99.79% at 30
days), the page gets a third condition, the full-outage condition: the error ratio above 90% of a 2-minute full
outage's footprint over both 1h and 5m (3% and 36%, from `slo_spec.full_outage_cap`), which two minutes of 100%
errors cross and one minute does not. The page has no `for:` hold (the workbook's advice: the short window, not a
duration, stops flapping). The workbook's conditions are unchanged, so every burn pages or tickets at least as
early as before; the full-outage condition pages on about two minutes of total failure (0.46% of a 30-day budget at
99%, 0.93% at 99.5%) where the 1h condition waits for 2% of it. `slo_spec` rejects objectives whose 6x page would
need 36% errors or more, since the full-outage condition would then fire on burns meant for the slower page.
Datadog burn-rate monitors take one threshold for both windows, so Datadog has the four workbook monitors only and
sees a full outage at the workbook's speed; the 2-minute target is the Prometheus page's.

Usage::

    python -m components.observability.rules --out build/observability

    from pathlib import Path
    from components.observability.rules import generate_all

    files = generate_all(Path("slos"))        # {"prometheus/slo-ingestion-availability.rules.yml": "...", ...}

    promtool check rules build/observability/prometheus/*.rules.yml
    promtool test rules build/observability/prometheus/*.test.yml
    amtool check-config build/observability/alertmanager/alertmanager.yml
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.observability.slo_spec import (
    FASTEST_BURN_FACTOR_30D,
    PAGE_DETECTION_MINUTES,
    SLOW_PAGE_BURN_FACTOR_30D,
    LatencyIndicator,
    Matcher,
    Selector,
    SloSpec,
    SloSpecError,
    TimesliceIndicator,
    full_outage_cap,
    load_slo_dir,
    number_text,
)
from domain.residency import CODES

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SLO_DIR = REPO_ROOT / "slos"

RECORDING_WINDOWS: tuple[str, ...] = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
"""Every window an alert reads; the SLO period is recorded as well."""
EVALUATION_INTERVAL = "1m"
PAGE_FOR = "0s"
"""No hold: the 5m/30m short windows stop flapping, and a 1m hold would cost a minute of the 2-minute MTTD."""
TICKET_FOR = "15m"
PAGE_SEVERITY_BY_TIER: dict[str, str] = {"tier0": "sev1", "tier1": "sev2", "records": "sev1"}
"""tier0 and records page at any hour (sev1); tier1 degrades gracefully and pages in business hours (sev2)."""
TICKET_SEVERITY = "sev3"
SYNTHETIC_EVENTS_PER_MINUTE = 1000
"""Traffic of the synthetic series in the generated promtool suites."""
COUNTER_START = 1_000_000
"""Synthetic counters start high so rate()'s extrapolation towards zero never skews a ratio."""


@dataclass(frozen=True)
class BurnRateWindow:
    """One multi-window burn-rate condition: error ratio above factor x budget over both windows."""

    kind: str
    """`page` or `ticket`."""
    long_window: str
    """The window that measures how much budget is gone."""
    short_window: str
    """The window (1/12 of the long one) that proves the burn is still going on, so alerts resolve fast."""
    factor_30d: float
    """The burn rate for a 30-day period; scaled by period/30d for other periods."""


BURN_RATE_WINDOWS: tuple[BurnRateWindow, ...] = (
    BurnRateWindow("page", "1h", "5m", FASTEST_BURN_FACTOR_30D),  # 2% of the budget in 1 hour
    BurnRateWindow("page", "6h", "30m", SLOW_PAGE_BURN_FACTOR_30D),  # 5% in 6 hours
    BurnRateWindow("ticket", "1d", "2h", 3.0),  # 10% in 1 day
    BurnRateWindow("ticket", "3d", "6h", 1.0),  # 10% in 3 days
)
FULL_OUTAGE_WINDOWS = (BURN_RATE_WINDOWS[0].long_window, BURN_RATE_WINDOWS[0].short_window)
"""Long and short window of the full-outage page condition: those of the workbook's fastest page."""


def burn_factor(factor_30d: float, window_days: int) -> float:
    """The burn rate that consumes the same fraction of the budget for a `window_days` period."""
    return round(factor_30d * window_days / 30, 6)


def burn_rate_windows(slo: SloSpec, kind: str | None = None) -> list[tuple[BurnRateWindow, float]]:
    """The SLO's (window, scaled factor) pairs, optionally only `page` or `ticket` ones."""
    return [
        (window, burn_factor(window.factor_30d, slo.window_days))
        for window in BURN_RATE_WINDOWS
        if kind is None or window.kind == kind
    ]


def alert_name(slo: SloSpec, kind: str) -> str:
    """`ingestion-availability`, `page` -> `IngestionAvailabilityErrorBudgetBurnPage`."""
    camel = "".join(part.capitalize() for part in slo.name.split("-"))
    return f"{camel}ErrorBudgetBurn{kind.capitalize()}"


def severity(slo: SloSpec, kind: str) -> str:
    """sev1/sev2 for the page alert (by tier), sev3 for the ticket alert."""
    return PAGE_SEVERITY_BY_TIER[slo.tier] if kind == "page" else TICKET_SEVERITY


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def runbook_url(slo: SloSpec, kind: str, base_url: str = "") -> str:
    """Where the alert's runbook section lives: `<base>runbooks/slo-<name>.md#<alert name lowercased>`."""
    return f"{base_url}{slo.runbook}#{github_anchor(alert_name(slo, kind))}"


# --- Prometheus rules -------------------------------------------------------------------------------------


def record_name(window: str) -> str:
    """`5m` -> `slo:sli_error:ratio_rate5m`."""
    return f"slo:sli_error:ratio_rate{window}"


TIMESLICE_RECORD = "slo:sli_error:timeslice1m"
"""1 for a bad minute, 0 for a good one (timeslice indicators only)."""


def _windows(slo: SloSpec) -> list[str]:
    return [*RECORDING_WINDOWS, slo.window] if slo.window not in RECORDING_WINDOWS else list(RECORDING_WINDOWS)


def _rate_sum(selector_text: str, window: str) -> str:
    return f"sum(rate({selector_text}[{window}]))"


def error_ratio_expr(slo: SloSpec, window: str) -> str:
    """PromQL for the error ratio over `window` (a recorded timeslice series for timeslice indicators)."""
    indicator = slo.indicator
    if isinstance(indicator, TimesliceIndicator):
        return f'avg_over_time({TIMESLICE_RECORD}{{slo="{slo.name}"}}[{window}])'
    if isinstance(indicator, LatencyIndicator):
        base = indicator.histogram
        good = base.render(f"{base.metric}_bucket", (Matcher("le", "=", indicator.le),))
        total = base.render(f"{base.metric}_count")
        return f"1 - ((({_rate_sum(good, window)}) or vector(0)) / {_rate_sum(total, window)})"
    total_text = indicator.total.render()
    if indicator.bad is not None:
        return f"({_rate_sum(indicator.bad.render(), window)} or vector(0)) / {_rate_sum(total_text, window)}"
    assert indicator.good is not None
    return f"1 - (({_rate_sum(indicator.good.render(), window)} or vector(0)) / {_rate_sum(total_text, window)})"


def _timeslice_bad_expr(indicator: TimesliceIndicator) -> str:
    negation = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}[indicator.comparison]
    aggregate = "max" if indicator.good_when_below else "min"
    return f"{aggregate}({indicator.gauge.render()}) {negation} bool {number_text(indicator.threshold)}"


def recording_rules(slo: SloSpec) -> list[dict[str, Any]]:
    """Error ratio per window, the budget, and the budget remaining over the SLO period."""
    labels = {"slo": slo.name, "service": slo.service}
    rules: list[dict[str, Any]] = []
    if isinstance(slo.indicator, TimesliceIndicator):
        rules.append({"record": TIMESLICE_RECORD, "expr": _timeslice_bad_expr(slo.indicator), "labels": labels})
    for window in _windows(slo):
        if window == slo.window and not isinstance(slo.indicator, TimesliceIndicator):
            # A 30-day rate() over raw counters is costly; the mean of the 5m ratio is the usual stand-in.
            expr = f'avg_over_time({record_name("5m")}{{slo="{slo.name}"}}[{window}])'
        else:
            expr = error_ratio_expr(slo, window)
        rules.append({"record": record_name(window), "expr": expr, "labels": labels})
    budget = _budget_text(slo)
    rules += [
        {"record": "slo:objective:ratio", "expr": f"vector({number_text(slo.target)})", "labels": labels},
        {"record": "slo:error_budget:ratio", "expr": f"vector({budget})", "labels": labels},
        {
            "record": "slo:error_budget_remaining:ratio",
            "expr": f'1 - ({record_name(slo.window)}{{slo="{slo.name}"}} / {budget})',
            "labels": labels,
        },
    ]
    return rules


def _budget_text(slo: SloSpec) -> str:
    return number_text(round(slo.error_budget, 10))


@dataclass(frozen=True)
class AlertCondition:
    """One multi-window condition of an alert: the error ratio above a threshold over both windows."""

    long_window: str
    short_window: str
    long_threshold: float
    """Error ratio the long window must exceed."""
    short_threshold: float
    """Error ratio the short window must exceed."""
    factor: float | None
    """The burn rate (both thresholds are factor x budget); None for the full-outage condition."""


def needs_full_outage_condition(slo: SloSpec) -> bool:
    """Whether the workbook's fastest page would see a full outage later than `PAGE_DETECTION_MINUTES`: its
    threshold, factor x budget, is not below what that much full outage shows in one of its windows."""
    _, factor = burn_rate_windows(slo, "page")[0]
    return any(factor * slo.error_budget >= full_outage_cap(_minutes(span)) for span in FULL_OUTAGE_WINDOWS)


def alert_conditions(slo: SloSpec, kind: str) -> list[AlertCondition]:
    """The burn-rate conditions of the `page` or `ticket` alert, and for the page the full-outage condition where
    `needs_full_outage_condition`."""
    conditions = [
        AlertCondition(
            window.long_window, window.short_window, factor * slo.error_budget, factor * slo.error_budget, factor
        )
        for window, factor in burn_rate_windows(slo, kind)
    ]
    if kind == "page" and needs_full_outage_condition(slo):
        long_window, short_window = FULL_OUTAGE_WINDOWS
        conditions.append(
            AlertCondition(
                long_window,
                short_window,
                full_outage_cap(_minutes(long_window)),
                full_outage_cap(_minutes(short_window)),
                None,
            )
        )
    return conditions


def _condition(slo: SloSpec, condition: AlertCondition) -> str:
    sides = []
    for span, threshold in (
        (condition.long_window, condition.long_threshold),
        (condition.short_window, condition.short_threshold),
    ):
        if condition.factor is None:
            text = number_text(threshold)
        else:
            text = f"({number_text(condition.factor)} * {_budget_text(slo)})"
        sides.append(f'  {record_name(span)}{{slo="{slo.name}"}} > {text}')
    return "(\n" + "\nand\n".join(sides) + "\n)"


def condition_text(condition: AlertCondition) -> str:
    """`14.4x over 1h and 5m`, or `a full outage (errors above 3% over 1h and 36% over 5m)`."""
    if condition.factor is not None:
        return f"{number_text(condition.factor)}x over {condition.long_window} and {condition.short_window}"
    return (
        f"a full outage (errors above {number_text(round(condition.long_threshold * 100, 4))}% over "
        f"{condition.long_window} and {number_text(round(condition.short_threshold * 100, 4))}% over "
        f"{condition.short_window})"
    )


def alert_labels(slo: SloSpec, kind: str) -> dict[str, str]:
    """The labels a firing alert carries (also what the promtool suites expect)."""
    return {
        "alertname": alert_name(slo, kind),
        "service": slo.service,
        "severity": severity(slo, kind),
        "slo": slo.name,
        "team": slo.owner,
        "tier": slo.tier,
    }


def alert_annotations(slo: SloSpec, kind: str, base_url: str = "") -> dict[str, str]:
    """Summary, description and runbook_url; static text so promtool can check them exactly."""
    percent = number_text(round(slo.target * 100, 6))
    all_conditions = alert_conditions(slo, kind)
    burn_conditions = [condition for condition in all_conditions if condition.factor is not None]
    outage_conditions = [condition for condition in all_conditions if condition.factor is None]
    conditions = ", or ".join(condition_text(condition) for condition in burn_conditions)
    outage = "".join(f"; or {condition_text(condition)}" for condition in outage_conditions)
    fastest = max(factor for _, factor in burn_rate_windows(slo, kind))
    days_left = number_text(round(slo.window_days / fastest, 1))
    speed = "fast" if kind == "page" else "slowly"
    return {
        "summary": f"SLO {slo.name} ({slo.service}) is burning its error budget {speed}",
        "description": (
            f"{slo.display_name}: the error ratio is above the budget of the {percent}% / {slo.window} objective "
            f"{conditions}{outage}. At {number_text(fastest)}x the whole {slo.window} budget lasts {days_left} days. "
            f"Owner: {slo.owner}."
        ),
        "runbook_url": runbook_url(slo, kind, base_url),
    }


def alerting_rules(slo: SloSpec, base_url: str = "") -> list[dict[str, Any]]:
    """The page and the ticket alert, each an OR of its multi-window conditions (`alert_conditions`)."""
    rules: list[dict[str, Any]] = []
    for kind, hold in (("page", PAGE_FOR), ("ticket", TICKET_FOR)):
        expr = "\nor\n".join(_condition(slo, condition) for condition in alert_conditions(slo, kind))
        labels = {key: value for key, value in alert_labels(slo, kind).items() if key != "alertname"}
        rules.append(
            {
                "alert": alert_name(slo, kind),
                "expr": expr,
                "for": hold,
                "labels": labels,
                "annotations": alert_annotations(slo, kind, base_url),
            }
        )
    return rules


def prometheus_rule_file(slo: SloSpec, base_url: str = "") -> dict[str, Any]:
    """One rule file per SLO with one group: rules in a group run in order, so the alerts read the ratios
    recorded in the same evaluation (separate groups run in no fixed order and could lag a minute)."""
    rules = recording_rules(slo) + alerting_rules(slo, base_url)
    return {"groups": [{"name": f"slo-{slo.name}", "interval": EVALUATION_INTERVAL, "rules": rules}]}


# --- promtool test suites ---------------------------------------------------------------------------------


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


def _counter_values(increments: Sequence[float]) -> str:
    """promtool expanding notation for a counter starting at COUNTER_START with these per-minute increments."""
    parts = [str(COUNTER_START)]
    value = float(COUNTER_START)
    index = 0
    first = True
    while index < len(increments):
        run = 1
        while index + run < len(increments) and increments[index + run] == increments[index]:
            run += 1
        step = increments[index]
        if first:
            parts = [f"{COUNTER_START}+{_value_text(step)}x{run}"]
            first = False
        else:
            parts.append(f"{_value_text(value + step)}+{_value_text(step)}x{run - 1}")
        value += step * run
        index += run
    return " ".join(parts)


def _gauge_values(values: Sequence[float]) -> str:
    parts: list[str] = []
    index = 0
    while index < len(values):
        run = 1
        while index + run < len(values) and values[index + run] == values[index]:
            run += 1
        parts.append(f"{_value_text(values[index])}+0x{run - 1}")
        index += run
    return " ".join(parts)


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


def _series_text(metric: str, labels: dict[str, str]) -> str:
    inner = ",".join(Matcher(key, "=", value).render() for key, value in sorted(labels.items()))
    return f"{metric}{{{inner}}}"


def input_series(slo: SloSpec, ratios: Sequence[float]) -> list[dict[str, str]]:
    """Synthetic series for the SLO's indicator; `ratios[i]` is the error ratio between sample i and i+1."""
    indicator = slo.indicator
    if isinstance(indicator, TimesliceIndicator):
        # Sample i decides minute i; one extra sample so the run has as many minutes as ratios.
        bad = [*_bad_minutes(ratios), False]
        good_value = indicator.threshold / 10 if indicator.good_when_below else indicator.threshold * 10
        bad_value = indicator.threshold * 10 if indicator.good_when_below else indicator.threshold / 10
        series = _series_text(indicator.gauge.metric, indicator.gauge.equality_labels())
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
                "series": _series_text(f"{base.metric}_bucket", {**labels, "le": indicator.le}),
                "values": _counter_values(good_increments),
            },
            {
                "series": _series_text(f"{base.metric}_bucket", {**labels, "le": "+Inf"}),
                "values": _counter_values(total_increments),
            },
            {
                "series": _series_text(f"{base.metric}_count", labels),
                "values": _counter_values(total_increments),
            },
        ]
    labels = indicator.total.equality_labels()
    return [
        {
            "series": _series_text(indicator.total.metric, {**labels, **indicator.test_good_labels}),
            "values": _counter_values(good_increments),
        },
        {
            "series": _series_text(indicator.total.metric, {**labels, **indicator.test_bad_labels}),
            "values": _counter_values(bad_increments),
        },
    ]


def _minutes(duration: str) -> int:
    """`5m` -> 5, `1h` -> 60, `1d` -> 1440; seconds round up to whole evaluations (`0s` -> 0, `30s` -> 1)."""
    amount, unit = int(duration[:-1]), duration[-1]
    if unit == "s":
        return -(-amount // 60)
    return amount * {"m": 1, "h": 60, "d": 1440}[unit]


def detection_minutes(slo: SloSpec, history_minutes: int = 360) -> int:
    """Minutes from the start of a full outage (after `history_minutes` of error-free traffic) until the page
    fires, with samples aligned to the 1m evaluations as in promtool.

    A full outage adds 1/W of errors per minute to a window of W minutes, so a condition holds once both of its
    windows are past their thresholds. Computed for both range conventions (inclusive and exclusive left edge)
    and the later one kept. Includes the `for:` hold. A timeslice indicator counts the first bad sample itself.
    """
    timeslice = isinstance(slo.indicator, TimesliceIndicator)
    conditions = alert_conditions(slo, "page")
    worst = 0
    for exclusive in (False, True):
        for minute in range(0, 24 * 60):

            def ratio(window: str, minute: int = minute, exclusive: bool = exclusive) -> float:
                span = min(_minutes(window), history_minutes + minute)
                if timeslice:
                    samples = span if exclusive else span + 1
                    return min(minute + 1, samples) / samples
                intervals = span - 1 if exclusive else span
                return min(minute, intervals) / intervals

            if any(
                ratio(condition.long_window) > condition.long_threshold
                and ratio(condition.short_window) > condition.short_threshold
                for condition in conditions
            ):
                worst = max(worst, minute)
                break
        else:  # pragma: no cover - an outage always pages within a day
            raise SloSpecError(f"{slo.source}: a full outage never pages; check spec.objectives[0].target")
    return worst + _minutes(PAGE_FOR)


def _expect(
    slo: SloSpec, eval_minute: int, firing: Iterable[str], base_url: str, kinds: Iterable[str] = ("page", "ticket")
) -> list[dict[str, Any]]:
    """Checks at `eval_minute` that exactly the `firing` alerts of `kinds` fire (the others of `kinds` do not)."""
    firing_kinds = set(firing)
    checks = []
    for kind in kinds:
        expected = []
        if kind in firing_kinds:
            expected = [
                {
                    "exp_labels": _without_alertname(slo, kind),
                    "exp_annotations": alert_annotations(slo, kind, base_url),
                }
            ]
        checks.append({"eval_time": f"{eval_minute}m", "alertname": alert_name(slo, kind), "exp_alerts": expected})
    return checks


def _without_alertname(slo: SloSpec, kind: str) -> dict[str, str]:
    return {key: value for key, value in alert_labels(slo, kind).items() if key != "alertname"}


def promtool_tests(slo: SloSpec, rules_file: str, base_url: str = "") -> dict[str, Any]:
    """A `promtool test rules` suite: a full outage pages within `PAGE_DETECTION_MINUTES` after 6h of steady
    traffic and with no earlier traffic; where the page has the full-outage condition, one minute of full outage
    does not page; slow burns ticket and do not page; a normal error rate fires nothing; recovery resolves."""
    budget = slo.error_budget
    factors = [factor for _, factor in burn_rate_windows(slo)]
    _, page_slow, ticket_fast, ticket_slow = factors
    slow_ratio = min(1.0, (page_slow + ticket_fast) / 2 * budget)
    slower_ratio = min(1.0, (ticket_fast + ticket_slow) / 2 * budget)
    normal_ratio = min(factors) / 2 * budget
    history = 360
    mttd = PAGE_DETECTION_MINUTES
    ticket_hold = _minutes(TICKET_FOR)

    def case(name: str, scenarios: list[Scenario], checks: list[dict[str, Any]]) -> dict[str, Any]:
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


# --- Alertmanager -----------------------------------------------------------------------------------------

BUSINESS_HOURS_TIMEZONES: dict[str, str] = {
    "UK": "Europe/London",
    "EU": "Europe/Berlin",
    "US": "America/New_York",
    "CA": "America/Toronto",
}
"""Business hours follow the jurisdiction's on-call team; alerts carry `jurisdiction` as a Prometheus external
label of the cell. Alerts without one use UK hours."""

RECEIVER_PAGE = "pagerduty-sev1"
RECEIVER_BUSINESS_HOURS = "pagerduty-business-hours"
RECEIVER_TICKET = "ticket-webhook"


@dataclass(frozen=True)
class AlertmanagerSettings:
    """Where the generated Alertmanager config finds its secrets and the ticket bridge."""

    secrets_dir: str = "/etc/alertmanager/secrets"
    """Mounted from the secret store; holds the PagerDuty routing keys and the ticket bridge token."""
    ticket_webhook_url: str = "http://ticket-bridge.observability.svc.cluster.local:8080/v1/alerts"
    """The in-cluster bridge that opens (and closes) tickets; authenticated with a bearer token file."""
    business_hours_start: str = "09:00"
    business_hours_end: str = "17:30"


def alertmanager_config(settings: AlertmanagerSettings | None = None) -> dict[str, Any]:
    """Routes by severity, business-hours windows per jurisdiction, and the page-silences-ticket inhibition."""
    settings = settings or AlertmanagerSettings()
    missing = [code for code in CODES if code not in BUSINESS_HOURS_TIMEZONES]
    if missing:
        raise ValueError(f"alertmanager: business hours: no time zone for jurisdiction {', '.join(missing)}")

    def interval_name(code: str) -> str:
        return f"business-hours-{code.lower()}"

    business_children = [
        {
            "receiver": RECEIVER_BUSINESS_HOURS,
            "matchers": [f'jurisdiction="{code}"'],
            "active_time_intervals": [interval_name(code)],
        }
        for code in CODES
    ]
    link = {"href": "{{ (index .Alerts 0).Annotations.runbook_url }}", "text": "runbook"}
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": RECEIVER_TICKET,
            "group_by": ["alertname", "slo", "service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": [
                {
                    "receiver": RECEIVER_PAGE,
                    "matchers": ['severity="sev1"'],
                    "group_wait": "10s",
                    "group_interval": "1m",
                    "repeat_interval": "30m",
                },
                {
                    "receiver": RECEIVER_BUSINESS_HOURS,
                    "matchers": ['severity="sev2"'],
                    "group_wait": "30s",
                    "group_interval": "5m",
                    "repeat_interval": "2h",
                    "active_time_intervals": [interval_name("UK")],
                    "routes": business_children,
                },
                {
                    "receiver": RECEIVER_TICKET,
                    "matchers": ['severity="sev3"'],
                    "group_wait": "5m",
                    "group_interval": "30m",
                    "repeat_interval": "24h",
                },
            ],
        },
        "inhibit_rules": [
            {
                "source_matchers": [f'severity="{source}"'],
                "target_matchers": [f'severity="{TICKET_SEVERITY}"'],
                "equal": ["slo", "service"],
            }
            for source in ("sev1", "sev2")
        ],
        "receivers": [
            {
                "name": RECEIVER_PAGE,
                "pagerduty_configs": [
                    {
                        "routing_key_file": f"{settings.secrets_dir}/pagerduty-sev1-routing-key",
                        "severity": "critical",
                        "send_resolved": True,
                        "links": [link],
                    }
                ],
            },
            {
                "name": RECEIVER_BUSINESS_HOURS,
                "pagerduty_configs": [
                    {
                        "routing_key_file": f"{settings.secrets_dir}/pagerduty-business-hours-routing-key",
                        "severity": "error",
                        "send_resolved": True,
                        "links": [link],
                    }
                ],
            },
            {
                "name": RECEIVER_TICKET,
                "webhook_configs": [
                    {
                        "url": settings.ticket_webhook_url,
                        "send_resolved": True,
                        "http_config": {
                            "authorization": {"credentials_file": f"{settings.secrets_dir}/ticket-bridge-token"}
                        },
                    }
                ],
            },
        ],
        "time_intervals": [
            {
                "name": interval_name(code),
                "time_intervals": [
                    {
                        "weekdays": ["monday:friday"],
                        "times": [
                            {
                                "start_time": settings.business_hours_start,
                                "end_time": settings.business_hours_end,
                            }
                        ],
                        "location": BUSINESS_HOURS_TIMEZONES[code],
                    }
                ],
            }
            for code in CODES
        ],
    }


# --- Datadog ----------------------------------------------------------------------------------------------

DATADOG_NAMESPACE = "trustfabric"
"""The OpenMetrics check namespace: `http_requests_total` arrives as `trustfabric.http_requests.count`."""
DATADOG_TIMEFRAMES = (7, 30, 90)
DATADOG_NOTIFY = {
    "sev1": "@pagerduty-trustfabric-sev1",
    "sev2": "@pagerduty-trustfabric-business-hours",
    "sev3": "@webhook-trustfabric-tickets",
}


def _datadog_tag(matcher: Matcher, source: str, field_name: str) -> str:
    negate = matcher.operator in ("!=", "!~")
    if matcher.operator in ("=", "!="):
        tag = f"{matcher.label}:{matcher.value}"
    elif re.fullmatch(r"[\w-]+(\|[\w-]+)+", matcher.value):
        values = ",".join(matcher.value.split("|"))
        return f"{matcher.label} {'NOT IN' if negate else 'IN'} ({values})"
    elif found := re.fullmatch(r"([\w-]*)(\.+|\.\*|\.\+)", matcher.value):
        tag = f"{matcher.label}:{found.group(1)}*"
    else:
        raise SloSpecError(
            f"{source}: {field_name}: matcher {matcher.render()} has no Datadog tag equivalent; use =, != or a "
            "regex of alternatives (a|b) or a prefix (5..)"
        )
    return f"!{tag}" if negate else tag


def _datadog_filter(selector: Selector, source: str, field_name: str, extra: tuple[str, ...] = ()) -> str:
    tags = [_datadog_tag(matcher, source, field_name) for matcher in selector.matchers] + list(extra)
    return "{" + (",".join(tags) or "*") + "}"


def _datadog_counter(metric: str) -> str:
    base = metric[: -len("_total")] if metric.endswith("_total") else metric
    return f"{DATADOG_NAMESPACE}.{base}.count"


def _datadog_tags(slo: SloSpec) -> list[str]:
    return [
        f"slo:{slo.name}",
        f"service:{slo.service}",
        f"tier:{slo.tier}",
        f"team:{slo.owner}",
        "managed-by:pulumi",
    ]


def datadog_slo(slo: SloSpec) -> dict[str, Any]:
    """Arguments for `pulumi_datadog.ServiceLevelObjective` (metric or time-slice SLO), as a plain dict."""
    if slo.window_days not in DATADOG_TIMEFRAMES:
        raise SloSpecError(
            f"{slo.source}: spec.timeWindow[0].duration: Datadog SLOs support 7d, 30d or 90d, got {slo.window!r}"
        )
    base: dict[str, Any] = {
        "name": f"{slo.display_name} ({slo.name})",
        "description": slo.description,
        "tags": _datadog_tags(slo),
        "thresholds": [{"timeframe": slo.window, "target": round(slo.target * 100, 6)}],
    }
    indicator = slo.indicator
    if isinstance(indicator, TimesliceIndicator):
        aggregate = "max" if indicator.good_when_below else "min"
        filters = _datadog_filter(indicator.gauge, slo.source, "spec.indicator.timeslice.gauge")
        query = f"{aggregate}:{DATADOG_NAMESPACE}.{indicator.gauge.metric}{filters}"
        return {
            **base,
            "type": "time_slice",
            "sli_specification": {
                "time_slice": {
                    "comparator": indicator.comparison,
                    "threshold": indicator.threshold,
                    "query_interval_seconds": 60,
                    "query": {
                        "formula": {"formula_expression": "query1"},
                        "queries": [{"metric_query": {"name": "query1", "data_source": "metrics", "query": query}}],
                    },
                }
            },
        }
    if isinstance(indicator, LatencyIndicator):
        where = "spec.indicator.latency.histogram"
        metric = f"{DATADOG_NAMESPACE}.{indicator.histogram.metric}"
        bucket_filter = _datadog_filter(indicator.histogram, slo.source, where, (f"upper_bound:{indicator.le}",))
        good = f"sum:{metric}.bucket{bucket_filter}.as_count()"
        total = f"sum:{metric}.count{_datadog_filter(indicator.histogram, slo.source, where)}.as_count()"
    else:
        metric = _datadog_counter(indicator.total.metric)
        total = f"sum:{metric}{_datadog_filter(indicator.total, slo.source, 'spec.indicator.ratio.total')}.as_count()"
        if indicator.good is not None:
            good_filter = _datadog_filter(indicator.good, slo.source, "spec.indicator.ratio.good")
            good = f"sum:{metric}{good_filter}.as_count()"
        else:
            assert indicator.bad is not None
            bad_filter = _datadog_filter(indicator.bad, slo.source, "spec.indicator.ratio.bad")
            good = f"{total} - sum:{metric}{bad_filter}.as_count()"
    return {**base, "type": "metric", "query": {"numerator": good, "denominator": total}}


def datadog_monitors(slo: SloSpec, base_url: str = "") -> list[dict[str, Any]]:
    """Arguments for `pulumi_datadog.Monitor`, one burn-rate monitor per window pair, same factors as Prometheus.

    A Datadog burn-rate monitor compares both windows with one threshold, so the Prometheus page's full-outage
    condition (3% over 1h and 36% over 5m) has no monitor here: Datadog sees a full outage when the 14.4x monitor
    does, after 14.4 x budget x 60 minutes (8.6 at 99%) plus Datadog's own evaluation delay.

    `query` holds `{slo_id}`; fill it from the created SLO: `slo.id.apply(lambda i: q.format(slo_id=i))`.
    """
    monitors = []
    for window, factor in burn_rate_windows(slo):
        sev = severity(slo, window.kind)
        query = (
            f'burn_rate("{{slo_id}}").over("{slo.window}").long_window("{window.long_window}")'
            f'.short_window("{window.short_window}") > {number_text(factor)}'
        )
        monitors.append(
            {
                "name": (
                    f"[{sev}] {slo.display_name}: error budget burn {number_text(factor)}x over "
                    f"{window.long_window}/{window.short_window}"
                ),
                "type": "slo alert",
                "query": query,
                "message": (
                    f"{alert_annotations(slo, window.kind, base_url)['summary']}.\n"
                    f"Runbook: {runbook_url(slo, window.kind, base_url)}\n{DATADOG_NOTIFY[sev]}"
                ),
                "priority": str({"sev1": 1, "sev2": 2, "sev3": 3}[sev]),
                "tags": [*_datadog_tags(slo), f"severity:{sev}"],
                "monitor_thresholds": {"critical": str(number_text(factor))},
            }
        )
    return monitors


# --- Grafana ----------------------------------------------------------------------------------------------


def grafana_dashboard(service: str, slos: Sequence[SloSpec]) -> dict[str, Any]:
    """One dashboard per service: per SLO the SLI, the error budget remaining and the burn rates."""
    datasource = {"type": "prometheus", "uid": "${datasource}"}
    panels: list[dict[str, Any]] = []
    y = 0
    panel_id = 1
    for slo in slos:
        selector = f'{{slo="{slo.name}"}}'
        budget = _budget_text(slo)
        panels.append(
            {
                "id": panel_id,
                "type": "row",
                "title": slo.display_name,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
            }
        )
        y += 1
        panels.append(
            {
                "id": panel_id + 1,
                "type": "timeseries",
                "title": f"SLI: {slo.display_name} (objective {number_text(round(slo.target * 100, 6))}%)",
                "datasource": datasource,
                "gridPos": {"h": 8, "w": 10, "x": 0, "y": y},
                "fieldConfig": {"defaults": {"unit": "percentunit", "min": 0, "max": 1}, "overrides": []},
                "targets": [
                    {"refId": "A", "expr": f"1 - {record_name('5m')}{selector}", "legendFormat": "SLI (5m)"},
                    {"refId": "B", "expr": f"1 - {record_name('1h')}{selector}", "legendFormat": "SLI (1h)"},
                    {"refId": "C", "expr": f"slo:objective:ratio{selector}", "legendFormat": "objective"},
                ],
            }
        )
        panels.append(
            {
                "id": panel_id + 2,
                "type": "stat",
                "title": f"Error budget remaining ({slo.window})",
                "datasource": datasource,
                "gridPos": {"h": 8, "w": 4, "x": 10, "y": y},
                "fieldConfig": {
                    "defaults": {
                        "unit": "percentunit",
                        "thresholds": {
                            "mode": "absolute",
                            "steps": [
                                {"color": "red", "value": None},
                                {"color": "orange", "value": 0.25},
                                {"color": "green", "value": 0.5},
                            ],
                        },
                    },
                    "overrides": [],
                },
                "targets": [{"refId": "A", "expr": f"slo:error_budget_remaining:ratio{selector}"}],
            }
        )
        burn_targets = [
            {
                "refId": chr(ord("A") + index),
                "expr": f"{record_name(window.long_window)}{selector} / {budget}",
                "legendFormat": f"burn rate {window.long_window} (alert at {number_text(factor)}x)",
            }
            for index, (window, factor) in enumerate(burn_rate_windows(slo))
        ]
        panels.append(
            {
                "id": panel_id + 3,
                "type": "timeseries",
                "title": "Burn rates (1 = budget lasts exactly the period)",
                "datasource": datasource,
                "gridPos": {"h": 8, "w": 10, "x": 14, "y": y},
                "fieldConfig": {"defaults": {"unit": "none", "min": 0}, "overrides": []},
                "targets": burn_targets,
            }
        )
        y += 8
        panel_id += 4
    return {
        "title": f"SLOs: {service}",
        "uid": f"slo-{service}"[:40],
        "tags": ["slo", "generated", service],
        "timezone": "utc",
        "schemaVersion": 39,
        "editable": False,
        "time": {"from": "now-7d", "to": "now"},
        "refresh": "1m",
        "templating": {
            "list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]
        },
        "panels": panels,
    }


# --- Everything -------------------------------------------------------------------------------------------

GENERATED_HEADER = "# Generated by `python -m components.observability.rules` from slos/. Do not edit.\n"


def _yaml(document: Any) -> str:
    return GENERATED_HEADER + yaml.safe_dump(document, sort_keys=False, width=1000, allow_unicode=True)


def _json(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def generate_all(slo_dir: Path | str = DEFAULT_SLO_DIR, runbook_base_url: str = "") -> dict[str, str]:
    """Every artefact, keyed by relative file name: rules and promtool suites per SLO, Alertmanager config,
    Datadog definitions per SLO, Grafana dashboards per service."""
    slos = load_slo_dir(Path(slo_dir))
    files: dict[str, str] = {}
    for slo in slos:
        rules_name = f"slo-{slo.name}.rules.yml"
        files[f"prometheus/{rules_name}"] = _yaml(prometheus_rule_file(slo, runbook_base_url))
        files[f"prometheus/slo-{slo.name}.test.yml"] = _yaml(promtool_tests(slo, rules_name, runbook_base_url))
        files[f"datadog/slo-{slo.name}.json"] = _json(
            {"slo": datadog_slo(slo), "monitors": datadog_monitors(slo, runbook_base_url)}
        )
    for service in sorted({slo.service for slo in slos}):
        dashboard = grafana_dashboard(service, [slo for slo in slos if slo.service == service])
        files[f"grafana/slo-{service}.json"] = _json(dashboard)
    files["alertmanager/alertmanager.yml"] = _yaml(alertmanager_config())
    return dict(sorted(files.items()))


def write_all(out_dir: Path, slo_dir: Path | str = DEFAULT_SLO_DIR, runbook_base_url: str = "") -> list[Path]:
    """Write `generate_all` into `out_dir`; returns the written paths."""
    written = []
    for name, content in generate_all(slo_dir, runbook_base_url).items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m components.observability.rules --out DIR [--slo-dir slos] [--runbook-base-url URL]`."""
    parser = argparse.ArgumentParser(
        prog="python -m components.observability.rules", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", required=True, type=Path, help="directory to write the artefacts into")
    parser.add_argument("--slo-dir", type=Path, default=DEFAULT_SLO_DIR, help="directory of SLO specs")
    parser.add_argument("--runbook-base-url", default="", help="prefix for runbook links, e.g. a repository URL")
    arguments = parser.parse_args(argv)
    try:
        written = write_all(arguments.out, arguments.slo_dir, arguments.runbook_base_url)
    except SloSpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    print(f"wrote {len(written)} files to {arguments.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
