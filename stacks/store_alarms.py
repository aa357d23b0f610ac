"""Replication alarms of the ModelOps stores and the golden dataset store, paged like the records bucket's.

prod replicates each store to the same store in the paired region with S3 replication time control and its
metrics (`components/modelops/stores.py`, `components/quality/dataset_store.py`). Like the records bucket's
(`stacks/oncall.py`), each replication rule gets two alarms on its `AWS/S3` metrics, which the cell's on-call
layer declares with the platform service as their action (`components/oncall/cell_paging.py`):

=====================================  =================================================  ==========================
alert                                  when                                               runbook
=====================================  =================================================  ==========================
model-<kind>-replication-failed        any failed replication operation in a minute       ml-store-replication-failed
model-<kind>-replication-late          replication later than 15 minutes for 5 minutes   ml-store-replication-failed
datasets-replication-failed / -late    the same, for the golden dataset store             ml-store-replication-failed
=====================================  =================================================  ==========================

`<kind>` is `artefact`, `lineage` or `explain`. dr (the replica targets) and dev (one copy) declare none.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components.oncall.cell_paging import MetricAlert

RUNBOOK = "runbooks/ml-store-replication-failed.md"
REPLICATION_LATE_SECONDS = 900.0
"""The 15 minutes S3 replication time control promises (as for the records bucket)."""
DOMAIN = "platform"


def replication_alarms(
    store: str, what: str, dimensions: Mapping[str, pulumi.Input[str]], runbook: str = RUNBOOK
) -> list[MetricAlert]:
    """A store's replication to the paired region: any failed operation, or objects later than RTC's 15 minutes.
    `store` names the alarms (`<store>-replication-failed`), `what` is the store in words for the description;
    the records bucket's name their own runbook."""
    return [
        MetricAlert(
            name=f"{store}-replication-failed",
            domain=DOMAIN,
            runbook=runbook,
            description=f"Objects of the {what} failed to replicate to the paired region",
            namespace="AWS/S3",
            metric_name="OperationsFailedReplication",
            dimensions=dimensions,
            threshold=0.0,
            statistic="Sum",
            evaluation_periods=1,
        ),
        MetricAlert(
            name=f"{store}-replication-late",
            domain=DOMAIN,
            runbook=runbook,
            description=f"The {what}'s replication to the paired region is later than 15 minutes",
            namespace="AWS/S3",
            metric_name="ReplicationLatency",
            dimensions=dimensions,
            threshold=REPLICATION_LATE_SECONDS,
        ),
    ]


STORE_WORDS = {
    "artefact": "model artefact store",
    "lineage": "training-data lineage store",
    "explain": "explainability store",
}


def model_store_alarms(dimensions: Mapping[str, Mapping[str, pulumi.Input[str]]]) -> list[MetricAlert]:
    """The ModelOps stores' alarms, by store kind (`ModelStores.replication_dimensions`)."""
    return [
        alarm
        for kind, rule in dimensions.items()
        for alarm in replication_alarms(f"model-{kind}", STORE_WORDS[kind], rule)
    ]


def dataset_store_alarms(dimensions: Mapping[str, pulumi.Input[str]] | None) -> list[MetricAlert]:
    """The golden dataset store's alarms (`DatasetStore.replication_dimensions`), none when it does not replicate."""
    return [] if dimensions is None else replication_alarms("datasets", "golden dataset store", dimensions)
