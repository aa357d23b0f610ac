"""aws-cloudwatch-alarm-metric-published: every alarm a rollback or a stop condition depends on reads a metric
something in the stack publishes.

An AppConfig environment monitor rolls a deployment back, and an FIS stop condition stops an experiment, only when
its alarm can go into ALARM. An alarm over a metric nobody publishes stays without data forever (and, missing data
not breaching, looks OK): the rollback and the stop condition exist on paper only. For every alarm an AppConfig
environment's `monitors` or an FIS template's `stopConditions` references, directly or through a composite
alarm's rule, each metric it reads (its own, or each `metric_queries[].metric`) must be:

- in an `AWS/` namespace (AWS publishes it), or
- the metric of a CloudWatch Logs metric filter of the stack (same namespace and name), or
- published by an OpenTelemetry collector configuration of the stack: a Kubernetes ConfigMap whose YAML has an
  `awsemf` exporter with the alarm's namespace and a metric declaration whose dimension set is exactly the
  alarm's dimension names and whose name selectors match the metric.

A ConfigMap whose data is not known during preview publishes nothing here; a metric alarm whose metrics are not
known is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import yaml
from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, stack_policy
from policies.lib.props import as_list, is_unknown

META = PolicyMeta(
    id="TF-AWS-CW-ALM-003",
    name="aws-cloudwatch-alarm-metric-published",
    description=(
        "Every alarm an AppConfig monitor or an FIS stop condition depends on reads metrics AWS, a log metric "
        "filter or a collector configuration of the stack publishes."
    ),
    severity="high",
    topics=("monitoring", "change-management", "resilience"),
    controls={"SOC2": ("CC7.2", "CC8.1"), "ISO27001:2022": ("A.8.16", "A.8.32")},
    remediation=(
        "Publish the metric: a log metric filter, or the collector's awsemf exporter (components/observability/"
        "sli_metrics.py) with the alarm's namespace, dimension names and metric name; or watch an AWS/ metric."
    ),
)

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
WATCHERS = {
    "aws:appconfig/environment:Environment": ("monitors", "AppConfig environment"),
    "aws:fis/experimentTemplate:ExperimentTemplate": ("stopConditions", "FIS experiment template"),
}
Published = tuple[str, str, frozenset[str] | None]
"""(namespace, metric name or regex, dimension names or None for any)."""


def _emf_publications(config: Any) -> Iterable[Published]:
    exporters = config.get("exporters") if isinstance(config, dict) else None
    if not isinstance(exporters, dict):
        return
    for exporter_name, exporter in exporters.items():
        if str(exporter_name).split("/")[0] != "awsemf" or not isinstance(exporter, dict):
            continue
        namespace = exporter.get("namespace")
        for declaration in as_list(exporter.get("metric_declarations")):
            if not isinstance(declaration, dict):
                continue
            for dimensions in as_list(declaration.get("dimensions")):
                for selector in as_list(declaration.get("metric_name_selectors")):
                    yield (str(namespace), str(selector), frozenset(str(name) for name in as_list(dimensions)))


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (the same documents, several times faster), else the pure-Python one."""


@lru_cache(maxsize=256)
def _config_publications(text: str) -> tuple[Published, ...]:
    """The awsemf declarations of one collector configuration's YAML, parsed once per text (every cell's
    collector carries the same configuration, and the gate evaluates the stack in one process)."""
    try:
        return tuple(_emf_publications(yaml.load(text, Loader=_LOADER)))
    except yaml.YAMLError:
        return ()


def publications(resources: Sequence[Any]) -> tuple[set[tuple[str, str]], list[Published]]:
    """(namespace, name) of the log metric filters; the collector configurations' awsemf declarations."""
    filters: set[tuple[str, str]] = set()
    emf: list[Published] = []
    for resource in resources:
        if resource.resource_type == METRIC_FILTER:
            transformation = get(resource.props, "metricTransformation")
            for item in as_list(transformation):
                if isinstance(item, Mapping):
                    filters.add((str(item.get("namespace")), str(item.get("name"))))
        elif resource.resource_type == CONFIG_MAP and not is_unknown(resource.props, "data"):
            data = get(resource.props, "data", default={})
            for text in data.values() if isinstance(data, Mapping) else ():
                if isinstance(text, str):
                    emf.extend(_config_publications(text))
    return filters, emf


def _published(metric: Any, filters: set[tuple[str, str]], emf: list[Published]) -> bool:
    namespace = str(metric.get("namespace"))
    name = str(metric.get("metricName"))
    if namespace.startswith("AWS/") or (namespace, name) in filters:
        return True
    dimensions = frozenset(metric.get("dimensions") or {})
    for emf_namespace, selector, emf_dimensions in emf:
        if emf_namespace == namespace and emf_dimensions == dimensions:
            try:
                if re.search(selector, name):
                    return True
            except re.error:
                continue
    return False


def alarm_metrics(alarm: Any) -> list[Any] | None:
    """The metrics a metric alarm reads, or None when they are not known during preview."""
    props = alarm.props
    if is_unknown(props, "metricQueries") or is_unknown(props, "namespace") or is_unknown(props, "metricName"):
        return None
    metrics = [get(query, "metric") for query in as_list(get(props, "metricQueries"))]
    if get(props, "metricName") is not None:
        metrics.append({k: get(props, k) for k in ("namespace", "metricName", "dimensions")})
    return [metric for metric in metrics if isinstance(metric, Mapping)]


def _metric_alarms(alarm: Any, seen: set[str]) -> list[Any]:
    if alarm.urn in seen:
        return []
    seen.add(alarm.urn)
    if alarm.resource_type == METRIC_ALARM:
        return [alarm]
    if alarm.resource_type == COMPOSITE_ALARM:
        found: list[Any] = []
        for dependency in alarm.property_dependencies.get("alarmRule", []):
            found += _metric_alarms(dependency, seen)
        return found
    return []


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources: Sequence[Any] = list(args.resources)
    filters, emf = publications(resources)
    judged: set[str] = set()
    for watcher in resources:
        if watcher.resource_type not in WATCHERS:
            continue
        prop, kind = WATCHERS[watcher.resource_type]
        for dependency in watcher.property_dependencies.get(prop, []):
            for alarm in _metric_alarms(dependency, set()):
                if alarm.urn in judged:
                    continue
                judged.add(alarm.urn)
                metrics = alarm_metrics(alarm)
                if metrics is None:
                    report_violation(
                        f"CloudWatch alarm '{alarm.name}' (watched by {kind} '{watcher.name}'): its metrics are not "
                        "known during preview; name namespace, metric and dimensions literally.",
                        alarm.urn,
                    )
                    continue
                for metric in metrics:
                    if not _published(metric, filters, emf):
                        dims = ", ".join(sorted(metric.get("dimensions") or {})) or "no dimensions"
                        report_violation(
                            f"CloudWatch alarm '{alarm.name}' (watched by {kind} '{watcher.name}') reads "
                            f"{metric.get('namespace')}/{metric.get('metricName')} ({dims}), which nothing in the "
                            "stack publishes: the alarm would never leave INSUFFICIENT_DATA; publish it "
                            "(log metric filter or collector awsemf exporter).",
                            alarm.urn,
                        )


POLICY = stack_policy(META, validate)
