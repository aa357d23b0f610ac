"""The ModelOps series in Prometheus: promtool proves that the drift alert opens when the exported drift crosses
its threshold, that the age series grows from its activation and returns to 0 on recovery, and that the drift
SLO pages once an alert has been open for 48 hours (not before); that a feature whose drift is above its family's
threshold shows in the dashboard's per-feature queries, and one below it does not; every series the drift SLO and
the evaluation dashboard query is produced by an exported metric or a recording rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from slogen import alerts
from slogen.drift import (
    ALERT,
    EXPORTED,
    MONITOR_NAMESPACE,
    NAMESPACE,
    DriftThresholds,
    MonitoredEndpoint,
    drift_rule_file,
    exported_name,
    exported_series,
    exporter_config,
    label_name,
    produced_series,
)
from slogen.evaluation import DRIFT_ALERT_AGE, FEATURE_BASELINE_DRIFT, EvaluatedFamily, evaluation_dashboard
from slogen.prometheus import prometheus_rule_file
from slogen.spec import load_slo_dir

from .conftest import run_tool

REPO = Path(__file__).resolve().parents[2]
SLO = next(slo for slo in load_slo_dir(REPO / "slos") if slo.name == "model-drift-resolution")
FAMILIES = [DriftThresholds("tax-computation", 0.15, 0.005), DriftThresholds("categorisation", 0.25, 0.03)]
FEATURES = {"tax-computation": ("gross_income", "tax_year"), "categorisation": ("amount", "tax_year")}
ENDPOINTS = [
    MonitoredEndpoint(
        model, f"trustfabric-prod-uk-{model}", f"trustfabric-prod-uk-{model}-data-quality", FEATURES[model]
    )
    for model in ("tax-computation", "categorisation")
]
DRIFT = exported_name(NAMESPACE, "FeatureDrift", "Maximum")
DROP = exported_name(NAMESPACE, "AccuracyDrop", "Maximum")
HOURS_48 = 48 * 60


def series(name: str, model: str, values: str) -> dict[str, str]:
    """An exported series as the CloudWatch exporter labels it (dimensions in snake case)."""
    return {"series": f'{name}{{jurisdiction="UK",model="{model}"}}', "values": values}


def age_at(minute: int, value: float, model: str = "tax-computation") -> dict[str, Any]:
    labels = f'{{service="modelops",jurisdiction="UK",model="{model}"}}'
    return {
        "expr": f"{DRIFT_ALERT_AGE}{labels}",
        "eval_time": f"{minute}m",
        "exp_samples": [{"labels": f"{DRIFT_ALERT_AGE}{labels}", "value": value}],
    }


def run_suite(tmp_path: Path, promtool: str, tests: list[dict[str, Any]]) -> None:
    rules = drift_rule_file("UK", FAMILIES, ENDPOINTS)
    (tmp_path / "drift.rules.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
    (tmp_path / "slo.rules.yml").write_text(yaml.safe_dump(prometheus_rule_file(SLO), sort_keys=False))
    suite = {
        "rule_files": ["drift.rules.yml", "slo.rules.yml"],
        "evaluation_interval": "1m",
        "tests": tests,
    }
    (tmp_path / "drift.test.yml").write_text(yaml.safe_dump(suite, sort_keys=False))
    result = run_tool([promtool, "test", "rules", "drift.test.yml"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rule_file_passes_promtool_check(tmp_path: Path, promtool: str) -> None:
    path = tmp_path / "drift.rules.yml"
    path.write_text(yaml.safe_dump(drift_rule_file("UK", FAMILIES, ENDPOINTS), sort_keys=False))
    result = run_tool([promtool, "check", "rules", str(path)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_age_grows_from_the_alerts_activation_and_returns_to_zero(tmp_path: Path, promtool: str) -> None:
    # Drift 0.1 (below 0.15) for an hour, 0.3 for three hours, then 0.1 again; categorisation never drifts.
    inputs = [
        series(DRIFT, "tax-computation", "0.1x59 0.3x180 0.1x60"),
        series(DROP, "tax-computation", "0x300"),
        series(DRIFT, "categorisation", "0.1x300"),
        series(DROP, "categorisation", "0x300"),
    ]
    open_alert = {
        "exp_labels": {
            "severity": "sev3",
            "service": "modelops",
            "jurisdiction": "UK",
            "model": "tax-computation",
        },
        "exp_annotations": drift_rule_file("UK", FAMILIES)["groups"][0]["rules"][-2]["annotations"],
    }
    run_suite(
        tmp_path,
        promtool,
        [
            {
                "name": "the age of an open drift alert",
                "interval": "1m",
                "input_series": inputs,
                "alert_rule_test": [
                    {"alertname": ALERT, "eval_time": "59m", "exp_alerts": []},
                    {"alertname": ALERT, "eval_time": "60m", "exp_alerts": [open_alert]},
                    {"alertname": ALERT, "eval_time": "241m", "exp_alerts": []},
                ],
                "promql_expr_test": [
                    age_at(59, 0),
                    age_at(60, 0),
                    age_at(61, 60),
                    age_at(120, 3600),
                    age_at(239, 179 * 60),
                    age_at(241, 0),
                    age_at(120, 0, model="categorisation"),
                ],
            }
        ],
    )


def test_the_drift_slo_pages_once_an_alert_has_been_open_for_48_hours(tmp_path: Path, promtool: str) -> None:
    # Drift opens at minute 60 and stays: 48 h later (minute 2940) the gauge crosses 172800 s.
    opened, crossed = 60, 60 + HOURS_48
    minutes = crossed + 30
    inputs = [
        series(DRIFT, "tax-computation", f"0.1x{opened - 1} 0.3x{minutes - opened + 1}"),
        series(DROP, "tax-computation", f"0x{minutes}"),
    ]
    page = alerts.alert_name(SLO, "page")
    run_suite(
        tmp_path,
        promtool,
        [
            {
                "name": "a drift alert open for 48 hours pages",
                "interval": "1m",
                "input_series": inputs,
                "alert_rule_test": [
                    {"alertname": page, "eval_time": f"{crossed - 1}m", "exp_alerts": []},
                    {"alertname": page, "eval_time": f"{crossed + 10}m", "exp_alerts": [page_alert()]},
                ],
                "promql_expr_test": [age_at(crossed - 1, 172740), age_at(crossed, 172800)],
            }
        ],
    )


def page_alert() -> dict[str, Any]:
    """The SLO's page alert as promtool expects it: its labels and annotations."""
    rules = prometheus_rule_file(SLO)["groups"][0]["rules"]
    page: Any = next(rule for rule in rules if rule.get("alert") == alerts.alert_name(SLO, "page"))
    return {"exp_labels": dict(page["labels"]), "exp_annotations": dict(page["annotations"])}


