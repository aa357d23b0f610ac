"""Datadog SLOs and burn-rate monitors from an SLO: the same objective and burn-rate factors as Prometheus.

One metric SLO (or time-slice SLO, for timeslice indicators) per objective, and one `slo alert` monitor per
burn-rate window pair, notifying by severity. Metric names are the OpenMetrics check's, under the `trustfabric`
namespace. Documents are typed (`DatadogDefinition`): `components.observability.datadog_slos` declares them with
pulumi-datadog, `slogen.render` writes them as `datadog/slo-<name>.json`.

Usage::

    from slogen.datadog import datadog_definition

    definition = datadog_definition(slo)     # {"slo": DatadogSlo, "monitors": [DatadogMonitor, ...]}
"""

from __future__ import annotations

import re
from typing import NotRequired, TypedDict

from slogen.alerts import alert_annotations, burn_rate_windows, runbook_url, severity
from slogen.promql import Matcher, Selector, number_text
from slogen.spec import LatencyIndicator, SloSpec, SloSpecError, TimesliceIndicator

DATADOG_NAMESPACE = "trustfabric"
"""The OpenMetrics check namespace: `http_requests_total` arrives as `trustfabric.http_requests.count`."""
DATADOG_TIMEFRAMES = (7, 30, 90)
DATADOG_NOTIFY = {
    "sev1": "@pagerduty-trustfabric-sev1",
    "sev2": "@pagerduty-trustfabric-business-hours",
    "sev3": "@webhook-trustfabric-tickets",
}
SLO_ID = "{slo_id}"
"""Placeholder in a monitor's `query` for the id of the SLO it watches, known once the SLO exists."""


class DatadogThreshold(TypedDict):
    timeframe: str
    target: float
    """Percent, e.g. 99.9."""


class DatadogRatioQuery(TypedDict):
    numerator: str
    """Good events."""
    denominator: str
    """All events."""


class DatadogMetricQuery(TypedDict):
    name: str
    data_source: str
    query: str


class DatadogQuery(TypedDict):
    metric_query: DatadogMetricQuery


class DatadogFormula(TypedDict):
    formula_expression: str


class DatadogTimeSliceQuery(TypedDict):
    formula: DatadogFormula
    queries: list[DatadogQuery]


class DatadogTimeSlice(TypedDict):
    comparator: str
    """How a good minute's value compares with the threshold."""
    threshold: float
    query_interval_seconds: int
    query: DatadogTimeSliceQuery


class DatadogSliSpecification(TypedDict):
    time_slice: DatadogTimeSlice


class DatadogMonitorThresholds(TypedDict):
    critical: str
    """The burn rate that fires the monitor."""


class DatadogSlo(TypedDict):
    """Arguments of `pulumi_datadog.ServiceLevelObjective`."""

    name: str
    description: str
    tags: list[str]
    thresholds: list[DatadogThreshold]
    type: str
    """`metric` (with `query`) or `time_slice` (with `sli_specification`)."""
    query: NotRequired[DatadogRatioQuery]
    sli_specification: NotRequired[DatadogSliSpecification]


class DatadogMonitor(TypedDict):
    """Arguments of `pulumi_datadog.Monitor`; `query` holds `SLO_ID` for the watched SLO's id."""

    name: str
    type: str
    query: str
    message: str
    priority: str
    tags: list[str]
    monitor_thresholds: DatadogMonitorThresholds


class DatadogDefinition(TypedDict):
    """One SLO and its burn-rate monitors."""

    slo: DatadogSlo
    monitors: list[DatadogMonitor]


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


def _time_slice(slo: SloSpec, indicator: TimesliceIndicator) -> DatadogSliSpecification:
    aggregate = "max" if indicator.good_when_below else "min"
    filters = _datadog_filter(indicator.gauge, slo.source, "spec.indicator.timeslice.gauge")
    query = f"{aggregate}:{DATADOG_NAMESPACE}.{indicator.gauge.metric}{filters}"
    return {
        "time_slice": {
            "comparator": indicator.comparison,
            "threshold": indicator.threshold,
            "query_interval_seconds": 60,
            "query": {
                "formula": {"formula_expression": "query1"},
                "queries": [{"metric_query": {"name": "query1", "data_source": "metrics", "query": query}}],
            },
        }
    }


