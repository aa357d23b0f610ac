"""The observability layer of a cell: the log domain, telemetry on the cell's Kubernetes cluster, and Datadog.

The log domain lives in the cell's network (`NetworkOutputs`) and admits HTTPS from inside that VPC only. Its one
writer is the collector's role, which the collector's pods receive through EKS Pod Identity on the cell's cluster
(`cells[].eksCluster`). Telemetry and Datadog declare what `slogen` generates from `slos/`: the program generates
it once per stack (`slo_documents`) and hands the same documents to every cell. Datadog is one account for the
whole stack, declared with the first cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from components.modelops.metrics_exporter import MetricsExporter, MetricsExporterArgs
from components.modelops.serving import endpoint_name, monitoring_schedule_name
from components.observability.collector_identity import CollectorIdentity, CollectorIdentityArgs
from components.observability.log_domain import LogDomain, LogDomainArgs
from components.observability.sli_metrics import SliPublisher, SliPublisherArgs, collector_sli_config
from components.observability.telemetry import TelemetryArgs, TelemetryStack
from components.observability.vault_secret_sync import VaultSecretSync, VaultSecretSyncArgs
from slogen.alertmanager import ROUTING_KEYS_SECRET, TICKET_BRIDGE_SECRET
from slogen.cloudwatch import RULE_FILE_NAME, counter_rule_file
from slogen.datadog import DATADOG_NOTIFY, DatadogDefinition
from slogen.documents import SloDocuments, generate
from slogen.drift import GROUP as DRIFT_RULE_FILE
from slogen.drift import DriftThresholds, MonitoredEndpoint, drift_rule_file
from slogen.evaluation import EvaluatedFamily, evaluation_dashboard
from slogen.grafana import Dashboard
from slogen.prometheus import RuleFile
from slogen.spec import load_slo_dir
from stacks.context import CellContext
from stacks.network import NetworkOutputs
from stacks.oncall import ROUTING_KEYS_PATH, TICKET_BRIDGE_TOKEN_PATH
from stacks.security import ROUTING_KEYS_SYNC, SecurityOutputs, vault_namespace
from stacks.settings import PRIMARY_STACK, deployment

SLO_DIR = Path(__file__).resolve().parents[1] / "slos"


def slo_documents() -> SloDocuments:
    """Rules, dashboards, Alertmanager and Datadog definitions generated from `slos/`; a bad spec raises
    `SloSpecError`. The program calls this once per stack and passes the result to every cell."""
    return generate(SLO_DIR)


def evaluation_dashboards(ctx: CellContext) -> dict[str, Dashboard]:
    """The cell's evaluation dashboard (`evaluation-<cell>`) when it serves model families, with their thresholds."""
    families = [
        EvaluatedFamily(
            model.name,
            model.evaluation.get("accuracy"),
            model.drift.get("featureDrift"),
            model.drift.get("accuracyDrop"),
            model.features if model.ga else (),
        )
        for model in ctx.settings.models
        if model.serves(ctx.cell.code)
    ]
    if not families:
        return {}
    return {f"evaluation-{ctx.name}": evaluation_dashboard(ctx.name, ctx.cell.code, families)}


def monitored_endpoints(ctx: CellContext) -> list[MonitoredEndpoint]:
    """The cell's GA endpoints (`stacks/modelops.py` serves each GA family it serves) with the features their
    data-quality monitors report drift for."""
    stack, cell = ctx.settings.stack, ctx.name
    return [
        MonitoredEndpoint(
            model.name,
            endpoint_name(stack, cell, model.name),
            monitoring_schedule_name(stack, cell, model.name),
            model.features,
        )
        for model in ctx.settings.models
        if model.ga and model.serves(ctx.cell.code)
    ]


def drift_rule_files(ctx: CellContext) -> dict[str, RuleFile]:
    """The cell's ModelOps rule group (`slogen.drift`) when it serves model families: the exported CloudWatch
    series renamed (with its GA endpoints' per-feature drift), and for its GA families the drift alert and the age
    of open drift alerts."""
    served = [model for model in ctx.settings.models if model.serves(ctx.cell.code)]
    if not served:
        return {}
    families = [
        DriftThresholds(model.name, model.drift["featureDrift"], model.drift["accuracyDrop"])
        for model in served
        if model.ga
    ]
    return {DRIFT_RULE_FILE: drift_rule_file(ctx.cell.code, families, monitored_endpoints(ctx))}


def declare_model_metrics(ctx: CellContext, security: SecurityOutputs, kubernetes: k8s.Provider) -> None:
    """The CloudWatch exporter of the ModelOps metrics, in a cell that serves model families."""
    if not any(model.serves(ctx.cell.code) for model in ctx.settings.models):
        return
    MetricsExporter(
        f"{ctx.name}-model-metrics",
        MetricsExporterArgs(
            deployment=deployment(ctx.settings),
            cell=ctx.name,
            region=ctx.cell.region,
            cluster_name=ctx.cell.eks_cluster,
            permissions_boundary_arn=security.permission_boundary_arn,
            endpoints=tuple(monitored_endpoints(ctx)),
            labels={
                "jurisdiction": ctx.cell.code,
                "data-classification": ctx.cell.data_classification,
                "owner": ctx.settings.owner,
            },
        ),
        opts=ctx.opts,
        kubernetes=kubernetes,
    )


def kubernetes_provider(ctx: CellContext) -> k8s.Provider:
    """The cell's cluster, by kubeconfig context (credentials come from the deployer's kubeconfig)."""
    return k8s.Provider(
        f"{ctx.name}-kubernetes",
        context=ctx.cell.kube_context,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )


