"""Prometheus rules from an SLO: recording rules and the page and ticket alerts, one rule file per SLO.

Recording rules give the error ratio over every window an alert reads (5m ... 3d) and over the SLO period, the
objective, the budget and the budget remaining; the alerts are an OR of the multi-window conditions of
`slogen.alerts`. Documents are typed (`RuleFile`) and serialised only at the edge (`slogen.render`, or a
PrometheusRule object whose spec is the `RuleFile` itself).

Usage::

    from slogen.prometheus import prometheus_rule_file

    rule_file = prometheus_rule_file(slo, base_url="https://example.test/blob/main/")
    rule_file["groups"][0]["rules"]          # recording rules, then the page and the ticket alert
"""

from __future__ import annotations

from typing import TypedDict

from slogen import alerts
from slogen.alerts import AlertCondition, Annotations, alert_annotations, alert_conditions, alert_name, budget_text
from slogen.promql import Matcher, number_text
from slogen.spec import LatencyIndicator, SloSpec, TimesliceIndicator

RECORDING_WINDOWS: tuple[str, ...] = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
"""Every window an alert reads; the SLO period is recorded as well."""
EVALUATION_INTERVAL = "1m"
TIMESLICE_RECORD = "slo:sli_error:timeslice1m"
"""1 for a bad minute, 0 for a good one (timeslice indicators only)."""


class RecordingRule(TypedDict):
    record: str
    expr: str
    labels: dict[str, str]
    """`slo` and `service`: one dict shared by the SLO's recording rules."""


AlertingRule = TypedDict(
    "AlertingRule",
    {"alert": str, "expr": str, "for": str, "labels": dict[str, str], "annotations": Annotations},
)
"""A Prometheus alerting rule (`for` is a Python keyword, hence the functional form)."""

Rule = RecordingRule | AlertingRule


class RuleGroup(TypedDict):
    name: str
    interval: str
    rules: list[Rule]


class RuleFile(TypedDict):
    """A Prometheus rule file, and the spec of a PrometheusRule object."""

    groups: list[RuleGroup]


def record_name(window: str) -> str:
    """`5m` -> `slo:sli_error:ratio_rate5m`."""
    return f"slo:sli_error:ratio_rate{window}"


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


def recording_rules(slo: SloSpec) -> list[RecordingRule]:
    """Error ratio per window, the budget, and the budget remaining over the SLO period."""
    labels = {"slo": slo.name, "service": slo.service}
    rules: list[RecordingRule] = []
    if isinstance(slo.indicator, TimesliceIndicator):
        rules.append({"record": TIMESLICE_RECORD, "expr": _timeslice_bad_expr(slo.indicator), "labels": labels})
    for window in _windows(slo):
        if window == slo.window and not isinstance(slo.indicator, TimesliceIndicator):
            # A 30-day rate() over raw counters is costly; the mean of the 5m ratio is the usual stand-in.
            expr = f'avg_over_time({record_name("5m")}{{slo="{slo.name}"}}[{window}])'
        else:
            expr = error_ratio_expr(slo, window)
        rules.append({"record": record_name(window), "expr": expr, "labels": labels})
    budget = budget_text(slo)
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


def _condition(slo: SloSpec, condition: AlertCondition) -> str:
    sides = []
    for span, threshold in (
        (condition.long_window, condition.long_threshold),
        (condition.short_window, condition.short_threshold),
    ):
        if condition.factor is None:
            text = number_text(threshold)
        else:
            text = f"({number_text(condition.factor)} * {budget_text(slo)})"
        sides.append(f'  {record_name(span)}{{slo="{slo.name}"}} > {text}')
    return "(\n" + "\nand\n".join(sides) + "\n)"


def alerting_rules(slo: SloSpec, base_url: str = "") -> list[AlertingRule]:
    """The page and the ticket alert, each an OR of its multi-window conditions (`alert_conditions`)."""
    rules: list[AlertingRule] = []
    # Read the holds when called, not when imported: the promtool proofs break them on purpose.
    for kind, hold in (("page", alerts.PAGE_FOR), ("ticket", alerts.TICKET_FOR)):
        expr = "\nor\n".join(_condition(slo, condition) for condition in alert_conditions(slo, kind))
        rules.append(
            {
                "alert": alert_name(slo, kind),
                "expr": expr,
                "for": hold,
                "labels": alerts.rule_labels(slo, kind),
                "annotations": alert_annotations(slo, kind, base_url),
            }
        )
    return rules


def prometheus_rule_file(slo: SloSpec, base_url: str = "") -> RuleFile:
    """One rule file per SLO with one group: rules in a group run in order, so the alerts read the ratios
    recorded in the same evaluation (separate groups run in no fixed order and could lag a minute)."""
    rules: list[Rule] = [*recording_rules(slo), *alerting_rules(slo, base_url)]
    return {"groups": [{"name": f"slo-{slo.name}", "interval": EVALUATION_INTERVAL, "rules": rules}]}