def _ratio_query(slo: SloSpec) -> DatadogRatioQuery:
    indicator = slo.indicator
    if isinstance(indicator, LatencyIndicator):
        where = "spec.indicator.latency.histogram"
        metric = f"{DATADOG_NAMESPACE}.{indicator.histogram.metric}"
        bucket_filter = _datadog_filter(indicator.histogram, slo.source, where, (f"upper_bound:{indicator.le}",))
        good = f"sum:{metric}.bucket{bucket_filter}.as_count()"
        total = f"sum:{metric}.count{_datadog_filter(indicator.histogram, slo.source, where)}.as_count()"
    else:
        assert not isinstance(indicator, TimesliceIndicator)
        metric = _datadog_counter(indicator.total.metric)
        total = f"sum:{metric}{_datadog_filter(indicator.total, slo.source, 'spec.indicator.ratio.total')}.as_count()"
        if indicator.good is not None:
            good_filter = _datadog_filter(indicator.good, slo.source, "spec.indicator.ratio.good")
            good = f"sum:{metric}{good_filter}.as_count()"
        else:
            assert indicator.bad is not None
            bad_filter = _datadog_filter(indicator.bad, slo.source, "spec.indicator.ratio.bad")
            good = f"{total} - sum:{metric}{bad_filter}.as_count()"
    return {"numerator": good, "denominator": total}


def datadog_slo(slo: SloSpec) -> DatadogSlo:
    """Arguments for `pulumi_datadog.ServiceLevelObjective`: a metric SLO, or a time-slice SLO."""
    if slo.window_days not in DATADOG_TIMEFRAMES:
        raise SloSpecError(
            f"{slo.source}: spec.timeWindow[0].duration: Datadog SLOs support 7d, 30d or 90d, got {slo.window!r}"
        )
    definition: DatadogSlo = {
        "name": f"{slo.display_name} ({slo.name})",
        "description": slo.description,
        "tags": _datadog_tags(slo),
        "thresholds": [{"timeframe": slo.window, "target": round(slo.target * 100, 6)}],
        "type": "metric",
    }
    if isinstance(slo.indicator, TimesliceIndicator):
        definition["type"] = "time_slice"
        definition["sli_specification"] = _time_slice(slo, slo.indicator)
    else:
        definition["query"] = _ratio_query(slo)
    return definition


def datadog_monitors(slo: SloSpec, base_url: str = "") -> list[DatadogMonitor]:
    """Arguments for `pulumi_datadog.Monitor`, one burn-rate monitor per window pair, same factors as Prometheus.

    A Datadog burn-rate monitor compares both windows with one threshold, so the Prometheus page's full-outage
    condition (3% over 1h and 36% over 5m) has no monitor here: Datadog sees a full outage when the 14.4x monitor
    does, after 14.4 x budget x 60 minutes (8.6 at 99%) plus Datadog's own evaluation delay.

    `query` holds `SLO_ID`; replace it with the created SLO's id: `slo.id.apply(lambda i: q.replace(SLO_ID, i))`.
    """
    monitors: list[DatadogMonitor] = []
    for window, factor in burn_rate_windows(slo):
        sev = severity(slo, window.kind)
        query = (
            f'burn_rate("{SLO_ID}").over("{slo.window}").long_window("{window.long_window}")'
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


def datadog_definition(slo: SloSpec, base_url: str = "") -> DatadogDefinition:
    """The SLO and its monitors, as `datadog/slo-<name>.json` holds them."""
    return {"slo": datadog_slo(slo), "monitors": datadog_monitors(slo, base_url)}