PAGERDUTY_API_TOKEN = "pagerdutyApiToken"
"""The secret config key (`trust-fabric:`) of the PagerDuty REST API token Datadog's integration reads schedules with."""
DATADOG_PAGERDUTY_KEYS = {"sev1": "sev1", "sev2": "business-hours"}
"""Severity of a Datadog monitor -> the routing key (`OnCallServices.routing_keys`) its `@pagerduty-...` handle uses."""


def declare_datadog(
    ctx: CellContext,
    definitions: Mapping[str, DatadogDefinition],
    routing_keys: Mapping[str, pulumi.Input[str]] | None = None,
) -> dict[str, pulumi.Resource]:
    """Datadog is one SaaS account for the whole stack: declared once, with its own provider.

    With `routing_keys` (prod only: the integration is account-wide, and the monitors' handles are prod's; dr and
    dev declare only their health probes' own handle, `stacks.oncall.declare_probe_handles`), the
    account's PagerDuty integration (the subdomain `oncall.pagerdutySubdomain`; the REST API token, when set, the
    secret `trust-fabric:pagerdutyApiToken`) and the service objects the monitors' `@pagerduty-<service>` handles
    name, keyed from the declared integrations and created after the integration, instead of typing anything into
    the tile (runbooks/pagerduty-routing-keys.md). Returns the service objects by their `@pagerduty-...` handle
    (none without `routing_keys`), for what pages through them to depend on (the on-call layer's health probes)."""
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
    if routing_keys is None:
        return {}
    subdomain = ctx.settings.oncall.pagerduty_subdomain
    integration = (
        None
        if subdomain is None
        else datadog.pagerduty.Integration(
            "datadog-pagerduty",
            subdomain=subdomain,
            api_token=pulumi.Config().get_secret(PAGERDUTY_API_TOKEN),
            opts=pulumi.ResourceOptions(parent=ctx.parent, provider=provider),
        )
    )
    handles: dict[str, pulumi.Resource] = {}
    for severity, key in DATADOG_PAGERDUTY_KEYS.items():
        handles[DATADOG_NOTIFY[severity]] = datadog.pagerduty.ServiceObject(
            f"datadog-pagerduty-{key}",
            service_name=DATADOG_NOTIFY[severity].removeprefix("@pagerduty-"),
            service_key=pulumi.Output.secret(routing_keys[key]),
            opts=pulumi.ResourceOptions(
                parent=ctx.parent, provider=provider, depends_on=[integration] if integration is not None else []
            ),
        )
    return handles


@dataclass(frozen=True)
class ObservabilityOutputs:
    """What the observability layer of a cell gives the layers declared after it."""

    kubernetes: k8s.Provider
    """The cell's Kubernetes provider, for the other layers' objects on the cluster (the delivery layer's load test)."""
    datadog_handles: Mapping[str, pulumi.Resource]
    """Datadog PagerDuty service objects declared with this cell, by `@pagerduty-...` handle (prod's first cell)."""


def declare(
    ctx: CellContext,
    security: SecurityOutputs,
    network: NetworkOutputs,
    slos: SloDocuments,
    routing_keys: Mapping[str, pulumi.Input[str]] | None = None,
) -> ObservabilityOutputs:
    """`routing_keys`: the stack's PagerDuty routing keys (`OnCallServices.routing_keys`), for Datadog's service
    objects; declared only by prod (see `declare_datadog`)."""
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
    kubernetes = kubernetes_provider(ctx)
    telemetry = TelemetryStack(
        f"{ctx.name}-telemetry",
        TelemetryArgs(
            jurisdiction=ctx.cell.code,
            data_classification=ctx.cell.data_classification,
            owner=ctx.settings.owner,
            opensearch_endpoint=log_domain.endpoint,
            collector_replicas=max(2, ctx.cell.profile["replicas"]),
            alertmanager_config=slos.alertmanager,
            rule_groups={
                **slos.rule_files,
                RULE_FILE_NAME: counter_rule_file(load_slo_dir(SLO_DIR)),
                **drift_rule_files(ctx),
            },
            dashboards={**slos.dashboards, **evaluation_dashboards(ctx)},
            sli_metrics=collector_sli_config(
                cell=ctx.name, region=ctx.cell.region, log_group_name=publisher.log_group_name
            ),
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=kubernetes),
    )
    declare_model_metrics(ctx, security, kubernetes)
    # Alertmanager's PagerDuty routing keys and ticket bridge token: written into Vault by the on-call layer, synced
    # into the Secrets it mounts.
    VaultSecretSync(
        f"{ctx.name}-pagerduty-routing-keys",
        VaultSecretSyncArgs(
            jurisdiction=ctx.cell.code,
            data_classification=ctx.cell.data_classification,
            owner=ctx.settings.owner,
            vault_address=ctx.settings.vault.address,
            vault_namespace=vault_namespace(ctx.settings, ctx.name),
            role=ROUTING_KEYS_SYNC.name,
            service_account=ROUTING_KEYS_SYNC.service_account,
            namespace=ROUTING_KEYS_SYNC.namespace,
            path=ROUTING_KEYS_PATH,
            secret_name=ROUTING_KEYS_SECRET,
            additional_secrets={TICKET_BRIDGE_TOKEN_PATH: TICKET_BRIDGE_SECRET},
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=kubernetes, depends_on=[telemetry]),
    )
    handles: dict[str, pulumi.Resource] = {}
    if ctx.cell is ctx.settings.cells[0]:
        handles = declare_datadog(ctx, slos.datadog, routing_keys if ctx.settings.stack == PRIMARY_STACK else None)
    return ObservabilityOutputs(kubernetes=kubernetes, datadog_handles=handles)
