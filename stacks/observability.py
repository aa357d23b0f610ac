"""The observability layer of a cell: the log domain, and telemetry on the cell's Kubernetes cluster."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from components.observability.log_domain import LogDomain, LogDomainArgs
from components.observability.telemetry import TelemetryArgs, TelemetryStack
from stacks.context import CellContext


def kubernetes_provider(ctx: CellContext) -> k8s.Provider:
    """The cell's cluster, by kubeconfig context (credentials come from the deployer's kubeconfig)."""
    return k8s.Provider(
        f"{ctx.name}-kubernetes",
        context=ctx.cell.kube_context,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )


def declare(ctx: CellContext) -> None:
    key_arns = ctx.shared["key_arns"]
    log_domain = LogDomain(
        f"{ctx.name}-logs",
        LogDomainArgs(
            jurisdiction=ctx.cell.code,
            region=ctx.cell.region,
            kms_key_arn=key_arns["logs"],
            instance_count=3 if ctx.cell.size != "large" else 6,
            log_retention_days=ctx.settings.observability.log_retention_days,
        ),
        opts=ctx.opts,
    )
    TelemetryStack(
        f"{ctx.name}-telemetry",
        TelemetryArgs(
            jurisdiction=ctx.cell.code,
            data_classification=ctx.cell.data_classification,
            owner=ctx.settings.owner,
            opensearch_endpoint=log_domain.endpoint,
            collector_replicas=max(2, ctx.cell.profile["replicas"]),
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=kubernetes_provider(ctx)),
    )
    ctx.shared["log_domain_endpoint"] = log_domain.endpoint
