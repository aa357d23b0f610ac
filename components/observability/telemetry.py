"""Telemetry on a cell's Kubernetes cluster: metrics, dashboards, traces and redacted log shipping.

Declares, in one namespace that enforces the `restricted` Pod Security Standard:

- kube-prometheus-stack (Prometheus, Alertmanager, Grafana) from a pinned chart, hardened, with Alertmanager's
  config from a Secret this component writes (routes only: PagerDuty keys are mounted files, never config);
- Grafana dashboards as ConfigMaps the Grafana sidecar loads;
- PrometheusRule objects holding the recording and burn-rate alert rules generated from the SLOs (`slogen`);
- Tempo (traces) from a pinned chart;
- an OpenTelemetry collector (Deployment, hardened) whose pipeline redacts PII from log bodies and span
  attributes before exporting logs to the cell's OpenSearch domain and traces to Tempo. Its image is pinned by
  digest (pulled only when absent, so pods still start when the registry is unreachable during a regional
  incident), it gets no Kubernetes API token (it never calls the API; the AWS credentials for SigV4 come from
  the pod identity's own projected token), and a NetworkPolicy admits OTLP from the cluster and health probes,
  and lets it reach only DNS, Tempo and HTTPS (OpenSearch, STS).

Every object carries the tag contract as labels (`jurisdiction`, `data-classification`, `owner`).

Usage::

    telemetry = TelemetryStack(
        "uk-telemetry",
        TelemetryArgs(jurisdiction="UK", data_classification="restricted", owner="platform",
                      opensearch_endpoint=log_domain.endpoint),
        opts=pulumi.ResourceOptions(provider=uk_kubernetes),
    )
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import yaml

from components.observability.log_domain import write_alias
from components.observability.redaction import collector_config
from components.validation import require_choice, require_jurisdiction, require_range
from slogen.alertmanager import MOUNTED_SECRETS, AlertmanagerConfig
from slogen.grafana import Dashboard
from slogen.prometheus import RuleFile
from slogen.render import json_text, yaml_text

KUBE_PROMETHEUS_STACK_VERSION = "75.15.1"
TEMPO_VERSION = "1.23.2"
OTEL_COLLECTOR_IMAGE = (
    "otel/opentelemetry-collector-contrib:0.130.0"
    "@sha256:867d1074c2f750936fb9358ec9eefa009308053cf156b2c7ca1761ba5ef78452"
)
"""The collector image by tag and multi-architecture index digest; bump both together."""
OTLP_PORTS = {"otlp-grpc": 4317, "otlp-http": 4318}
HEALTH_PORT = 13133
PROMETHEUS_PORT = 9090
SLI_CONFIG_MAP = "otel-collector-sli"
TEMPO_OTLP_PORT = 4317
PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts"
GRAFANA_CHARTS = "https://grafana.github.io/helm-charts"
NULL_ROUTE = "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n"
"""Alertmanager's configuration when none is generated: every alert to a receiver that sends nothing."""

WireObject = Any
"""Fields of a Kubernetes object in their wire (camelCase) names, as the API reference spells them. pulumi-kubernetes
passes plain dicts through unchanged; its `...ArgsDict` types spell the fields in snake_case and cannot describe
these, so they are typed as what they are to the SDK: any value."""

