"""The ModelOps stores' and the golden dataset store's replication (prod -> dr) page the platform service like the
records bucket's: a failed operation, or replication later than RTC's 15 minutes, on the rule each store
replicates with; dr and dev, which do not replicate, declare none."""

from __future__ import annotations

from tests.components.helpers import dependency_names, only
from tests.components.oncall.test_paging_alarms import ALARM, pagerduty_services

REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
PAIRS = {"uk": ("eu-west-2", "eu-west-1"), "eu": ("eu-central-1", "eu-west-1")}
PAIRS |= {"us": ("us-east-1", "us-west-2"), "ca": ("ca-central-1", "ca-west-1")}
ACCOUNT = "123456789012"


def expected(prod, cell: str, store: str, source: str, destination: str, rule: str, config: str) -> None:
    """Both alarms of one store watch its rule's metrics and page the platform service with the runbook."""
    for suffix, metric, threshold, statistic in (
        ("failed", "OperationsFailedReplication", 0, "Sum"),
        ("late", "ReplicationLatency", 900, "Maximum"),
    ):
        alarm = only(prod, ALARM, f"{cell}-paging-{store}-replication-{suffix}")
        props = alarm.props
        assert (props["namespace"], props["metricName"], props["threshold"]) == ("AWS/S3", metric, threshold)
        assert (props["statistic"], props["comparisonOperator"]) == (statistic, "GreaterThanThreshold")
        assert props["dimensions"] == {"SourceBucket": source, "DestinationBucket": destination, "RuleId": rule}
        assert props["alarmDescription"].endswith("Runbook: runbooks/ml-store-replication-failed.md")
        assert props["okActions"] == props["alarmActions"]
        services = pagerduty_services(prod, dependency_names(prod, alarm, "alarmActions"))
        assert services == {"oncall-platform-cloudwatch"}, alarm.name
    # The rule the alarms name is the rule the store replicates with.
    assert [r["id"] for r in only(prod, REPLICATION, config).props["rules"]] == [rule]


def test_each_prod_cell_pages_when_a_model_store_fails_to_replicate(prod):
    for cell, (region, paired) in PAIRS.items():
        for kind in ("artefact", "lineage", "explain"):
            expected(
                prod,
                cell,
                f"model-{kind}",
                f"trustfabric-prod-{cell}-ml-{kind}-{region}-{ACCOUNT}",
                f"trustfabric-prod-{cell}-ml-{kind}-{paired}-{ACCOUNT}",
                f"ml-{kind}-to-{paired}",
                f"{cell}-model-stores-{kind}-replication",
            )


def test_each_prod_cell_pages_when_its_dataset_store_fails_to_replicate(prod):
    for cell, (region, paired) in PAIRS.items():
        expected(
            prod,
            cell,
            "datasets",
            f"trustfabric-prod-{cell}-datasets-{region}-{ACCOUNT}",
            f"trustfabric-prod-{cell}-datasets-{paired}-{ACCOUNT}",
            f"datasets-to-{paired}",
            f"{cell}-datasets-bucket-replication",
        )


def test_dr_and_dev_declare_no_store_replication_alarm(dr, dev):
    for graph in (dr, dev):
        found = [a.name for a in graph.of_type(ALARM) if "model-" in a.name or "datasets-" in a.name]
        assert not [name for name in found if "replication" in name]
