"""Observability components: PII redaction (proved with RE2, the collector's regex engine) and the hardened
telemetry stack on Kubernetes, as declared in the real dev stack (the log domain: test_log_domain.py)."""

from __future__ import annotations

import re

import pytest
import re2
import yaml

from components.modelops.metrics_exporter import CHART_VERSION as CLOUDWATCH_EXPORTER_VERSION
from components.observability.redaction import PII_PATTERNS, collector_config, redact
from components.observability.telemetry import KUBE_PROMETHEUS_STACK_VERSION, TEMPO_VERSION, TelemetryArgs
from components.observability.telemetry import validate_args as validate_telemetry
from components.observability.vault_secret_sync import VAULT_SECRETS_OPERATOR_VERSION

SAMPLES = [
    ("mail jane.doe+tax@example.co.uk today", "mail [REDACTED:email] today"),
    ("NINO AB 12 34 56 C", "NINO [REDACTED:uk-nino]"),
    ("NINO QQ123456C stays: QQ is never issued", "NINO QQ123456C stays: QQ is never issued"),
    ("ssn 123-45-6789.", "ssn [REDACTED:us-ssn]."),
    ("sin 046 454 286", "sin [REDACTED:ca-sin]"),
    ("card 4111 1111 1111 1111 / 5500-0000-0000-0004", "card [REDACTED:card] / [REDACTED:card]"),
    ("iban GB82 WEST 1234 5698 7654 32", "iban [REDACTED:iban]"),
    ("iban DE89370400440532013000", "iban [REDACTED:iban]"),
    ("sort code and account 20-00-00 12345678", "sort code and account [REDACTED:uk-bank-account]"),
    ("invoice 2026-11-29 total 1234.56 order 12345", "invoice 2026-11-29 total 1234.56 order 12345"),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLES)
def test_pii_is_redacted_and_ordinary_text_is_not(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(("text", "expected"), SAMPLES)
def test_re2_agrees_with_python(text, expected):
    out = text
    for kind, pattern in PII_PATTERNS:
        out = re2.sub(pattern, f"[REDACTED:{kind}]", out)
    assert out == expected


def test_every_pattern_compiles_in_re2():
    for _, pattern in PII_PATTERNS:
        re2.compile(pattern)
        re.compile(pattern)


def test_collector_redacts_before_any_exporter():
    config = collector_config(opensearch_endpoint="https://logs.example", tempo_endpoint="tempo:4317")
    for pipeline in ("logs", "traces"):
        processors = config["service"]["pipelines"][pipeline]["processors"]
        assert processors.index("transform/redact-pii") < processors.index("batch")
    statements = config["processors"]["transform/redact-pii"]["log_statements"][0]["statements"]
    assert statements[0] == (
        'replace_pattern(body, "[A-Za-z0-9._%+\\\\-]+@[A-Za-z0-9.\\\\-]+\\\\.[A-Za-z]{2,}", "[REDACTED:email]")'
    )
    assert len(statements) == 2 * len(PII_PATTERNS)
    assert config["exporters"]["otlp/tempo"]["tls"] == {"insecure": False}


@pytest.fixture(scope="module")
def dev(stack_graph):
    return stack_graph("dev")


def of_type(graph, type_):
    return [r for r in graph if r.type == type_]


def test_every_kubernetes_object_carries_the_tag_contract_as_labels(dev):
    objects = [r for r in dev if r.type.startswith("kubernetes:") and "helm.sh" not in r.type and r.custom]
    assert objects
    for resource in objects:
        labels = resource.props["metadata"]["labels"]
        assert {labels["jurisdiction"], labels["data-classification"], labels["owner"]} == {
            "UK",
            "confidential",
            "platform-reliability",
        }, resource.name


def test_namespace_enforces_the_restricted_pod_security_standard(dev):
    # The telemetry namespace, and the Vault Secrets Operator's (components/observability/vault_secret_sync.py).
    namespaces = of_type(dev, "kubernetes:core/v1:Namespace")
    assert sorted(n.props["metadata"]["name"] for n in namespaces) == ["observability", "vault-secrets-operator"]
    for namespace in namespaces:
        labels = namespace.props["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_collector_is_hardened(dev):
    [deployment] = of_type(dev, "kubernetes:apps/v1:Deployment")
    pod = deployment.props["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    [container] = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["privileged"] is False
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert set(container["resources"]["limits"]) == {"cpu", "memory"}
    assert deployment.props["spec"]["replicas"] == 2


def test_charts_are_pinned(dev):
    versions = {r.props["chart"]: r.props["version"] for r in of_type(dev, "kubernetes:helm.sh/v3:Release")}
    assert versions == {
        "kube-prometheus-stack": KUBE_PROMETHEUS_STACK_VERSION,
        "tempo": TEMPO_VERSION,
        "vault-secrets-operator": VAULT_SECRETS_OPERATOR_VERSION,
        "prometheus-cloudwatch-exporter": CLOUDWATCH_EXPORTER_VERSION,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"collector_replicas": 1}, "TelemetryStack: collector_replicas: 1 is out of range; allowed: 2..10"),
        (
            {"data_classification": "public"},
            "TelemetryStack: data_classification: 'public' is not allowed; allowed: internal, confidential, restricted",
        ),
        (
            {"rule_groups": {"x": "rules: []"}},
            "TelemetryStack: rule_groups['x']: expected a Prometheus rule file with groups:",
        ),
    ],
)
def test_telemetry_validation(changes, message):
    args = TelemetryArgs(
        **{
            "jurisdiction": "UK",
            "data_classification": "restricted",
            "owner": "o",
            "opensearch_endpoint": "https://x",
            **changes,
        }
    )
    with pytest.raises(ValueError) as error:
        validate_telemetry(args)
    assert str(error.value) == message


