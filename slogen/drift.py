"""The ModelOps series in Prometheus: what the cell's CloudWatch exporter copies, and the rules derived from it.

The nightly evaluation and the data-quality monitors publish to CloudWatch (`TrustFabric/ModelOps`, dimensions
`Model`, `Jurisdiction` and, for accuracy, `DocumentType`; docs/modelops.md). Each cell that serves models runs
the Prometheus CloudWatch exporter (`components/modelops/metrics_exporter.py`) with `exporter_config`: the
metrics of `EXPORTED`, each under the name the exporter gives it (`exported_name`). One rule group then derives
every series the evaluation dashboard (`slogen.evaluation`) and the drift SLO (`slos/model-drift-resolution.yaml`)
read:

- recording rules giving the exported series the dashboard's names and the `service="modelops"` label;
- per GA endpoint (`MonitoredEndpoint`) and feature, a recording rule turning Model Monitor's per-feature drift
  (`feature_baseline_drift_<feature>` in `aws/sagemaker/Endpoints/data-metrics`, one CloudWatch metric per feature,
  so one exported series name per feature) into `trustfabric_model_feature_baseline_drift{model, jurisdiction,
  feature}`, the dashboard's per-feature drift;
- the alerting rule `ModelDriftOpen`, active while a family's feature drift or accuracy drop is above its alarm
  threshold (the same thresholds as the CloudWatch alarms that page, `components/modelops/serving.py`; this one
  only opens a ticket, severity sev3, so the open alert is tracked);
- `trustfabric_model_drift_alert_age_seconds`: `time() - ALERTS_FOR_STATE{alertname="ModelDriftOpen"}` (Prometheus
  keeps each active alert's activation time in ALERTS_FOR_STATE), 0 for a family with no open alert. The drift
  SLO's gauge.

Usage::

    endpoints = [MonitoredEndpoint("tax-computation", "trustfabric-prod-uk-tax-computation",
                                   "trustfabric-prod-uk-tax-computation-data-quality", ("gross_income", "tax_year"))]
    rule_file = drift_rule_file("UK", [DriftThresholds("tax-computation", 0.15, 0.005)], endpoints)
    config = exporter_config("eu-west-2", endpoints)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slogen.alerts import Annotations
from slogen.evaluation import ACCURACY, ACCURACY_DROP, DRIFT_ALERT_AGE, FEATURE_BASELINE_DRIFT, FEATURE_DRIFT
from slogen.prometheus import AlertingRule, RecordingRule, Rule, RuleFile
from slogen.promql import number_text

NAMESPACE = "TrustFabric/ModelOps"
"""The CloudWatch namespace the evaluation and monitoring jobs publish to (`components.modelops.documents`)."""
SERVICE = "modelops"
ALERT = "ModelDriftOpen"
"""The Prometheus alert whose activation time gives the age of an open drift alert."""
RUNBOOK = "runbooks/model-drift-alert.md"
GROUP = "modelops-drift"
INTERVAL = "1m"
PERIOD_SECONDS = 86400
"""The evaluation publishes once a day: the exporter reads the day's statistic (as the CloudWatch alarms do)."""
RANGE_SECONDS = 2 * PERIOD_SECONDS
"""How far back the exporter looks for the latest daily datum (a late nightly run still counts)."""

MONITOR_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
"""Where the built-in Model Monitor container of a data-quality schedule on a real-time endpoint publishes its
per-feature metrics (`publish_cloudwatch_metrics: Enabled` on the job definition, `emit_metrics: Enabled` in the
baseline's constraints). AWS's pages disagree on its spelling; this is the one AWS's own examples alarm on, with
the dimensions below (docs/modelops.md says how to confirm it with `aws cloudwatch list-metrics`)."""
MONITOR_DIMENSIONS = ("Endpoint", "MonitoringSchedule")
"""Every dimension of a per-feature metric: the exporter requires all of them (its `aws_dimensions`)."""
BASELINE_DRIFT_PREFIX = "feature_baseline_drift_"
"""`feature_baseline_drift_<feature>`: the distance of the hour's captured inputs from the baseline, per feature."""
MONITOR_STATISTIC = "Maximum"
"""The monitor publishes one datum per feature per hourly run; AWS queries it with Sum, which equals the Maximum
for one datum. Maximum keeps a period holding two runs (a late one) at the worse drift instead of their sum."""
MONITOR_PERIOD_SECONDS = 3600
"""The monitoring schedule is hourly (`components/modelops/serving.py`)."""
MONITOR_RANGE_SECONDS = 2 * MONITOR_PERIOD_SECONDS
"""The latest hourly datum of the last two hours (a run that finished late still counts)."""


