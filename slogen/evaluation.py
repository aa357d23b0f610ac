"""The Grafana evaluation dashboard of a cell: accuracy per model family and document type against its approval
minimum, drift scores against their alarm thresholds, the drift of each input feature, and the open drift alerts
with their age.

The nightly evaluation publishes its results in `TrustFabric/ModelOps` (docs/modelops.md); the cell's Prometheus
holds the same series under the names below (per `model`, `jurisdiction` and, for accuracy, `document_type`), and
`trustfabric_model_drift_alert_age_seconds` is the age of the oldest open drift alarm per family (0 when none),
the gauge of the 48-hour drift SLO (`slos/model-drift-resolution.yaml`). For a family with `features`, the row
also draws the data-quality monitor's drift per feature (`trustfabric_model_feature_baseline_drift{feature=...}`)
against the FeatureDrift threshold, and lists the features above it: which inputs moved. Documents are typed (`slogen.grafana`
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
FEATURE_BASELINE_DRIFT = "trustfabric_model_feature_baseline_drift"
"""The data-quality monitor's latest drift of one input feature from the approved version's baseline (0..1), per
model, jurisdiction and `feature` (Model Monitor's `feature_baseline_drift_<feature>`, `slogen.drift`)."""
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
    features: tuple[str, ...] = ()
    """The features its data-quality monitor reports drift for (`features`, GA families): with any, the row gets
    the drift per feature and the features above the FeatureDrift threshold."""


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


PANELS_PER_FAMILY = 6
"""Panel ids reserved per family row: the row, three scores, and the two per-feature drift panels."""
SCORES_HEIGHT = 9
"""The row and its three score panels."""
FEATURES_HEIGHT = 8


def features_above_expr(jurisdiction: str, model: str, threshold: float) -> str:
    """The features of a family whose latest drift is above the FeatureDrift alarm threshold (the panel's query)."""
    return f"{FEATURE_BASELINE_DRIFT}{_selector(jurisdiction, model)} > {number_text(threshold)}"


def _feature_panels(family: EvaluatedFamily, jurisdiction: str, panel_id: int, y: int) -> list[Panel]:
    selector = _selector(jurisdiction, family.name)
    threshold = family.feature_drift_threshold
    drift = _timeseries(
        panel_id,
        "Drift per feature" + (f" (alarm at {number_text(threshold)})" if threshold is not None else ""),
        0,
        y,
        [{"refId": "A", "expr": f"{FEATURE_BASELINE_DRIFT}{selector}", "legendFormat": "{{feature}}"}],
        threshold,
        below_is_bad=False,
    )
    drift["gridPos"] = {"h": FEATURES_HEIGHT, "w": 16, "x": 0, "y": y}
    panels: list[Panel] = [drift]
    if threshold is not None:
        above: Panel = {
            "id": panel_id + 1,
            "type": "bargauge",
            "title": f"Features above the alarm threshold ({number_text(threshold)})",
            "datasource": dict(DATASOURCE),
            "gridPos": {"h": FEATURES_HEIGHT, "w": 8, "x": 16, "y": y},
            "fieldConfig": {
                "defaults": {
                    "unit": "percentunit",
                    "min": 0,
                    "max": 1,
                    "thresholds": _threshold_steps(threshold, below_is_bad=False),
                },
                "overrides": [],
            },
            "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "orientation": "horizontal"},
            "targets": [
                {
                    "refId": "A",
                    "expr": features_above_expr(jurisdiction, family.name, threshold),
                    "legendFormat": "{{feature}}",
                    "instant": True,
                }
            ],
        }
        panels.append(above)
    return panels


def _family_panels(family: EvaluatedFamily, jurisdiction: str, panel_id: int, y: int) -> list[Panel]:
    selector = _selector(jurisdiction, family.name)

    def minimum_text(value: float | None, word: str) -> str:
        return f"{word} {number_text(value)}" if value is not None else f"no {word}"

    panels: list[Panel] = [
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
    if family.features:
        panels += _feature_panels(family, jurisdiction, panel_id + 4, y + SCORES_HEIGHT)
    return panels


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
    y = 7
    for index, family in enumerate(families):
        panels += _family_panels(family, jurisdiction, panel_id=10 + PANELS_PER_FAMILY * index, y=y)
        y += SCORES_HEIGHT + (FEATURES_HEIGHT if family.features else 0)
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
