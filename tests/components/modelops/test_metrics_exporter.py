"""The CloudWatch-to-Prometheus path of the ModelOps metrics: per cell that serves models, the pinned exporter
chart configured with the exported metrics (and the per-feature drift of every GA endpoint the stack declares),
its read-only role bound by EKS Pod Identity, and the drift rule group loaded beside the SLO rules; exact argument
errors."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from components.modelops.metrics_exporter import (
    CHART_VERSION,
    MetricsExporterArgs,
    validate_args,
)
from slogen.drift import ALERT, DriftThresholds, MonitoredEndpoint, drift_rule_file, exporter_config
from tests.components.helpers import CELLS, dependency_names, document, only, provider_region, refusal, statements

RELEASE = "kubernetes:helm.sh/v3:Release"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
CUSTOM = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
SCHEDULE = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
REPO = Path(__file__).resolve().parents[3]


def ga_features(stack: str) -> dict[str, list[str]]:
    """GA family -> its features, read from the stack file itself (not through the settings parser)."""
    config = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {model["name"]: model["features"] for model in config["trust-fabric:models"] if model.get("ga")}


def endpoints_of(graph, cell: str) -> dict[str, tuple[str, str]]:
    """GA family -> (its endpoint's name, its monitoring schedule's name) as the cell declares them."""
    found = {}
    for endpoint in graph.of_type(ENDPOINT):
        if endpoint.name.startswith(f"{cell}-") and endpoint.name.endswith("-endpoint"):
            model = endpoint.name.removeprefix(f"{cell}-").removesuffix("-endpoint")
            schedule = only(graph, SCHEDULE, f"{cell}-{model}-monitor")
            found[model] = (endpoint.props["name"], schedule.props["name"])
    return found


def test_each_prod_cell_runs_the_pinned_exporter_with_the_modelops_metrics(prod):
    release = only(prod, RELEASE, "uk-model-metrics-chart")
    props = release.props
    assert (props["chart"], props["version"]) == ("prometheus-cloudwatch-exporter", CHART_VERSION)
    assert props["repositoryOpts"] == {"repo": "https://prometheus-community.github.io/helm-charts"}
    values = props["values"]
    config = yaml.safe_load(values["config"])
    modelops = exporter_config("eu-west-2")
    assert config["metrics"][: len(modelops["metrics"])] == modelops["metrics"]
    assert {key: value for key, value in config.items() if key != "metrics"} == {
        key: value for key, value in modelops.items() if key != "metrics"
    }
    assert values["serviceAccount"] == {
        "create": True,
        "name": "cloudwatch-exporter",
        "automountServiceAccountToken": False,
    }
    assert values["rbac"] == {"create": False} and values["ingress"] == {"enabled": False}
    assert values["containerSecurityContext"]["readOnlyRootFilesystem"] is True
    assert values["serviceMonitor"]["enabled"] is True
    assert values["serviceMonitor"]["labels"]["release"] == "kube-prometheus-stack"
    assert values["image"]["repository"] == "prom/cloudwatch-exporter"


def test_the_exporter_reads_the_per_feature_drift_of_every_ga_endpoint(prod, dr):
    for stack, graph in (("prod", prod), ("dr", dr)):
        features = ga_features(stack)
        for cell in CELLS:
            endpoints = endpoints_of(graph, cell)
            assert set(endpoints) == set(features), (stack, cell)
            config = yaml.safe_load(only(graph, RELEASE, f"{cell}-model-metrics-chart").props["values"]["config"])
            exported = {
                metric["aws_metric_name"]: metric
                for metric in config["metrics"]
                if metric["aws_namespace"] == "aws/sagemaker/Endpoints/data-metrics"
            }
            for model, (endpoint, schedule) in endpoints.items():
                for feature in features[model]:
                    metric = exported[f"feature_baseline_drift_{feature}"]
                    assert metric["aws_dimensions"] == ["Endpoint", "MonitoringSchedule"]
                    assert endpoint in metric["aws_dimension_select"]["Endpoint"], (stack, cell, model, feature)
                    assert schedule in metric["aws_dimension_select"]["MonitoringSchedule"], (stack, cell, model)
            wanted = {f"feature_baseline_drift_{f}" for model in endpoints for f in features[model]}
            assert set(exported) == wanted, (stack, cell)


def test_the_exporter_reads_cloudwatch_only_through_pod_identity(prod):
    role = only(prod, ROLE, "uk-model-metrics-role")
    assert role.props["name"] == "trustfabric-prod-uk-eu-west-2-cw-exporter"
    [trust] = document(role, "assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert "arn:aws:eks:eu-west-2:123456789012:cluster/" in json.dumps(trust["Condition"]["ArnEquals"])
    assert role.props["permissionsBoundary"].startswith("arn:aws:iam::123456789012:policy/")
    by_sid = statements(only(prod, ROLE_POLICY, "uk-model-metrics-read-metrics"), "policy")
    assert by_sid == {
        "ReadMetrics": {
            "Sid": "ReadMetrics",
            "Effect": "Allow",
            "Action": ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
            "Resource": "*",
        }
    }
    association = only(prod, ASSOCIATION, "uk-model-metrics-pod-identity")
    assert (association.props["namespace"], association.props["serviceAccount"]) == (
        "observability",
        "cloudwatch-exporter",
    )
    assert dependency_names(prod, association, "roleArn") == ["uk-model-metrics-role"]
    assert provider_region(prod, association) == "eu-west-2"


def test_the_drift_rule_group_is_loaded_with_the_cells_ga_thresholds(prod, dr):
    for stack, graph in (("prod", prod), ("dr", dr)):
        rule = only(graph, CUSTOM, "uk-telemetry-rules-modelops-drift")
        features = ga_features(stack)
        endpoints = endpoints_of(graph, "uk")
        expected = drift_rule_file(
            "UK",
            [
                DriftThresholds("document-extraction", 0.2, 0.02),
                DriftThresholds("categorisation", 0.25, 0.03),
                DriftThresholds("tax-computation", 0.15, 0.005),
            ],
            [MonitoredEndpoint(model, *endpoints[model], tuple(features[model])) for model in features],
        )
        assert rule.props["spec"] == expected
        assert any(r.get("alert") == ALERT for r in rule.props["spec"]["groups"][0]["rules"])


def test_exact_argument_errors():
    args = MetricsExporterArgs(
        deployment="prod",
        cell="uk",
        region="eu-west-2",
        cluster_name="trustfabric-prod-uk",
        permissions_boundary_arn="b",
    )
    validate_args(args)
    bad_cluster = MetricsExporterArgs(**{**args.__dict__, "cluster_name": "-bad"})
    assert refusal(lambda: validate_args(bad_cluster)) == (
        "MetricsExporter: cluster_name: '-bad' is not an EKS cluster name; "
        "allowed: 1-100 letters, digits, '-' or '_', starting with a letter or digit"
    )
    bad_account = MetricsExporterArgs(**{**args.__dict__, "service_account": "Exporter"})
    assert refusal(lambda: validate_args(bad_account)) == (
        "MetricsExporter: service_account: 'Exporter' is not a Kubernetes name"
    )