# --- drift per feature --------------------------------------------------------------------------------------


def dashboard() -> dict[str, Any]:
    families = [EvaluatedFamily(f.model, 0.97, f.feature_drift, f.accuracy_drop, FEATURES[f.model]) for f in FAMILIES]
    return dict(evaluation_dashboard("uk", "UK", families))


def panel_expr(title: str) -> str:
    [panel] = [panel for panel in dashboard()["panels"] if panel["title"] == title]
    [target] = panel["targets"]
    return str(target["expr"])


def feature_series(feature: str, model: str, values: str, stack: str = "prod") -> dict[str, str]:
    """Model Monitor's per-feature drift as the exporter labels it (dimensions Endpoint, MonitoringSchedule)."""
    name = exported_name(MONITOR_NAMESPACE, f"feature_baseline_drift_{feature}", "Maximum")
    endpoint = f"trustfabric-{stack}-uk-{model}"
    labels = f'endpoint="{endpoint}",monitoring_schedule="{endpoint}-data-quality"'
    return {"series": f"{name}{{{labels}}}", "values": values}


def drift_of(feature: str, model: str, value: float) -> dict[str, Any]:
    labels = f'{{feature="{feature}",jurisdiction="UK",model="{model}",service="modelops"}}'
    return {"labels": f"{FEATURE_BASELINE_DRIFT}{labels}", "value": value}


def test_a_feature_above_its_familys_threshold_shows_in_the_dashboards_feature_panels(
    tmp_path: Path, promtool: str
) -> None:
    # tax-computation (threshold 0.15): tax_year drifts to 0.4 from minute 60, gross_income stays at 0.05.
    # categorisation (threshold 0.25) reports tax_year at 0.2: below its own threshold, never listed as above.
    # Another endpoint's tax_year (dr's, same metric name) at 0.9 must not reach prod's families.
    inputs = [
        feature_series("tax_year", "tax-computation", "0.05x59 0.4x60"),
        feature_series("gross_income", "tax-computation", "0.05x119"),
        feature_series("tax_year", "categorisation", "0.2x119"),
        feature_series("amount", "categorisation", "0.1x119"),
        feature_series("tax_year", "tax-computation", "0.9x119", stack="dr"),
    ]
    above_tax = panel_expr("Features above the alarm threshold (0.15)")
    above_categorisation = panel_expr("Features above the alarm threshold (0.25)")
    per_feature_tax = panel_expr("Drift per feature (alarm at 0.15)")
    run_suite(
        tmp_path,
        promtool,
        [
            {
                "name": "drift per feature",
                "interval": "1m",
                "input_series": inputs,
                "promql_expr_test": [
                    {"expr": above_tax, "eval_time": "59m", "exp_samples": []},
                    {
                        "expr": above_tax,
                        "eval_time": "60m",
                        "exp_samples": [drift_of("tax_year", "tax-computation", 0.4)],
                    },
                    {"expr": above_categorisation, "eval_time": "100m", "exp_samples": []},
                    {
                        "expr": per_feature_tax,
                        "eval_time": "100m",
                        "exp_samples": [
                            drift_of("gross_income", "tax-computation", 0.05),
                            drift_of("tax_year", "tax-computation", 0.4),
                        ],
                    },
                ],
            }
        ],
    )


