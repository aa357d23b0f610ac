"""The stack program: validate settings, then per cell build its providers and compose the components.

Components never build providers: this module builds one explicit `aws.Provider` per (cell, region) with the
tag contract as default tags (`jurisdiction`, `data-classification`, `owner`, `stack`, `cell`) and passes it
down through `opts`. Each domain module (`stacks/security.py`, `stacks/network.py`, ...) declares its
components for the cell, in order, through a `CellContext`; what a later domain needs from an earlier one is the
earlier one's typed output, passed explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from slogen.documents import SloDocuments
from stacks import (
    delivery,
    governance,
    identity,
    modelops,
    network,
    observability,
    oncall,
    quality,
    resilience,
    secrets,
    security,
)
from stacks.cell import Cell
from stacks.context import CellContext, cell_tags
from stacks.settings import CellSettings, SettingsError, StackSettings, load_settings
from stacks.settings_delivery import LoadTestSettings
from stacks.store_alarms import dataset_store_alarms


def cell_provider(settings: StackSettings, cell: CellSettings, region: str, parent: pulumi.Resource) -> aws.Provider:
    return aws.Provider(
        f"{cell.name}-{region}",
        region=region,
        default_tags=aws.ProviderDefaultTagsArgs(tags=cell_tags(settings, cell)),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def declare_cell(
    settings: StackSettings,
    cell: CellSettings,
    slos: SloDocuments,
    delivery_plan: delivery.DeliveryPlan,
    services: oncall.OnCallServices,
    load_test: LoadTestSettings | None = None,
    datadog_handles: Mapping[str, pulumi.Resource] | None = None,
) -> Mapping[str, pulumi.Resource]:
    """Declare one cell, domain by domain: security, identity, network, secrets (rotation functions), data
    governance (tenants, erasure ledger), modelops, quality (golden dataset store), resilience, discovery (Macie, over
    the records and tenant buckets), observability, delivery, on-call. `datadog_handles`: the stack's Datadog
    PagerDuty service objects declared so far, by handle; returns them with the cell's own added."""
    group = Cell(cell.name, cell.code, cell.region)
    ctx = CellContext(settings, cell, group, cell_provider(settings, cell, cell.region, group))
    security_outputs = security.declare(ctx, services.cloudwatch_endpoints)
    identity_outputs = identity.declare(ctx, security_outputs)
    network_outputs = network.declare(ctx, security_outputs)
    secrets.declare(ctx, security_outputs, network_outputs)
    governance_outputs = governance.declare_data(ctx, security_outputs)
    models = modelops.declare(ctx, security_outputs, network_outputs)
    datasets = quality.declare(ctx, security_outputs)
    resilience_outputs = resilience.declare(
        ctx,
        security_outputs,
        network_outputs,
        [*models.store_arns, *datasets.store_arns],
        [*models.log_bucket_arns, *datasets.log_bucket_arns, *governance_outputs.backup_arns],
        tier0_stores=identity_outputs.tier0_store_arns,
    )
    macie_topic_arn = governance.declare_discovery(
        ctx, security_outputs, resilience_outputs.records_bucket_name, governance_outputs
    )
    observed = observability.declare(ctx, security_outputs, network_outputs, slos, services.routing_keys)
    kubernetes = observed.kubernetes
    handles = {**(datadog_handles or {}), **observed.datadog_handles}
    delivery.declare(ctx, security_outputs, network_outputs, delivery_plan, models.alert_topic_arn, services)
    if load_test is not None:
        delivery.declare_load_test(ctx, security_outputs, kubernetes, load_test)
    store_alarms = (
        *models.replication_alarms,
        *dataset_store_alarms(datasets.store.replication_dimensions if datasets.store is not None else None),
    )
    oncall.declare_cell(
        ctx,
        security_outputs,
        services,
        resilience_outputs,
        models.alert_topic_arn,
        macie_topic_arn,
        store_alarms=store_alarms,
        datadog_handles=handles,
    )
    return handles


def main() -> None:
    try:
        settings = load_settings()
        delivery_plan = delivery.plan(settings)
        load_test = delivery.plan_load_test(settings)
    except SettingsError as error:
        # RunError is shown by the CLI (and the offline engine) as one line, without a traceback.
        raise pulumi.RunError(str(error)) from None
    pulumi.export("role", settings.role)
    pulumi.export("cells", {cell.code: cell.region for cell in settings.cells})
    slos = observability.slo_documents()
    services = oncall.declare_services(settings)
    handles: Mapping[str, pulumi.Resource] = oncall.declare_probe_handles(settings, services)
    for cell in settings.cells:
        handles = declare_cell(settings, cell, slos, delivery_plan, services, load_test, handles)
