"""aws-rds-cluster-storage-encrypted: clusters and global clusters."""

import pytest

from policies.aws.rds.cluster_storage_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.rds.GlobalCluster("global", global_cluster_identifier="ledger", engine="aurora-postgresql", storage_encrypted=True)
aws.rds.Cluster("ledger", engine="aurora-postgresql", master_username="app", master_password="not-a-real-one",
                storage_encrypted=True, kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.rds.Cluster("catalog", engine="aurora-postgresql", master_username="app", master_password="not-a-real-one",
                storage_encrypted=True, tags={"data-classification": "internal"})
aws.rds.GlobalCluster("from-source", global_cluster_identifier="copy", source_db_cluster_identifier="arn:aws:rds:eu-west-2:123456789012:cluster:ledger", force_destroy=True)
"""

BROKEN = """
import pulumi_aws as aws
aws.rds.GlobalCluster("global-plain", global_cluster_identifier="plain", engine="aurora-postgresql")
aws.rds.Cluster("plain", engine="aurora-postgresql", master_username="app", master_password="not-a-real-one")
aws.rds.Cluster("no-cmk", engine="aurora-mysql", master_username="app", master_password="not-a-real-one",
                storage_encrypted=True, tags={"data-classification": "confidential"})
"""

EXPECTED = {
    "global-plain": "RDS global cluster \x27global-plain\x27 is not encrypted at rest; set storage_encrypted=True.",
    "plain": "RDS cluster \x27plain\x27 is not encrypted at rest; set storage_encrypted=True and kms_key_id to the cell\x27s data key.",
    "no-cmk": "RDS cluster \x27no-cmk\x27 holds confidential data but is not encrypted with a customer-managed KMS key; "
    "set kms_key_id to the cell\x27s data key.",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_compliant_resources_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_way_to_break_it_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_unknown_values_are_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource("aws:rds/cluster:Cluster", {"storageEncrypted": UNKNOWN}, name="c"))
    assert (
        diagnostic.detail
        == "RDS cluster \x27c\x27: storage_encrypted is not known during preview; set it to True literally."
    )
    graph = resource("aws:rds/globalCluster:GlobalCluster", {"storageEncrypted": UNKNOWN}, name="g")
    [diagnostic] = evaluate(POLICY, graph)
    assert (
        diagnostic.detail
        == "RDS global cluster \x27g\x27: storage_encrypted is not known during preview; set it to True literally."
    )


def test_a_global_cluster_from_an_unknown_source_inherits_its_encryption():
    graph = resource("aws:rds/globalCluster:GlobalCluster", {"sourceDbClusterIdentifier": UNKNOWN}, name="g")
    assert evaluate(POLICY, graph) == []