def test_the_exporter_reads_each_feature_once_for_every_endpoint_that_reports_it() -> None:
    metrics = exporter_config("eu-west-2", ENDPOINTS)["metrics"]
    features = [m for m in metrics if m["aws_namespace"] == MONITOR_NAMESPACE]
    assert [m["aws_metric_name"] for m in features] == [
        "feature_baseline_drift_gross_income",
        "feature_baseline_drift_tax_year",
        "feature_baseline_drift_amount",
    ]
    tax_year = features[1]
    assert tax_year["aws_dimensions"] == ["Endpoint", "MonitoringSchedule"]
    assert tax_year["aws_dimension_select"] == {
        "Endpoint": ["trustfabric-prod-uk-tax-computation", "trustfabric-prod-uk-categorisation"],
        "MonitoringSchedule": [
            "trustfabric-prod-uk-tax-computation-data-quality",
            "trustfabric-prod-uk-categorisation-data-quality",
        ],
    }
    assert (tax_year["aws_statistics"], tax_year["period_seconds"], tax_year["range_seconds"]) == (
        ["Maximum"],
        3600,
        7200,
    )
    assert exporter_config("eu-west-2")["metrics"] == metrics[: len(EXPORTED)]


# --- every series queried is produced -------------------------------------------------------------------------

SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")


def queried_series() -> set[str]:
    exprs = [target["expr"] for panel in dashboard()["panels"] for target in panel.get("targets", [])]
    exprs.append(SLO.indicator.gauge.render())  # type: ignore[union-attr]
    return {name for expr in exprs for name in SELECTOR.findall(expr)}


def test_every_series_the_drift_slo_and_the_dashboard_query_is_produced() -> None:
    queried = queried_series()
    assert {
        DRIFT_ALERT_AGE,
        "trustfabric_model_accuracy",
        "trustfabric_model_feature_drift",
        FEATURE_BASELINE_DRIFT,
    } <= queried
    produced = produced_series(drift_rule_file("UK", FAMILIES, ENDPOINTS), exporter_config("eu-west-2", ENDPOINTS))
    assert queried - produced == set()
    # without the endpoints nothing records the per-feature series: the check would catch a panel left behind
    assert FEATURE_BASELINE_DRIFT not in produced_series(drift_rule_file("UK", FAMILIES))


def test_the_rules_read_only_what_the_exporter_exports() -> None:
    exported = exported_series(exporter_config("eu-west-2", ENDPOINTS))
    rules = drift_rule_file("UK", FAMILIES, ENDPOINTS)["groups"][0]["rules"]
    read = {
        name
        for rule in rules
        for name in re.findall(r"\b((?:trustfabric_modelops|aws_sagemaker_endpoints)_[a-z_]+)\b", rule["expr"])
    }
    assert read == exported
    # and under the exporter's label names for the configured dimensions
    config = exporter_config("eu-west-2")
    assert [(m["aws_metric_name"], m["aws_statistics"]) for m in config["metrics"]] == [
        ("Accuracy", ["Minimum"]),
        ("FeatureDrift", ["Maximum"]),
        ("AccuracyDrop", ["Maximum"]),
    ]
    assert [label_name(d) for d in ("DocumentType", "Jurisdiction", "Model")] == [
        "document_type",
        "jurisdiction",
        "model",
    ]


def test_exported_names_follow_the_exporters_rule() -> None:
    assert (
        exported_name("TrustFabric/ModelOps", "FeatureDrift", "Maximum") == "trustfabric_modelops_feature_drift_maximum"
    )
    assert exported_name("AWS/S3", "ReplicationLatency", "Maximum") == "aws_s3_replication_latency_maximum"
    assert (
        exported_name("aws/sagemaker/Endpoints/data-metrics", "feature_baseline_drift_tax_year", "Maximum")
        == "aws_sagemaker_endpoints_data_metrics_feature_baseline_drift_tax_year_maximum"
    )
    assert [label_name(d) for d in ("Endpoint", "MonitoringSchedule")] == ["endpoint", "monitoring_schedule"]
