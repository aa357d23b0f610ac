"""The evaluation dashboard: accuracy per family and document type against the approval minimum, drift scores
against their alarm thresholds, open drift alerts against the 48-hour target; and the one the dev cell declares."""

from __future__ import annotations

import json

from slogen.evaluation import DRIFT_ALERT_AGE, EvaluatedFamily, evaluation_dashboard
from tests.slogen.specs import SLOS

TAX = EvaluatedFamily("tax-computation", 0.97, 0.2, 0.03)


def panels_by_title(dashboard):
    return {panel["title"]: panel for panel in dashboard["panels"]}


def test_each_family_gets_accuracy_drift_and_accuracy_drop_against_its_thresholds():
    panels = panels_by_title(evaluation_dashboard("uk", "UK", [TAX]))
    accuracy = panels["Accuracy by document type (approval minimum 0.97)"]
    assert accuracy["targets"] == [
        {
            "refId": "A",
            "expr": 'trustfabric_model_accuracy{service="modelops",jurisdiction="UK",model="tax-computation"}',
            "legendFormat": "{{document_type}}",
        }
    ]
    assert accuracy["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "red", "value": None},
        {"color": "green", "value": 0.97},
    ]
    drift = panels["Feature drift (alarm at 0.2)"]
    assert drift["targets"][0]["expr"] == (
        'trustfabric_model_feature_drift{service="modelops",jurisdiction="UK",model="tax-computation"}'
    )
    assert drift["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "green", "value": None},
        {"color": "red", "value": 0.2},
    ]
    drop = panels["Accuracy lost since approval (alarm at 0.03)"]
    assert drop["fieldConfig"]["defaults"]["thresholds"]["steps"][1] == {"color": "red", "value": 0.03}
    assert "tax-computation (UK)" in panels


def test_open_drift_alerts_are_counted_and_aged_against_48_hours():
    panels = panels_by_title(evaluation_dashboard("uk", "UK", [TAX]))
    assert panels["Open drift alerts"]["targets"][0]["expr"] == (
        'count(trustfabric_model_drift_alert_age_seconds{service="modelops",jurisdiction="UK"} > 0) or vector(0)'
    )
    age = panels["Age of open drift alerts (resolve within 48 h)"]
    assert age["fieldConfig"]["defaults"]["thresholds"]["steps"][1] == {"color": "red", "value": 172800.0}


def test_a_family_without_thresholds_draws_none_and_panels_never_collide():
    preview = EvaluatedFamily("anomaly-detection", None, None, None)
    dashboard = evaluation_dashboard("uk", "UK", [TAX, preview])
    panels = panels_by_title(dashboard)
    assert panels["Accuracy by document type (no approval minimum)"]["fieldConfig"]["defaults"]["thresholds"] == {
        "mode": "absolute",
        "steps": [{"color": "green", "value": None}],
    }
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) == 11
    cells = [(p["gridPos"]["x"], p["gridPos"]["y"]) for p in dashboard["panels"]]
    assert len(cells) == len(set(cells))
    assert dashboard["uid"] == "evaluation-uk" and dashboard["editable"] is False


def test_a_family_with_features_gets_drift_per_feature_and_the_features_above_its_threshold():
    monitored = EvaluatedFamily("tax-computation", 0.97, 0.2, 0.03, ("gross_income", "tax_year"))
    dashboard = evaluation_dashboard("uk", "UK", [monitored, TAX])
    panels = panels_by_title(dashboard)
    per_feature = panels["Drift per feature (alarm at 0.2)"]
    assert per_feature["targets"] == [
        {
            "refId": "A",
            "expr": 'trustfabric_model_feature_baseline_drift{service="modelops",jurisdiction="UK",model="tax-computation"}',
            "legendFormat": "{{feature}}",
        }
    ]
    assert per_feature["fieldConfig"]["defaults"]["thresholds"]["steps"][1] == {"color": "red", "value": 0.2}
    above = panels["Features above the alarm threshold (0.2)"]
    assert above["type"] == "bargauge"
    assert above["targets"][0]["expr"] == (
        'trustfabric_model_feature_baseline_drift{service="modelops",jurisdiction="UK",model="tax-computation"} > 0.2'
    )
    assert above["targets"][0]["instant"] is True
    # a family without features draws no feature panels
    assert sum(1 for title in panels if title.startswith("Drift per feature")) == 1
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) == 3 + 6 + 4
    assert no_overlap(dashboard["panels"])


def no_overlap(panels) -> bool:
    """No two panels share a grid cell (Grafana would push one of them down)."""
    cells = set()
    for panel in panels:
        grid = panel["gridPos"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                if (x, y) in cells:
                    return False
                cells.add((x, y))
    return True


def test_the_drift_slo_reads_the_gauge_the_dashboard_draws():
    indicator = SLOS["model-drift-resolution"].indicator
    assert indicator.gauge.metric == DRIFT_ALERT_AGE
    assert indicator.threshold == 172800


def test_the_dev_cell_declares_its_evaluation_dashboard_with_the_stack_thresholds(stack_graph):
    dev = stack_graph("dev")
    (config_map,) = [
        r
        for r in dev.resources.values()
        if r.type == "kubernetes:core/v1:ConfigMap" and r.props["metadata"]["name"] == "dashboard-evaluation-uk"
    ]
    assert config_map.props["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(config_map.props["data"]["evaluation-uk.json"])
    titles = {panel["title"] for panel in dashboard["panels"]}
    # Pulumi.dev.yaml: tax-computation, evaluation.accuracy 0.995, drift featureDrift 0.15, accuracyDrop 0.005,
    # and its features
    assert {
        "Accuracy by document type (approval minimum 0.995)",
        "Feature drift (alarm at 0.15)",
        "Accuracy lost since approval (alarm at 0.005)",
        "Drift per feature (alarm at 0.15)",
        "Features above the alarm threshold (0.15)",
    } <= titles
