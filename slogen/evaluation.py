"""The Grafana evaluation dashboard of a cell: accuracy per model family and document type against its approval
minimum, drift scores against their alarm thresholds, and the open drift alerts with their age.

The nightly evaluation publishes its results in `TrustFabric/ModelOps` (docs/modelops.md); the cell's Prometheus
holds the same series under the names below (per `model`, `jurisdiction` and, for accuracy, `document_type`), and
`trustfabric_model_drift_alert_age_seconds` is the age of the oldest open drift alarm per family (0 when none),
the gauge of the 48-hour drift SLO (`slos/model-drift-resolution.yaml`). Documents are typed (`slogen.grafana`
`Dashboard`); the stack hands the dashboard to the cell's telemetry component, which loads it into Grafana as a
ConfigMap beside the SLO dashboards.

Usage::

    from slogen.evaluation import EvaluatedFamily, evaluation_dashboard

    dashboard = evaluation_dashboard("uk", "UK", [EvaluatedFamily("tax-computation", 0.97, 0.2, 0.03)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slogen.grafana import DATASOURCE, Dashboard, Panel, Target
from slogen.promql import number_text

ACCURACY = "trustfabric_model_accuracy"
"""The nightly evaluation's accuracy on the golden dataset (0..1), per model, jurisdiction and document type."""
FEATURE_DRIFT = "trustfabric_model_feature_drift"
"""The day's maximum feature drift from the approved version's baseline (0..1), per model and jurisdiction."""
ACCURACY_DROP = "trustfabric_model_accuracy_drop"
"""Accuracy lost since the version was approved (0..1), per model and jurisdiction."""
DRIFT_ALERT_AGE = "trustfabric_model_drift_alert_age_seconds"
"""Age of the oldest open drift alarm per model and jurisdiction, 0 when none: the drift SLO's gauge."""
RESOLVE_WITHIN_SECONDS = 48 * 3600
"""The ModelOps target: a drift alert is resolved within 48 hours."""


@dataclass(frozen=True)
class EvaluatedFamily:
    """A model family a cell serves, with the thresholds its panels draw (None: the family has none)."""

    name: str
    accuracy_minimum: float | None
    """The approval gate's minimum accuracy (`evaluation.accuracy`)."""
    feature_drift_threshold: float | None
    """The FeatureDrift alarm threshold (`drift.featureDrift`)."""
    accuracy_drop_threshold: float | None
    """The AccuracyDrop alarm threshold (`drift.accuracyDrop`)."""


def _selector(jurisdiction: str, model: str | None = None) -> str:
    model_part = f',model="{model}"' if model else ""
    return f'{{service="modelops",jurisdiction="{jurisdiction}"{model_part}}}'


def _threshold_steps(threshold: float | None, *, below_is_bad: bool) -> dict[str, object]:
    if threshold is None:
        return {"mode": "absolute", "steps": [{"color": "green", "value": None}]}
    bad, good = ("red", "green") if below_is_bad else ("green", "red")
    return {"mode": "absolute", "steps": [{"color": bad, "value": None}, {"color": good, "value": threshold}]}


def _timeseries(
    panel_id: int, title: str, x: int, y: int, targets: list[Target], threshold: float | None, *, below_is_bad: bool
) -> Panel:
    return {
        "id": panel_id,
        "type": "timeseries",
        "title": title,
        "datasource": dict(DATASOURCE),
        "gridPos": {"h": 8, "w": 8, "x": x, "y": y},
        "fieldConfig": {
            "defaults": {
                "unit": "percentunit",
                "min": 0,
                "max": 1,
                "thresholds": _threshold_steps(threshold, below_is_bad=below_is_bad),
                "custom": {"thresholdsStyle": {"mode": "line"}},
            },
            "overrides": [],
        },
        "targets": targets,
    }


def _family_panels(family: EvaluatedFamily, jurisdiction: str, panel_id: int, y: int) -> list[Panel]:
    selector = _selector(jurisdiction, family.name)

    def minimum_text(value: float | None, word: str) -> str:
        return f"{word} {number_text(value)}" if value is not None else f"no {word}"

    return [
        {
            "id": panel_id,
            "type": "row",
            "title": f"{family.name} ({jurisdiction})",
            "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
        },
        _timeseries(
            panel_id + 1,
            f"Accuracy by document type ({minimum_text(family.accuracy_minimum, 'approval minimum')})",
            0,
            y + 1,
            [{"refId": "A", "expr": f"{ACCURACY}{selector}", "legendFormat": "{{document_type}}"}],
            family.accuracy_minimum,
            below_is_bad=True,
        ),
        _timeseries(
            panel_id + 2,
            f"Feature drift ({minimum_text(family.feature_drift_threshold, 'alarm at')})",
            8,
            y + 1,
            [{"refId": "A", "expr": f"{FEATURE_DRIFT}{selector}", "legendFormat": "feature drift"}],
            family.feature_drift_threshold,
            below_is_bad=False,
        ),
        _timeseries(
            panel_id + 3,
            f"Accuracy lost since approval ({minimum_text(family.accuracy_drop_threshold, 'alarm at')})",
            16,
            y + 1,
            [{"refId": "A", "expr": f"{ACCURACY_DROP}{selector}", "legendFormat": "accuracy drop"}],
            family.accuracy_drop_threshold,
            below_is_bad=False,
        ),
    ]


def _alert_panels(jurisdiction: str) -> list[Panel]:
    selector = _selector(jurisdiction)
    return [
        {"id": 1, "type": "row", "title": "Open drift alerts", "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0}},
        {
            "id": 2,
            "type": "stat",
            "title": "Open drift alerts",
            "datasource": dict(DATASOURCE),
            "gridPos": {"h": 6, "w": 8, "x": 0, "y": 1},
            "fieldConfig": {"defaults": {"unit": "none"}, "overrides": []},
            "targets": [{"refId": "A", "expr": f"count({DRIFT_ALERT_AGE}{selector} > 0) or vector(0)"}],
        },
        {
            "id": 3,
            "type": "timeseries",
            "title": "Age of open drift alerts (resolve within 48 h)",
            "datasource": dict(DATASOURCE),
            "gridPos": {"h": 6, "w": 16, "x": 8, "y": 1},
            "fieldConfig": {
                "defaults": {
                    "unit": "s",
                    "min": 0,
                    "thresholds": _threshold_steps(float(RESOLVE_WITHIN_SECONDS), below_is_bad=False),
                    "custom": {"thresholdsStyle": {"mode": "line"}},
                },
                "overrides": [],
            },
            "targets": [
                {"refId": "A", "expr": f"{DRIFT_ALERT_AGE}{selector} > 0", "legendFormat": "{{model}}"},
            ],
        },
    ]


def evaluation_dashboard(cell: str, jurisdiction: str, families: Sequence[EvaluatedFamily]) -> Dashboard:
    """The cell's evaluation dashboard: open drift alerts first, then a row per family it serves."""
    panels = _alert_panels(jurisdiction)
    for index, family in enumerate(families):
        panels += _family_panels(family, jurisdiction, panel_id=10 + 4 * index, y=7 + 9 * index)
    return {
        "title": f"Model evaluation: {cell}",
        "uid": f"evaluation-{cell}"[:40],
        "tags": ["modelops", "evaluation", "generated", cell],
        "timezone": "utc",
        "schemaVersion": 39,
        "editable": False,
        "time": {"from": "now-30d", "to": "now"},
        "refresh": "5m",
        "templating": {
            "list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]
        },
        "panels": panels,
    }
