"""The quality layer of a cell: its golden dataset store (`components/quality/dataset_store.py`, ADR 0015).

==============  ===========================================  ===========================================
component       prod (role primary)                          dr (role standby / active)
==============  ===========================================  ===========================================
dataset store   replicates to dr's store in the paired       replica target (`replica-of` tag); its own
                region                                       curator and evaluator roles
==============  ===========================================  ===========================================

Other primary-role stacks (dev) declare a single-region store. `trust-fabric:datasets`
(`stacks/settings_datasets.py`) turns the stores off or sets their lock and log retention. Reads the security
layer's data keys and boundary; gives the resilience layer the stores its records tier backs up
(`QualityOutputs`, shaped as the ModelOps layer's outputs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from components.quality.dataset_store import DatasetStore, DatasetStoreArgs
from components.resilience.records_bucket import paired_key_arn
from stacks.context import CellContext
from stacks.key_users import data_key_purpose, is_paired
from stacks.security import SecurityOutputs
from stacks.settings import deployment


@dataclass(frozen=True)
class QualityOutputs:
    """What later layers use of the quality layer."""

    store_arns: Sequence[pulumi.Output[str]] = field(default_factory=tuple)
    """The dataset bucket (tagged `backup-tier: records`)."""
    log_bucket_arns: Sequence[pulumi.Output[str]] = field(default_factory=tuple)
    """Its access-log bucket (backed up with the records tier by ARN)."""
    store: DatasetStore | None = None
    """The cell's dataset store; None when `datasets.enabled` is false."""


def declare(ctx: CellContext, security: SecurityOutputs) -> QualityOutputs:
    settings, cell = ctx.settings, ctx.cell
    datasets = settings.datasets
    if not datasets.enabled:
        return QualityOutputs()
    standby = settings.is_standby_footprint
    replicate = is_paired(settings) and not standby
    data_key = security.key_arns[data_key_purpose(cell.data_classification)]
    replica_key = (
        pulumi.Output.from_input(data_key).apply(lambda arn: paired_key_arn(arn, cell.paired_region))
        if replicate
        else None
    )
    store = DatasetStore(
        f"{ctx.name}-datasets",
        DatasetStoreArgs(
            deployment=deployment(settings),
            stack=settings.stack,
            **ctx.placement,
            kms_key_arn=data_key,
            lock_days=datasets.lock_days,
            replicate_to_region=cell.paired_region if replicate else None,
            replica_kms_key_arn=replica_key,
            replica_source_region=cell.paired_region if standby else None,
            access_log_retention_days=datasets.access_log_retention_days,
            permissions_boundary_arn=security.permission_boundary_arn,
        ),
        opts=ctx.opts,
    )
    return QualityOutputs(store_arns=(store.bucket_arn,), log_bucket_arns=(store.log_bucket_arn,), store=store)
