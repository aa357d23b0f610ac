"""The cell's CloudWatch-to-Prometheus path for the ModelOps metrics: the evaluation and drift series the
evaluation dashboard and the 48-hour drift SLO read.

Declares, for a cell that serves models:

- an IAM role that only EKS Pod Identity may assume, for this account and the cell's cluster only, with the cell's
  permission boundary, bound to the exporter's service account (namespace `observability`, service account
  `cloudwatch-exporter`; `components.observability.pod_identity`, shared with the collector): no long-lived keys,
  no IRSA annotation; allowed only `cloudwatch:GetMetricData` and `cloudwatch:ListMetrics` (read-only; neither
  action supports resource-level permissions, so the resource is `*`);
- the prometheus-community `prometheus-cloudwatch-exporter` chart, pinned, configured with
  `slogen.drift.exporter_config` (the `TrustFabric/ModelOps` metrics of the cell's region, and the per-feature drift
  its GA endpoints' data-quality monitors publish in `aws/sagemaker/Endpoints/data-metrics`), hardened (restricted
  pod security, no Kubernetes API token or RBAC: it never calls the API, no ingress), scraped through a
  ServiceMonitor the cell's kube-prometheus-stack selects.

The rules that turn the exported series into the dashboard's and the SLO's series are `slogen.drift`'s rule
file, loaded by the telemetry component as a PrometheusRule.

Usage::

    MetricsExporter(
        "uk-model-metrics",
        MetricsExporterArgs(deployment="prod", cell="uk", region="eu-west-2", cluster_name="trustfabric-prod-uk",
                            permissions_boundary_arn=boundary_arn, labels={"jurisdiction": "UK", ...}),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
        kubernetes=uk_kubernetes,
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import yaml

from components.documents import policy_document
from components.observability.pod_identity import pod_identity_role, validate_pod_identity
from components.observability.telemetry import (
    HARDENED_CONTAINER,
    HARDENED_POD,
    PROMETHEUS_COMMUNITY,
    ChartArgs,
    chart_release,
)
from slogen.drift import MonitoredEndpoint, exporter_config

CHART = "prometheus-cloudwatch-exporter"
CHART_VERSION = "0.26.0"
"""prometheus-community/helm-charts `charts/prometheus-cloudwatch-exporter/Chart.yaml`: version 0.26.0, appVersion
0.16.0; bump with `IMAGE_TAG`."""
IMAGE_REPOSITORY = "prom/cloudwatch-exporter"
IMAGE_TAG = "v0.16.0"
"""The exporter's image tag (the chart's appVersion). Its digest is not recorded yet: see docs/modelops.md
(`crane digest prom/cloudwatch-exporter:v0.16.0`, then set `IMAGE_TAG` to `v0.16.0@sha256:<digest>`)."""
READ_ACTIONS = ("cloudwatch:GetMetricData", "cloudwatch:ListMetrics")
SCRAPE_INTERVAL = "5m"
"""Each scrape is GetMetricData calls; the data changes once a day, the SLO needs minute slices of a fresh gauge."""
PROMETHEUS_RELEASE = "kube-prometheus-stack"
"""The release label kube-prometheus-stack's Prometheus selects ServiceMonitors by."""


@dataclass(frozen=True)
class MetricsExporterArgs:
    """Arguments of a cell's ModelOps metrics exporter."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the role name."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    region: str
    """The cell's region: where its metrics are published and its cluster runs."""
    cluster_name: str
    """The cell's EKS cluster (`cells[].eksCluster`)."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by the role."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """The tag contract as labels (`jurisdiction`, `data-classification`, `owner`)."""
    endpoints: Sequence[MonitoredEndpoint] = ()
    """The cell's GA endpoints whose data-quality monitors' per-feature drift is exported."""
    namespace: str = "observability"
    service_account: str = "cloudwatch-exporter"


def validate_args(args: MetricsExporterArgs) -> None:
    """Raise ValueError naming the first bad argument."""
    validate_pod_identity("MetricsExporter", args)


def role_name(args: MetricsExporterArgs) -> str:
    return f"trustfabric-{args.deployment}-{args.cell}-{args.region}-cw-exporter"


def read_policy() -> str:
    """Read CloudWatch metrics: nothing else (no logs, no alarms, no writes)."""
    return policy_document([{"Sid": "ReadMetrics", "Effect": "Allow", "Action": list(READ_ACTIONS), "Resource": "*"}])


def chart_values(args: MetricsExporterArgs) -> dict[str, Any]:
    """Values of the pinned chart: our configuration, hardened pods, no API token, no ingress, a ServiceMonitor."""
    return {
        "image": {"repository": IMAGE_REPOSITORY, "tag": IMAGE_TAG, "pullPolicy": "IfNotPresent"},
        "config": yaml.safe_dump(exporter_config(args.region, args.endpoints), sort_keys=False),
        "serviceAccount": {"create": True, "name": args.service_account, "automountServiceAccountToken": False},
        "rbac": {"create": False},
        "aws": {"role": None, "secret": {"name": None}},
        "ingress": {"enabled": False},
        "pod": {"labels": dict(args.labels)},
        "deployment": {"labels": dict(args.labels)},
        "securityContext": HARDENED_POD,
        "containerSecurityContext": HARDENED_CONTAINER,
        "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}},
        "serviceMonitor": {
            "enabled": True,
            "interval": SCRAPE_INTERVAL,
            "timeout": "60s",
            "labels": {"release": PROMETHEUS_RELEASE, **args.labels},
        },
    }


class MetricsExporter(pulumi.ComponentResource):
    """The CloudWatch exporter of a cell's ModelOps metrics and its read-only identity."""

    role_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: MetricsExporterArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        kubernetes: k8s.Provider,
    ) -> None:
        validate_args(args)
        super().__init__("trustfabric:modelops:MetricsExporter", name, None, opts)
        description = f"CloudWatch exporter of {args.cell} ({args.region}): reads the ModelOps metrics"
        identity = pod_identity_role(name, args, role_name=role_name(args), description=description, parent=self)
        role, association = identity.role, identity.association
        aws.iam.RolePolicy(
            f"{name}-read-metrics", role=role.name, policy=read_policy(), opts=pulumi.ResourceOptions(parent=self)
        )
        chart_release(
            f"{name}-chart",
            ChartArgs(chart=CHART, version=CHART_VERSION, repository=PROMETHEUS_COMMUNITY, namespace=args.namespace),
            chart_values(args),
            pulumi.ResourceOptions(parent=self, provider=kubernetes, depends_on=[association]),
        )
        self.role_arn = role.arn
        self.register_outputs({"role_arn": self.role_arn})
