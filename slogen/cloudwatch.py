"""The SLI counters in CloudWatch: the metric contract the burn-rate alarms read, and the Prometheus rules that
produce them.

CloudWatch alarms (AppConfig monitors, FIS stop conditions) cannot read Prometheus. Each SLO's events are
therefore recorded as two per-minute counters in Prometheus (`counter_rules`: `TOTAL_RECORD` and `BAD_RECORD`,
labels `slo` and `service`) from the same selectors the burn-rate rules read, and the cell's OpenTelemetry
collector federates exactly those two series and publishes them as `TOTAL_METRIC` and `BAD_METRIC` in
`SLI_NAMESPACE`, dimensions `DIMENSIONS` (`components/observability/sli_metrics.py`). A timeslice SLO counts
minutes: one event a minute, bad when the minute is bad.

Usage::

    from slogen.cloudwatch import counter_rule_file

    rule_file = counter_rule_file(load_slo_dir(Path("slos")))   # one PrometheusRule spec for every SLO
"""

from __future__ import annotations

from collections.abc import Sequence

from slogen.prometheus import EVALUATION_INTERVAL, TIMESLICE_RECORD, RecordingRule, Rule, RuleFile, RuleGroup
from slogen.promql import Matcher
from slogen.spec import LatencyIndicator, SloSpec, TimesliceIndicator

SLI_NAMESPACE = "TrustFabric/SLI"
"""Where the collector publishes each SLO's event counters."""
TOTAL_METRIC = "TotalEvents"
BAD_METRIC = "BadEvents"
DIMENSIONS = ("Cell", "Slo")
"""The dimensions of both metrics, sorted: the cell's name prefix and the SLO's name."""
TOTAL_RECORD = "slo:sli_events_total:increase1m"
BAD_RECORD = "slo:sli_events_bad:increase1m"
RECORDS = {TOTAL_RECORD: TOTAL_METRIC, BAD_RECORD: BAD_METRIC}
"""Prometheus series -> the CloudWatch metric it is published as."""
RULE_FILE_NAME = "sli-cloudwatch-counters"


def _increase(selector_text: str) -> str:
    return f"sum(increase({selector_text}[1m]))"


def counter_exprs(slo: SloSpec) -> tuple[str, str]:
    """PromQL of (all events, bad events) in the last minute."""
    indicator = slo.indicator
    if isinstance(indicator, TimesliceIndicator):
        return "vector(1)", f'sum({TIMESLICE_RECORD}{{slo="{slo.name}"}})'
    if isinstance(indicator, LatencyIndicator):
        base = indicator.histogram
        total = _increase(base.render(f"{base.metric}_count"))
        fast = _increase(base.render(f"{base.metric}_bucket", (Matcher("le", "=", indicator.le),)))
        return total, f"{total} - ({fast} or vector(0))"
    total = _increase(indicator.total.render())
    if indicator.bad is not None:
        return total, f"{_increase(indicator.bad.render())} or vector(0)"
    assert indicator.good is not None
    return total, f"{total} - ({_increase(indicator.good.render())} or vector(0))"


def counter_rules(slo: SloSpec) -> list[RecordingRule]:
    labels = {"slo": slo.name, "service": slo.service}
    total, bad = counter_exprs(slo)
    return [
        {"record": TOTAL_RECORD, "expr": total, "labels": labels},
        {"record": BAD_RECORD, "expr": bad, "labels": labels},
    ]


def counter_rule_file(slos: Sequence[SloSpec]) -> RuleFile:
    """One group per SLO (a timeslice counter reads the SLO's own timeslice record, recorded in its group)."""
    groups: list[RuleGroup] = []
    for slo in sorted(slos, key=lambda spec: spec.name):
        rules: list[Rule] = [*counter_rules(slo)]
        groups.append({"name": f"sli-counters-{slo.name}", "interval": EVALUATION_INTERVAL, "rules": rules})
    return {"groups": groups}