@dataclass(frozen=True)
class ExportedMetric:
    """A CloudWatch metric the exporter copies, and the Prometheus series derived from it."""

    metric: str
    """The CloudWatch metric name in `NAMESPACE`."""
    dimensions: tuple[str, ...]
    statistic: str
    """The one statistic exported: the worst of the day (Maximum of a drift, Minimum of an accuracy)."""
    record: str
    """The series the dashboard and rules read (`slogen.evaluation`)."""


EXPORTED = (
    ExportedMetric("Accuracy", ("DocumentType", "Jurisdiction", "Model"), "Minimum", ACCURACY),
    ExportedMetric("FeatureDrift", ("Jurisdiction", "Model"), "Maximum", FEATURE_DRIFT),
    ExportedMetric("AccuracyDrop", ("Jurisdiction", "Model"), "Maximum", ACCURACY_DROP),
)


@dataclass(frozen=True)
class DriftThresholds:
    """A GA family's drift alarm thresholds (`drift.featureDrift`, `drift.accuracyDrop` in the stack file)."""

    model: str
    feature_drift: float
    accuracy_drop: float


@dataclass(frozen=True)
class MonitoredEndpoint:
    """A GA family's endpoint in the cell and the features its data-quality monitor reports drift for."""

    model: str
    endpoint: str
    """The `Endpoint` dimension (`components.modelops.serving.endpoint_name`)."""
    schedule: str
    """The `MonitoringSchedule` dimension (`components.modelops.serving.monitoring_schedule_name`)."""
    features: tuple[str, ...]


def baseline_drift_metric(feature: str) -> str:
    """Model Monitor's CloudWatch metric of one feature's drift."""
    return f"{BASELINE_DRIFT_PREFIX}{feature}"


def _snake(name: str) -> str:
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index > 0 and (name[index - 1].islower() or name[index - 1].isdigit()):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def _safe(name: str) -> str:
    safe = "".join(char if char.isalnum() or char in "_:" else "_" for char in name)
    while "__" in safe:
        safe = safe.replace("__", "_")
    return safe


def exported_name(namespace: str, metric: str, statistic: str) -> str:
    """The series name the CloudWatch exporter gives a metric's statistic: namespace lower-cased, metric and
    statistic in snake case, non-name characters as `_` (prometheus/cloudwatch_exporter, CloudWatchCollector:
    `safeName(namespace.toLowerCase() + "_" + toSnakeCase(metric)) + "_" + safeName(toSnakeCase(statistic))`).
    Dimensions become labels the same way (`DocumentType` -> `document_type`)."""
    return f"{_safe(namespace.lower() + '_' + _snake(metric))}_{_safe(_snake(statistic))}"


def label_name(dimension: str) -> str:
    """The label a CloudWatch dimension becomes in the exporter's series."""
    return _safe(_snake(dimension))


def _feature_metrics(endpoints: Sequence[MonitoredEndpoint]) -> list[dict[str, Any]]:
    """One exporter metric per feature name, selecting the endpoints (and their schedules) that report it: two
    entries of one metric name would make two families of one series name in the exporter's output, which
    Prometheus rejects."""
    by_feature: dict[str, list[MonitoredEndpoint]] = {}
    for endpoint in endpoints:
        for feature in endpoint.features:
            by_feature.setdefault(feature, []).append(endpoint)
    return [
        {
            "aws_namespace": MONITOR_NAMESPACE,
            "aws_metric_name": baseline_drift_metric(feature),
            "aws_dimensions": list(MONITOR_DIMENSIONS),
            "aws_dimension_select": {
                "Endpoint": [endpoint.endpoint for endpoint in reporting],
                "MonitoringSchedule": [endpoint.schedule for endpoint in reporting],
            },
            "aws_statistics": [MONITOR_STATISTIC],
            "period_seconds": MONITOR_PERIOD_SECONDS,
            "range_seconds": MONITOR_RANGE_SECONDS,
        }
        for feature, reporting in by_feature.items()
    ]


def exporter_config(region: str, endpoints: Sequence[MonitoredEndpoint] = ()) -> dict[str, Any]:
    """The exporter's configuration: the metrics of `EXPORTED` in the cell's region, through GetMetricData, the
    latest daily datum without its CloudWatch timestamp (so the series stays fresh between nightly runs); and for
    each GA endpoint the hourly per-feature drift of its data-quality monitor, selected by endpoint and schedule."""
    return {
        "region": region,
        "period_seconds": PERIOD_SECONDS,
        "range_seconds": RANGE_SECONDS,
        "delay_seconds": 600,
        "set_timestamp": False,
        "use_get_metric_data": True,
        "metrics": [
            {
                "aws_namespace": NAMESPACE,
                "aws_metric_name": metric.metric,
                "aws_dimensions": list(metric.dimensions),
                "aws_statistics": [metric.statistic],
            }
            for metric in EXPORTED
        ]
        + _feature_metrics(endpoints),
    }