def test_generated_slo_rules_dashboards_and_routes_reach_the_cluster(dev):
    from slogen.render import generate_all

    artifacts = generate_all()
    rules = {
        r.props["metadata"]["name"]: r.props["spec"]
        for r in of_type(dev, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    }
    expected = {
        path.split("/")[-1].removesuffix(".rules.yml"): yaml.safe_load(text)
        for path, text in artifacts.items()
        if path.endswith(".rules.yml")
    }
    # and the per-minute SLI counters the collector publishes to CloudWatch (tests/slogen/test_cloudwatch.py)
    assert rules.pop("sli-cloudwatch-counters")["groups"][0]["name"] == "sli-counters-api-latency"
    # and the ModelOps series derived from the exported CloudWatch metrics (tests/slogen/test_drift.py)
    assert rules.pop("modelops-drift")["groups"][0]["name"] == "modelops-drift"
    assert rules == expected
    dashboards = [
        r
        for r in of_type(dev, "kubernetes:core/v1:ConfigMap")
        if r.props["metadata"]["labels"].get("grafana_dashboard")
    ]
    # the SLO dashboards, and the cell's evaluation dashboard (tests/slogen/test_evaluation_dashboard.py)
    names = sorted(r.props["metadata"]["name"] for r in dashboards)
    assert names == sorted(
        [f"dashboard-{path[8:-5]}" for path in artifacts if path.startswith("grafana/")] + ["dashboard-evaluation-uk"]
    )
    [secret] = of_type(dev, "kubernetes:core/v1:Secret")
    assert secret.props["stringData"]["alertmanager.yaml"] == artifacts["alertmanager/alertmanager.yml"]


def test_datadog_monitors_watch_their_own_slo(dev):
    slos = {r.urn: r for r in of_type(dev, "datadog:index/serviceLevelObjective:ServiceLevelObjective")}
    monitors = of_type(dev, "datadog:index/monitor:Monitor")
    assert len(slos) == 6 and len(monitors) == 24
    for monitor in monitors:
        [slo_urn] = monitor.property_dependencies["query"]
        assert monitor.props["query"].startswith(f'burn_rate("{slos[slo_urn].id}")')
        assert "env:dev" in monitor.props["tags"]
