"""What the page and ticket alerts of an SLO are, whatever system evaluates them: the multi-window burn-rate
conditions after the Google SRE workbook, the full-outage condition, hold times, severity, labels and annotations.

The Prometheus rules (`slogen.prometheus`), their promtool proofs (`slogen.promtool`), the Datadog monitors
(`slogen.datadog`) and the Grafana burn-rate panels (`slogen.grafana`) all read them from here.

For a 30-day period the page fires on 14.4x the budget over 1h and 5m or 6x over 6h and 30m, the ticket on 3x
over 1d and 2h or 1x over 3d and 6h; factors scale by period/30d for other periods.

Paging MTTD: a full outage (100% errors) pages within 2 minutes of its start, for every objective. The workbook's
14.4x condition alone cannot promise that below 99.9%: after clean traffic a full outage adds 1/60 to the 1h error
ratio each minute, so the threshold 14.4 x budget is crossed after 14.4 x budget x 60 minutes (0.9 at 99.9%, 4.3 at
99.5%, 8.6 at 99%; the former 1m `for:` added one more). So where 14.4 x budget is 3% or more (below 99.79% at 30
days), the page gets a third condition, the full-outage condition: the error ratio above 90% of a 2-minute full
outage's footprint over both 1h and 5m (3% and 36%, from `slogen.spec.full_outage_cap`), which two minutes of 100%
errors cross and one minute does not. The page has no `for:` hold (the workbook's advice: the short window, not a
duration, stops flapping). The workbook's conditions are unchanged, so every burn pages or tickets at least as
early as before; the full-outage condition pages on about two minutes of total failure (0.46% of a 30-day budget at
99%, 0.93% at 99.5%) where the 1h condition waits for 2% of it. `slogen.spec` rejects objectives whose 6x page
would need 36% errors or more, since the full-outage condition would then fire on burns meant for the slower page.

Usage::

    from slogen.alerts import alert_conditions, alert_name

    for condition in alert_conditions(slo, "page"):
        print(alert_name(slo, "page"), condition.long_window, condition.long_threshold)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict

from slogen.promql import duration_minutes, number_text
from slogen.spec import (
    FASTEST_BURN_FACTOR_30D,
    SLOW_PAGE_BURN_FACTOR_30D,
    SloSpec,
    SloSpecError,
    TimesliceIndicator,
    full_outage_cap,
)

PAGE_FOR = "0s"
"""No hold: the 5m/30m short windows stop flapping, and a 1m hold would cost a minute of the 2-minute MTTD."""
TICKET_FOR = "15m"
PAGE_SEVERITY_BY_TIER: dict[str, str] = {"tier0": "sev1", "tier1": "sev2", "records": "sev1"}
"""tier0 and records page at any hour (sev1); tier1 degrades gracefully and pages in business hours (sev2)."""
TICKET_SEVERITY = "sev3"


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


class Annotations(TypedDict):
    """What a firing alert says: static text, so promtool can check it exactly."""

    summary: str
    description: str
    runbook_url: str


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


def budget_text(slo: SloSpec) -> str:
    """The error budget as the generated queries write it (`0.001`)."""
    return number_text(round(slo.error_budget, 10))


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


def needs_full_outage_condition(slo: SloSpec) -> bool:
    """Whether the workbook's fastest page would see a full outage later than `PAGE_DETECTION_MINUTES`: its
    threshold, factor x budget, is not below what that much full outage shows in one of its windows."""
    _, factor = burn_rate_windows(slo, "page")[0]
    return any(factor * slo.error_budget >= full_outage_cap(duration_minutes(span)) for span in FULL_OUTAGE_WINDOWS)


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
                full_outage_cap(duration_minutes(long_window)),
                full_outage_cap(duration_minutes(short_window)),
                None,
            )
        )
    return conditions


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


def rule_labels(slo: SloSpec, kind: str) -> dict[str, str]:
    """The labels an alerting rule sets: those of the firing alert but its name, which Prometheus adds."""
    return {key: value for key, value in alert_labels(slo, kind).items() if key != "alertname"}


def alert_annotations(slo: SloSpec, kind: str, base_url: str = "") -> Annotations:
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
                span = min(duration_minutes(window), history_minutes + minute)
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
    return worst + duration_minutes(PAGE_FOR)
