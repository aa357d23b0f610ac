"""The observability layer of a cell: the log domain, telemetry on the cell's Kubernetes cluster, and Datadog.

The log domain lives in the cell's network (`NetworkOutputs`) and admits HTTPS from inside that VPC only. Its one
writer is the collector's role, which the collector's pods receive through EKS Pod Identity on the cell's cluster
(`cells[].eksCluster`). Telemetry and Datadog declare what `slogen` generates from `slos/`: the program generates
it once per stack (`slo_documents`) and hands the same documents to every cell. Datadog is one account for the
whole stack, declared with the first cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.observability.collector_identity import CollectorIdentity, CollectorIdentityArgs
from components.observability.log_domain import LogDomain, LogDomainArgs
from components.observability.sli_metrics import SliPublisher, SliPublisherArgs, collector_sli_config
from components.observability.telemetry import TelemetryArgs, TelemetryStack
from slogen.cloudwatch import RULE_FILE_NAME, counter_rule_file
from slogen.datadog import DatadogDefinition
from slogen.documents import SloDocuments, generate
from slogen.spec import load_slo_dir
from stacks.context import CellContext
from stacks.network import NetworkOutputs
from stacks.security import SecurityOutputs
from stacks.settings import deployment

SLO_DIR = Path(__file__).resolve().parents[1] / "slos"


def slo_documents() -> SloDocuments:
    """Rules, dashboards, Alertmanager and Datadog definitions generated from `slos/`; a bad spec raises
    `SloSpecError`. The program calls this once per stack and passes the result to every cell."""
    return generate(SLO_DIR)


def kubernetes_provider(ctx: CellContext) -> k8s.Provider:
    """The cell's cluster, by kubeconfig context (credentials come from the deployer's kubeconfig)."""
    return k8s.Provider(
        f"{ctx.name}-kubernetes",
        context=ctx.cell.kube_context,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )


def declare_datadog(ctx: CellContext, definitions: Mapping[str, DatadogDefinition]) -> None:
    """Datadog is one SaaS account for the whole stack: declared once, with its own provider."""
    import pulumi_datadog as datadog

    from components.observability.datadog_slos import DatadogSlos, DatadogSlosArgs

    site = ctx.settings.observability.datadog_site
    provider = datadog.Provider(
        "datadog", api_url=f"https://api.{site}/", opts=pulumi.ResourceOptions(parent=ctx.parent)
    )
    DatadogSlos(
        "datadog-slos",
        DatadogSlosArgs(definitions=definitions, environment=ctx.settings.stack),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=provider),
    )


def declare(ctx: CellContext, security: SecurityOutputs, network: NetworkOutputs, slos: SloDocuments) -> None:
    collector = CollectorIdentity(
        f"{ctx.name}-collector",
        CollectorIdentityArgs(
            deployment=deployment(ctx.settings),
            cell=ctx.name,
            region=ctx.cell.region,
            cluster_name=ctx.cell.eks_cluster,
            permissions_boundary_arn=security.permission_boundary_arn,
        ),
        opts=ctx.opts,
    )
    log_domain = LogDomain(
        f"{ctx.name}-logs",
        LogDomainArgs(
            jurisdiction=ctx.cell.code,
            region=ctx.cell.region,
            kms_key_arn=security.key_arns["logs"],
            instance_count=3 if ctx.cell.size != "large" else 6,
            log_retention_days=ctx.settings.observability.log_retention_days,
            vpc_id=network.vpc_id,
            subnet_ids=network.subnet_ids,
            vpc_cidr=network.vpc_cidr,
            writer_role_arns=[collector.role_arn],
            admin_role_arn=security.deploy_role_arn,
        ),
        opts=ctx.opts,
    )
    collector.allow_writes(log_domain.arn)
    publisher = SliPublisher(
        f"{ctx.name}-sli-metrics",
        SliPublisherArgs(
            deployment=deployment(ctx.settings),
            cell=ctx.name,
            region=ctx.cell.region,
            role_name=collector.role_name,
            logs_kms_key_arn=security.key_arns["logs"],
            log_retention_days=ctx.settings.observability.log_retention_days,
        ),
        opts=ctx.opts,
    )
    pulumi.export(
        f"{ctx.name}_log_domain",
        {"endpoint": log_domain.endpoint, "region": ctx.cell.region, "bootstrap_requests": log_domain.bootstrap},
    )
    TelemetryStack(
        f"{ctx.name}-telemetry",
        TelemetryArgs(
            jurisdiction=ctx.cell.code,
            data_classification=ctx.cell.data_classification,
            owner=ctx.settings.owner,
            opensearch_endpoint=log_domain.endpoint,
            collector_replicas=max(2, ctx.cell.profile["replicas"]),
            alertmanager_config=slos.alertmanager,
            rule_groups={**slos.rule_files, RULE_FILE_NAME: counter_rule_file(load_slo_dir(SLO_DIR))},
            dashboards=slos.dashboards,
            sli_metrics=collector_sli_config(
                cell=ctx.name, region=ctx.cell.region, log_group_name=publisher.log_group_name
            ),
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=kubernetes_provider(ctx)),
    )
    if ctx.cell is ctx.settings.cells[0]:
        declare_datadog(ctx, slos.datadog)