def _recording_rules() -> list[Rule]:
    rules: list[Rule] = []
    for metric in EXPORTED:
        labels = ", ".join(label_name(d) for d in metric.dimensions)
        aggregate = "min" if metric.statistic == "Minimum" else "max"
        source = exported_name(NAMESPACE, metric.metric, metric.statistic)
        record: RecordingRule = {
            "record": metric.record,
            "expr": f"{aggregate} by ({labels}) ({source})",
            "labels": {"service": SERVICE},
        }
        rules.append(record)
    return rules


def _feature_rules(jurisdiction: str, endpoints: Sequence[MonitoredEndpoint]) -> list[Rule]:
    """Each endpoint's per-feature series, selected by its dimensions, under one name with a `feature` label."""
    endpoint_label, schedule_label = (label_name(d) for d in MONITOR_DIMENSIONS)
    rules: list[Rule] = []
    for endpoint in endpoints:
        for feature in endpoint.features:
            source = exported_name(MONITOR_NAMESPACE, baseline_drift_metric(feature), MONITOR_STATISTIC)
            selector = f'{endpoint_label}="{endpoint.endpoint}",{schedule_label}="{endpoint.schedule}"'
            record: RecordingRule = {
                "record": FEATURE_BASELINE_DRIFT,
                "expr": f"max({source}{{{selector}}})",
                "labels": {
                    "service": SERVICE,
                    "jurisdiction": jurisdiction,
                    "model": endpoint.model,
                    "feature": feature,
                },
            }
            rules.append(record)
    return rules


def _drift_expr(jurisdiction: str, families: Sequence[DriftThresholds]) -> str:
    terms = []
    for family in families:
        selector = f'{{service="{SERVICE}",jurisdiction="{jurisdiction}",model="{family.model}"}}'
        terms.append(f"{FEATURE_DRIFT}{selector} > {number_text(family.feature_drift)}")
        terms.append(f"{ACCURACY_DROP}{selector} > {number_text(family.accuracy_drop)}")
    return f"max by (service, jurisdiction, model) ({' or '.join(terms)})"


def _drift_alert(jurisdiction: str, families: Sequence[DriftThresholds]) -> AlertingRule:
    annotations: Annotations = {
        "summary": "Model drift above its alarm threshold",
        "description": "Feature drift or accuracy lost since approval is above the family's alarm threshold; "
        "resolve within 48 hours (slos/model-drift-resolution.yaml).",
        "runbook_url": RUNBOOK,
    }
    return {
        "alert": ALERT,
        "expr": _drift_expr(jurisdiction, families),
        "for": "0s",
        "labels": {"severity": "sev3"},
        "annotations": annotations,
    }


def _age_rule() -> RecordingRule:
    keys = "service, jurisdiction, model"
    return {
        "record": DRIFT_ALERT_AGE,
        "expr": (
            f'max by ({keys}) (time() - ALERTS_FOR_STATE{{alertname="{ALERT}"}}) '
            f"or on ({keys}) (0 * max by ({keys}) ({FEATURE_DRIFT} or {ACCURACY_DROP}))"
        ),
        "labels": {"service": SERVICE},
    }


def drift_rule_file(
    jurisdiction: str, families: Sequence[DriftThresholds], endpoints: Sequence[MonitoredEndpoint] = ()
) -> RuleFile:
    """The cell's ModelOps rule group: exported series renamed (with each GA endpoint's per-feature drift), the
    drift alert, and the age of open alerts. Without GA families only the renaming rules (nothing is judged for
    drift)."""
    rules = _recording_rules() + _feature_rules(jurisdiction, endpoints)
    if families:
        rules += [_drift_alert(jurisdiction, families), _age_rule()]
    return {"groups": [{"name": GROUP, "interval": INTERVAL, "rules": rules}]}


def exported_series(config: dict[str, Any]) -> set[str]:
    """Every series name an exporter configuration (`exporter_config`) produces: one per metric and statistic."""
    return {
        exported_name(metric["aws_namespace"], metric["aws_metric_name"], statistic)
        for metric in config["metrics"]
        for statistic in metric["aws_statistics"]
    }


def produced_series(rule_file: RuleFile, config: dict[str, Any] | None = None) -> set[str]:
    """Every series name the exporter (`config`, default: without endpoints) or the rule file produces (the
    coverage check's reference)."""
    exported = exported_series(config if config is not None else exporter_config(""))
    recorded = {str(rule.get("record")) for group in rule_file["groups"] for rule in group["rules"] if "record" in rule}
    return exported | recorded
