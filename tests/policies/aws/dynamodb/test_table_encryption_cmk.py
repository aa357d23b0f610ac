"""aws-dynamodb-table-encryption-cmk: tables and their replicas, confidential data with a customer-managed key."""

import pytest

from policies.aws.dynamodb.table_encryption_cmk import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

TABLE = 'attributes=[{"name": "id", "type": "S"}], hash_key="id", billing_mode="PAY_PER_REQUEST"'

COMPLIANT = f"""
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.dynamodb.Table("ledger", {TABLE}, tags={{"data-classification": "restricted"}},
    server_side_encryption={{"enabled": True, "kms_key_arn": key.arn}},
    replicas=[{{"region_name": "eu-west-1", "kms_key_arn": "arn:aws:kms:eu-west-1:123456789012:key/replica"}}])
aws.dynamodb.Table("catalog", {TABLE}, tags={{"data-classification": "public"}})
"""

BROKEN = f"""
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.dynamodb.Table("aws-owned", {TABLE}, tags={{"data-classification": "restricted"}})
aws.dynamodb.Table("aws-managed", {TABLE}, server_side_encryption={{"enabled": True}})
aws.dynamodb.Table("replica-without-key", {TABLE}, tags={{"data-classification": "confidential"}},
    server_side_encryption={{"enabled": True, "kms_key_arn": key.arn}}, replicas=[{{"region_name": "eu-west-1"}}])
"""

EXPECTED = {
    "aws-owned": "DynamoDB table 'aws-owned' holds restricted data but is encrypted with an AWS-owned key; set "
    "server_side_encryption.enabled=True and server_side_encryption.kms_key_arn to the cell's data key.",
    "aws-managed": "DynamoDB table 'aws-managed' holds unclassified data (treated as confidential) but is not "
    "encrypted with a customer-managed KMS key; set server_side_encryption.kms_key_arn to the cell's data "
    "key.",
    "replica-without-key": "DynamoDB table 'replica-without-key' replica 0 (eu-west-1) holds confidential data "
    "but is not encrypted with a customer-managed KMS key; set replicas[0].kms_key_arn to the replica "
    "region's "
    "data key.",
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
    graph = resource("aws:dynamodb/table:Table", {"serverSideEncryption": {"enabled": UNKNOWN}}, name="t")
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "DynamoDB table 't': server_side_encryption.enabled is not known during preview; set it to True literally."
    )
    graph = resource(
        "aws:dynamodb/table:Table",
        {
            "serverSideEncryption": {"enabled": True, "kmsKeyArn": "arn:aws:kms:eu-west-2:1:key/k"},
            "replicas": UNKNOWN,
        },
        name="t",
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "DynamoDB table 't': replicas are not known during preview; declare them literally, "
        "each with kms_key_arn set to the data key in its region."
    )
