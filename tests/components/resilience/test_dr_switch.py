"""DR by stack switch: the dr stack with role active, compared with role standby (what reviewers read).

The active graph comes from a temporary program dir whose Pulumi.yaml runs the repository's stacks/ and whose
Pulumi.dr.yaml sets `trust-fabric:role: active` (tests/components/resilience/conftest.py).
"""

from __future__ import annotations

from tests.components.helpers import CELLS, only
from trustfabric.diff import diff_graphs

INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
CLUSTER = "aws:rds/cluster:Cluster"
RECORD = "aws:route53/record:Record"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"


def test_active_adds_instances_and_never_removes_or_replaces_anything(dr, dr_active):
    changes = diff_graphs(dr, dr_active)
    assert changes.removed == []
    added = sorted((r.type, r.name) for r in changes.added)
    # dr is small (1 instance); active scales each cell to prod's size (large: 3 instances).
    assert added == sorted((INSTANCE, f"{cell}-ledger-instance-{n}") for cell in CELLS for n in (2, 3))


def test_active_makes_dr_the_writer_at_the_primary_size(dr, dr_active):
    for cell in CELLS:
        standby = only(dr, CLUSTER, f"{cell}-ledger-cluster").props
        active = only(dr_active, CLUSTER, f"{cell}-ledger-cluster").props
        assert standby["tags"]["ledger-role"] == "reader"
        assert active["tags"]["ledger-role"] == "writer"
        assert (standby["backupRetentionPeriod"], active["backupRetentionPeriod"]) == (7, 35)
        # Membership stays: the promoted cluster keeps its global identifier (and ignores its changes).
        assert (
            active["globalClusterIdentifier"] == standby["globalClusterIdentifier"] == f"trustfabric-prod-{cell}-ledger"
        )
        classes = {i.props["instanceClass"] for i in dr_active.of_type(INSTANCE) if i.name.startswith(f"{cell}-")}
        assert classes == {"db.r6g.2xlarge"}


def test_active_flips_the_dr_records_to_primary(dr, dr_active):
    changes = diff_graphs(dr, dr_active)
    for cell in CELLS:
        record = only(dr_active, RECORD, f"{cell}-routing-api-record")
        assert record.props["failoverRoutingPolicies"] == [{"type": "PRIMARY"}]
        assert record.urn in changes.changed
        assert only(dr, RECORD, f"{cell}-routing-api-record").props["failoverRoutingPolicies"] == [
            {"type": "SECONDARY"}
        ]
    changed_types = {urn.split("::")[-2].split("$")[-1] for urn in changes.changed}
    assert changed_types <= {CLUSTER, INSTANCE, RECORD, ENDPOINT_CONFIG, "aws:route53/healthCheck:HealthCheck"}


def test_active_serves_models_at_the_tier_size_standby_at_one_instance(dr, dr_active):
    """Standby dr keeps one live instance per model endpoint; taking over scales the primary variant up."""
    changes = diff_graphs(dr, dr_active)
    changed = [urn for urn in changes.changed if urn.split("::")[-2].split("$")[-1] == ENDPOINT_CONFIG]
    assert changed
    for resource in dr.of_type(ENDPOINT_CONFIG):
        standby = resource.props["productionVariants"][0]["initialInstanceCount"]
        active = only(dr_active, ENDPOINT_CONFIG, resource.name).props["productionVariants"][0]["initialInstanceCount"]
        assert standby == 1 and active >= 1
        assert (active > standby) == (resource.urn in changed)
