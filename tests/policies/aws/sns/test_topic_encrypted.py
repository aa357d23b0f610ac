"""aws-sns-topic-encrypted: any KMS key for public and internal topics, a customer key otherwise."""

import pytest

from policies.aws.sns.topic_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.sns.Topic("restricted", kms_master_key_id=key.arn, tags={"data-classification": "restricted"})
aws.sns.Topic("public", kms_master_key_id="alias/aws/sns", tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.sns.Topic("no-key", tags={"data-classification": "restricted"})
aws.sns.Topic("aws-managed", kms_master_key_id="alias/aws/sns", tags={"data-classification": "confidential"})
aws.sns.Topic("public-unencrypted", tags={"data-classification": "public"})
"""

EXPECTED = {
    "no-key": "SNS topic 'no-key' holds restricted data but is not encrypted with a customer-managed KMS key; "
    "set kms_master_key_id to the cell's data key.",
    "aws-managed": "SNS topic 'aws-managed' holds confidential data but uses the AWS-managed key 'alias/aws/sns'; "
    "set kms_master_key_id to the cell's data key (a customer-managed KMS key).",
    "public-unencrypted": "SNS topic 'public-unencrypted' is not encrypted at rest; set kms_master_key_id "
    "(the cell's data key, or alias/aws/sns for public and internal data).",
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
    graph = resource(
        "aws:sns/topic:Topic",
        {"kmsMasterKeyId": UNKNOWN, "tags": {"data-classification": "internal"}},
        name="t",
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "SNS topic 't': kms_master_key_id is not known during preview; set it to a KMS key literally."
    )