# The restricted Pod Security Standard, as a container security context.
HARDENED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "privileged": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
HARDENED_POD = {
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "fsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@dataclass(frozen=True)
class TelemetryArgs:
    """Arguments of a cell's telemetry stack."""

    jurisdiction: str
    """Jurisdiction code; labels every object."""
    data_classification: str
    """Classification label of the telemetry (logs may carry confidential data until redacted)."""
    owner: str
    """Owner label."""
    opensearch_endpoint: pulumi.Input[str]
    """HTTPS endpoint of the cell's log domain (the collector signs requests with SigV4)."""
    namespace: str = "observability"
    """Namespace for everything here; it enforces the restricted Pod Security Standard."""
    collector_replicas: int = 2
    """OpenTelemetry collector replicas (2..10)."""
    prometheus_retention_days: int = 15
    """Local Prometheus retention (long-term metrics live in Datadog)."""
    alertmanager_config: AlertmanagerConfig | None = None
    """Alertmanager configuration generated from the SLOs (`SloDocuments.alertmanager`); None keeps a null route."""
    rule_groups: Mapping[str, RuleFile] = field(default_factory=dict)
    """Prometheus rule files by name (`SloDocuments.rule_files`), one PrometheusRule object each."""
    dashboards: Mapping[str, Dashboard] = field(default_factory=dict)
    """Grafana dashboards by name (`SloDocuments.dashboards`), one ConfigMap each."""
    sli_metrics: WireObject = None
    """The collector's second configuration file, publishing the SLI counters to CloudWatch
    (`sli_metrics.collector_sli_config`); None publishes nothing there."""


def validate_args(args: TelemetryArgs) -> None:
    require_jurisdiction("TelemetryStack", "jurisdiction", args.jurisdiction)
    require_choice(
        "TelemetryStack", "data_classification", args.data_classification, ("internal", "confidential", "restricted")
    )
    require_range("TelemetryStack", "collector_replicas", args.collector_replicas, 2, 10)
    require_range("TelemetryStack", "prometheus_retention_days", args.prometheus_retention_days, 1, 90)
    for name, rule_file in args.rule_groups.items():
        if not isinstance(rule_file, dict) or not isinstance(rule_file.get("groups"), list):
            raise ValueError(f"TelemetryStack: rule_groups[{name!r}]: expected a Prometheus rule file with groups:")


def collector_pipeline(args: TelemetryArgs, opensearch_endpoint: str) -> dict[str, Any]:
    """The collector's configuration for this cell: logs go to the write alias of the cell's data class, whose
    indexes that class's retention policy manages (`log_domain.bootstrap_requests`)."""
    return collector_config(
        opensearch_endpoint=opensearch_endpoint,
        tempo_endpoint=f"tempo.{args.namespace}:4317",
        logs_index=write_alias(args.data_classification),
    )


def collector_network_policy(selector: Mapping[str, str], federate: bool = False) -> WireObject:
    """The collector's NetworkPolicy spec: what may reach it, and the only places it may reach.

    In: OTLP (gRPC, HTTP) from pods of any namespace (workloads send their telemetry), and the health port from
    anywhere (kubelet probes come from the node). Out: DNS to the cluster's resolver, OTLP to Tempo in this
    namespace, and HTTPS to any address: the OpenSearch domain and STS have no fixed addresses a CIDR could name.
    With `federate`, also Prometheus in this namespace (the SLI counters it publishes to CloudWatch).
    """
    tcp = "TCP"
    return {
        "podSelector": {"matchLabels": dict(selector)},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [
            {
                "from": [{"namespaceSelector": {}}],
                "ports": [{"protocol": tcp, "port": port} for port in OTLP_PORTS.values()],
            },
            {"ports": [{"protocol": tcp, "port": HEALTH_PORT}]},
        ],
        "egress": [
            {
                "to": [
                    {
                        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                    }
                ],
                "ports": [{"protocol": "UDP", "port": 53}, {"protocol": tcp, "port": 53}],
            },
            {
                "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "tempo"}}}],
                "ports": [{"protocol": tcp, "port": TEMPO_OTLP_PORT}],
            },
            {"ports": [{"protocol": tcp, "port": 443}]},
            *(
                [
                    {
                        "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}],
                        "ports": [{"protocol": tcp, "port": PROMETHEUS_PORT}],
                    }
                ]
                if federate
                else []
            ),
        ],
    }


def collector_deployment(args: TelemetryArgs, labels: Mapping[str, str], selector: Mapping[str, str]) -> WireObject:
    """The collector Deployment's spec: hardened pod and container, no API token, config from its ConfigMap."""
    return {
        "replicas": args.collector_replicas,
        "selector": {"matchLabels": selector},
        "template": {
            "metadata": {"labels": {**labels, **selector}},
            "spec": {
                "serviceAccountName": "otel-collector",
                "automountServiceAccountToken": False,
                "securityContext": HARDENED_POD,
                "containers": [
                    {
                        "name": "collector",
                        "image": OTEL_COLLECTOR_IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "args": [
                            "--config=/conf/collector.yaml",
                            *(["--config=/conf-sli/sli.yaml"] if args.sli_metrics is not None else []),
                        ],
                        "ports": [{"containerPort": port, "name": port_name} for port_name, port in OTLP_PORTS.items()],
                        "securityContext": HARDENED_CONTAINER,
                        "resources": {
                            "requests": {"cpu": "200m", "memory": "256Mi"},
                            "limits": {"cpu": "1", "memory": "1Gi"},
                        },
                        "livenessProbe": {"httpGet": {"path": "/", "port": HEALTH_PORT}},
                        "readinessProbe": {"httpGet": {"path": "/", "port": HEALTH_PORT}},
                        "volumeMounts": [
                            {"name": "config", "mountPath": "/conf", "readOnly": True},
                            *(
                                [{"name": "sli-config", "mountPath": "/conf-sli", "readOnly": True}]
                                if args.sli_metrics is not None
                                else []
                            ),
                        ],
                    }
                ],
                "volumes": [
                    {"name": "config", "configMap": {"name": "otel-collector"}},
                    *(
                        [{"name": "sli-config", "configMap": {"name": SLI_CONFIG_MAP}}]
                        if args.sli_metrics is not None
                        else []
                    ),
                ],
            },
        },
    }


def kube_prometheus_values(args: TelemetryArgs, labels: Mapping[str, str]) -> WireObject:
    """Values of the kube-prometheus-stack chart: hardened pods, our Alertmanager Secret, the dashboard sidecar."""
    return {
        "commonLabels": labels,
        "prometheus": {
            "prometheusSpec": {
                "retention": f"{args.prometheus_retention_days}d",
                "ruleSelectorNilUsesHelmValues": False,
                "securityContext": HARDENED_POD,
            }
        },
        "alertmanager": {
            "alertmanagerSpec": {
                "configSecret": "alertmanager-trustfabric",
                "securityContext": HARDENED_POD,
                # PagerDuty routing keys and the ticket bridge's token arrive as files from Secrets synced out of
                # Vault (VaultSecretSync).
                "secrets": list(MOUNTED_SECRETS),
            }
        },
        "grafana": {
            "admin": {"existingSecret": "grafana-admin"},
            "sidecar": {"dashboards": {"enabled": True, "label": "grafana_dashboard"}},
            "securityContext": HARDENED_POD,
            "containerSecurityContext": HARDENED_CONTAINER,
        },
    }


@dataclass(frozen=True)
class ChartArgs:
    """A pinned chart and where it is installed."""

    chart: str
    """The chart, also the release's name."""
    version: str
    repository: str
    namespace: str


def chart_release(
    resource_name: str,
    chart: ChartArgs,
    values: WireObject,
    opts: pulumi.ResourceOptions,
    cleanup_on_fail: bool | None = None,
) -> k8s.helm.v3.Release:
    """An atomic Helm release of a pinned chart version: a failed install or upgrade rolls back."""
    return k8s.helm.v3.Release(
        resource_name,
        name=chart.chart,
        chart=chart.chart,
        version=chart.version,
        namespace=chart.namespace,
        repository_opts={"repo": chart.repository},
        atomic=True,
        cleanup_on_fail=cleanup_on_fail,
        values=values,
        opts=opts,
    )


class TelemetryStack(pulumi.ComponentResource):
    """Metrics, dashboards, alert rules, traces and redacted logs for one cell's cluster."""

    namespace: pulumi.Output[str]

    def __init__(self, name: str, args: TelemetryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:observability:TelemetryStack", name, None, opts)
        labels = {
            "jurisdiction": args.jurisdiction,
            "data-classification": args.data_classification,
            "owner": args.owner,
            "app.kubernetes.io/part-of": "trust-fabric",
        }
        child = pulumi.ResourceOptions(parent=self)

        def meta(object_name: str, extra: Mapping[str, str] | None = None) -> k8s.meta.v1.ObjectMetaArgsDict:
            return {"name": object_name, "namespace": args.namespace, "labels": {**labels, **(extra or {})}}

        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={
                "name": args.namespace,
                "labels": {
                    **labels,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                },
            },
            opts=child,
        )
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])

        alertmanager_secret = k8s.core.v1.Secret(
            f"{name}-alertmanager-config",
            metadata=meta("alertmanager-trustfabric"),
            string_data={
                "alertmanager.yaml": NULL_ROUTE
                if args.alertmanager_config is None
                else yaml_text(args.alertmanager_config)
            },
            opts=in_namespace,
        )
        chart_release(
            f"{name}-kube-prometheus-stack",
            ChartArgs("kube-prometheus-stack", KUBE_PROMETHEUS_STACK_VERSION, PROMETHEUS_COMMUNITY, args.namespace),
            kube_prometheus_values(args, labels),
            pulumi.ResourceOptions(parent=self, depends_on=[namespace, alertmanager_secret]),
            cleanup_on_fail=True,
        )
        for rule_name, rule_file in sorted(args.rule_groups.items()):
            k8s.apiextensions.CustomResource(
                f"{name}-rules-{rule_name}",
                api_version="monitoring.coreos.com/v1",
                kind="PrometheusRule",
                metadata=meta(rule_name, {"release": "kube-prometheus-stack"}),
                spec=rule_file,
                opts=in_namespace,
            )
        for dashboard_name, dashboard in sorted(args.dashboards.items()):
            k8s.core.v1.ConfigMap(
                f"{name}-dashboard-{dashboard_name}",
                metadata=meta(f"dashboard-{dashboard_name}", {"grafana_dashboard": "1"}),
                data={f"{dashboard_name}.json": json_text(dashboard)},
                opts=in_namespace,
            )
        chart_release(
            f"{name}-tempo",
            ChartArgs("tempo", TEMPO_VERSION, GRAFANA_CHARTS, args.namespace),
            {"securityContext": HARDENED_POD, "tempo": {"securityContext": HARDENED_CONTAINER}},
            in_namespace,
        )

        config = pulumi.Output.from_input(args.opensearch_endpoint).apply(
            lambda endpoint: yaml.safe_dump(
                collector_pipeline(args, endpoint),
                sort_keys=True,
            )
        )
        config_map = k8s.core.v1.ConfigMap(
            f"{name}-collector-config",
            metadata=meta("otel-collector"),
            data={"collector.yaml": config},
            opts=in_namespace,
        )
        config_maps = [config_map]
        if args.sli_metrics is not None:
            config_maps.append(
                k8s.core.v1.ConfigMap(
                    f"{name}-collector-sli-config",
                    metadata=meta(SLI_CONFIG_MAP),
                    data={"sli.yaml": yaml.safe_dump(args.sli_metrics, sort_keys=True)},
                    opts=in_namespace,
                )
            )
        selector = {"app.kubernetes.io/name": "otel-collector"}
        k8s.apps.v1.Deployment(
            f"{name}-collector",
            metadata=meta("otel-collector", selector),
            spec=collector_deployment(args, labels, selector),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[namespace, *config_maps]),
        )
        k8s.core.v1.ServiceAccount(
            f"{name}-collector-sa",
            metadata=meta("otel-collector"),
            automount_service_account_token=False,
            opts=in_namespace,
        )
        k8s.networking.v1.NetworkPolicy(
            f"{name}-collector-network-policy",
            metadata=meta("otel-collector", selector),
            spec=collector_network_policy(selector, federate=args.sli_metrics is not None),
            opts=in_namespace,
        )
        service_spec: WireObject = {
            "selector": selector,
            "ports": [{"name": port_name, "port": port} for port_name, port in OTLP_PORTS.items()],
            "type": "ClusterIP",
        }
        k8s.core.v1.Service(
            f"{name}-collector-service",
            metadata=meta("otel-collector", selector),
            spec=service_spec,
            opts=in_namespace,
        )
        self.namespace = namespace.metadata.apply(lambda m: m["name"] if isinstance(m, dict) else m.name)
        self.register_outputs({"namespace": self.namespace})
