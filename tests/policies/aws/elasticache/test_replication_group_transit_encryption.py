"""aws-elasticache-replication-group-transit-encryption: TLS on, and not in the migration mode "preferred"."""

import pytest

from policies.aws.elasticache.replication_group_transit_encryption import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMMON = 'description="cache", node_type="cache.t4g.micro", at_rest_encryption_enabled=True'

COMPLIANT = f"""
import pulumi_aws as aws
aws.elasticache.ReplicationGroup("tls", {COMMON}, transit_encryption_enabled=True)
aws.elasticache.ReplicationGroup("tls-required", {COMMON}, transit_encryption_enabled=True,
                                 transit_encryption_mode="required")
"""

BROKEN = f"""
import pulumi_aws as aws
aws.elasticache.ReplicationGroup("plain", {COMMON})
aws.elasticache.ReplicationGroup("preferred", {COMMON}, transit_encryption_enabled=True,
                                 transit_encryption_mode="preferred")
"""

EXPECTED = {
    "plain": "ElastiCache replication group 'plain' accepts unencrypted connections; "
    "set transit_encryption_enabled=True.",
    "preferred": "ElastiCache replication group 'preferred' still accepts unencrypted connections "
    "(transit_encryption_mode='preferred'); set transit_encryption_mode='required'.",
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
    kind = "aws:elasticache/replicationGroup:ReplicationGroup"
    [diagnostic] = evaluate(POLICY, resource(kind, {"transitEncryptionEnabled": UNKNOWN}, name="r"))
    assert diagnostic.detail == (
        "ElastiCache replication group 'r': transit_encryption_enabled is not known during preview; "
        "set it to True literally."
    )
    graph = resource(kind, {"transitEncryptionEnabled": True, "transitEncryptionMode": UNKNOWN}, name="r")
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "ElastiCache replication group 'r': transit_encryption_mode is not known during preview; "
        "set it to 'required' literally."
    )
