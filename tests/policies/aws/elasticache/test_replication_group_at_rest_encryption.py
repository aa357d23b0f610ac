"""aws-elasticache-replication-group-at-rest-encryption: ElastiCache replication groups encrypted at rest, confidential data with a customer-managed key."""

import pytest

from policies.aws.elasticache.replication_group_at_rest_encryption import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.elasticache.ReplicationGroup("restricted", description="cache", node_type="cache.t4g.micro", at_rest_encryption_enabled=True, kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.elasticache.ReplicationGroup("public", description="cache", node_type="cache.t4g.micro", at_rest_encryption_enabled=True, tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.elasticache.ReplicationGroup("plain", description="cache", node_type="cache.t4g.micro",  tags={"data-classification": "restricted"})
aws.elasticache.ReplicationGroup("public-plain", description="cache", node_type="cache.t4g.micro",  tags={"data-classification": "public"})
aws.elasticache.ReplicationGroup("aws-managed", description="cache", node_type="cache.t4g.micro", at_rest_encryption_enabled=True, kms_key_id="alias/aws/elasticache")
"""

EXPECTED = {
    "plain": "ElastiCache replication group 'plain' is not encrypted at rest; set at_rest_encryption_enabled=True and kms_key_id to the cell's data key.",
    "public-plain": "ElastiCache replication group 'public-plain' is not encrypted at rest; set at_rest_encryption_enabled=True.",
    "aws-managed": "ElastiCache replication group 'aws-managed' holds unclassified data (treated as confidential) but uses the AWS-managed key "
    "'alias/aws/elasticache'; set kms_key_id to the cell's data key (a customer-managed KMS key).",
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


def test_unknown_flag_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY,
        resource(
            "aws:elasticache/replicationGroup:ReplicationGroup",
            {"atRestEncryptionEnabled": UNKNOWN},
            name="x",
        ),
    )
    assert (
        diagnostic.detail
        == "ElastiCache replication group 'x': at_rest_encryption_enabled is not known during preview; set it to True literally."
    )


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY,
        resource(
            "aws:elasticache/replicationGroup:ReplicationGroup",
            {"atRestEncryptionEnabled": True, "kmsKeyId": UNKNOWN},
            name="x",
        ),
    )
    assert diagnostic.detail == (
        "ElastiCache replication group 'x' holds unclassified data (treated as confidential) and kms_key_id "
        "is not known during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
