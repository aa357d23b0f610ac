"""The ModelOps layer of a cell: stores, registry with its approval gate, pipelines, serving and feedback.

For every cell that serves at least one model family of `trust-fabric:models` (`stacks/settings_models.py`):

==============  ==========================================================================================
component       what
==============  ==========================================================================================
stores          artefact, lineage and explainability stores, locked for the statutory retention; prod
                replicates them to dr's (the paired region), dr's are the replica targets, dev keeps one copy
registry        a model package group per family served, the model-approver role, the approval gate
pipelines       nightly evaluation (schedule, dead-letter queue), retraining, execution role, alert topic
serving         per GA family: endpoint (live and shadow variants), data-quality monitor, drift alarms,
                the drift -> retraining rule
feedback        user corrections, autopilot overrides, compliance feedback queues with dead-letter queues
==============  ==========================================================================================

Declared after the network (the jobs and endpoints run in the cell's private subnets) and before resilience,
which backs the stores up with the records tier (`ModelOpsOutputs`); prod's stores' replication alarms page through
the on-call layer (`stacks/store_alarms.py`). prod and dr declare the same footprint, each
in its own region (docs/adr/0009-modelops-per-cell.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from components.modelops.feedback import FeedbackQueues, FeedbackQueuesArgs
from components.modelops.pipelines import EXECUTION_ROLE, ModelPipelines, ModelPipelinesArgs
from components.modelops.registry import ModelRegistry, ModelRegistryArgs, RegisteredModel
from components.modelops.serving import ModelServing, ModelServingArgs
from components.modelops.stores import ModelStores, ModelStoresArgs
from components.oncall.cell_paging import MetricAlert
from components.resilience.records_bucket import paired_key_arn
from stacks.context import CellContext
from stacks.key_users import data_key_purpose, is_paired
from stacks.network import NetworkOutputs
from stacks.security import SecurityOutputs
from stacks.settings import deployment
from stacks.settings_models import ModelSettings
from stacks.store_alarms import model_store_alarms


@dataclass(frozen=True)
class ModelOpsOutputs:
    """What the ModelOps layer gives the layers after it: the stores the records tier backs up."""

    store_arns: Sequence[pulumi.Output[str]] = field(default_factory=tuple)
    """The stores (tagged `backup-tier: records`)."""
    log_bucket_arns: Sequence[pulumi.Output[str]] = field(default_factory=tuple)
    """Their access-log buckets (backed up with the records tier by ARN)."""
    alert_topic_arn: pulumi.Output[str] | None = None
    """The cell's model alert topic, which the on-call layer subscribes to PagerDuty (none without models)."""
    replication_alarms: Sequence[MetricAlert] = field(default_factory=tuple)
    """The stores' replication alarms (prod), which the on-call layer declares (`stacks/store_alarms.py`)."""


def served_models(ctx: CellContext) -> list[ModelSettings]:
    """The families this cell serves, in settings order."""
    return [model for model in ctx.settings.models if model.serves(ctx.cell.code)]


def declare(ctx: CellContext, security: SecurityOutputs, network: NetworkOutputs) -> ModelOpsOutputs:
    settings, cell = ctx.settings, ctx.cell
    models = served_models(ctx)
    if not models:
        return ModelOpsOutputs()
    data_key = security.key_arns[data_key_purpose(cell.data_classification)]
    paired = is_paired(settings)
    standby = settings.is_standby_footprint
    boundary = security.permission_boundary_arn
    retention = settings.observability.log_retention_days

    stores = ModelStores(
        f"{ctx.name}-model-stores",
        ModelStoresArgs(
            deployment=deployment(settings),
            **ctx.placement,
            kms_key_arn=data_key,
            replicate_to_region=cell.paired_region if paired and not standby else None,
            replica_kms_key_arn=pulumi.Output.from_input(data_key).apply(
                lambda arn: paired_key_arn(arn, cell.paired_region)
            )
            if paired and not standby
            else None,
            replica_source_region=cell.paired_region if standby else None,
            permissions_boundary_arn=boundary,
        ),
        opts=ctx.opts,
    )

    pipelines = ModelPipelines(
        f"{ctx.name}-model-pipelines",
        ModelPipelinesArgs(
            stack=settings.stack,
            **ctx.placement,
            models=[model.name for model in models],
            data_key_arn=data_key,
            logs_key_arn=security.key_arns["logs"],
            artefact_bucket_name=stores.bucket_names["artefact"],
            lineage_bucket_name=stores.bucket_names["lineage"],
            bucket_arns=list(stores.bucket_arns.values()),
            vpc_id=network.vpc_id,
            subnet_ids=network.subnet_ids,
            vpc_cidr=network.vpc_cidr,
            permissions_boundary_arn=boundary,
            log_retention_days=retention,
        ),
        opts=ctx.opts,
    )

    registry = ModelRegistry(
        f"{ctx.name}-model-registry",
        ModelRegistryArgs(
            stack=settings.stack,
            **ctx.placement,
            models=[
                RegisteredModel(model.name, model.owner, model.tier, model.ga, dict(model.evaluation))
                for model in models
            ],
            data_key_arn=data_key,
            logs_key_arn=security.key_arns["logs"],
            lineage_bucket_name=stores.bucket_names["lineage"],
            lineage_bucket_arn=stores.bucket_arns["lineage"],
            cell_roles=("deploy", EXECUTION_ROLE),
            role_dependencies=(pipelines,),
            permissions_boundary_arn=boundary,
            log_retention_days=retention,
        ),
        opts=ctx.opts,
    )

    for model in models:
        if not model.ga:
            continue
        ModelServing(
            f"{ctx.name}-{model.name}",
            ModelServingArgs(
                stack=settings.stack,
                **ctx.placement,
                model=model.name,
                tier=model.tier,
                group_name=registry.group_names[model.name],
                version=model.version,
                candidate_version=model.candidate_version,
                scaled_down=settings.role == "standby",
                feature_drift_threshold=model.drift["featureDrift"],
                accuracy_drop_threshold=model.drift["accuracyDrop"],
                execution_role_arn=pipelines.execution_role_arn,
                data_key_arn=data_key,
                lineage_bucket_name=stores.bucket_names["lineage"],
                subnet_ids=network.subnet_ids,
                security_group_id=pipelines.security_group_id,
                alert_topic_arn=pipelines.alert_topic_arn,
                retraining_arn=pipelines.retraining_arn,
                events_role_arn=pipelines.events_role_arn,
            ),
            opts=ctx.opts,
        )

    FeedbackQueues(
        f"{ctx.name}-feedback",
        FeedbackQueuesArgs(
            stack=settings.stack, **ctx.placement, kms_key_arn=data_key, alert_topic_arn=pipelines.alert_topic_arn
        ),
        opts=ctx.opts,
    )
    return ModelOpsOutputs(
        store_arns=list(stores.bucket_arns.values()),
        log_bucket_arns=stores.log_bucket_arns,
        alert_topic_arn=pipelines.alert_topic_arn,
        replication_alarms=tuple(model_store_alarms(stores.replication_dimensions)),
    )
