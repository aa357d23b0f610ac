"""aws-kinesis-stream-encrypted: KMS encryption, with a customer key for confidential data."""

import pytest

from policies.aws.kinesis.stream_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.kinesis.Stream("restricted", shard_count=1, encryption_type="KMS", kms_key_id=key.arn,
                   tags={"data-classification": "restricted"})
aws.kinesis.Stream("public", shard_count=1, encryption_type="KMS", kms_key_id="alias/aws/kinesis",
                   tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.kinesis.Stream("plain", shard_count=1, tags={"data-classification": "restricted"})
aws.kinesis.Stream("public-plain", shard_count=1, encryption_type="NONE", tags={"data-classification": "public"})
aws.kinesis.Stream("aws-managed", shard_count=1, encryption_type="KMS", kms_key_id="alias/aws/kinesis")
"""

EXPECTED = {
    "plain": "Kinesis stream 'plain' is not encrypted at rest; "
    "set encryption_type='KMS' and kms_key_id to the cell's data key.",
    "public-plain": "Kinesis stream 'public-plain' is not encrypted at rest; set encryption_type='KMS' and kms_key_id.",
    "aws-managed": "Kinesis stream 'aws-managed' holds unclassified data (treated as confidential) but uses the "
    "AWS-managed key 'alias/aws/kinesis'; set kms_key_id to the cell's data key (a customer-managed KMS "
    "key).",
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
    [diagnostic] = evaluate(POLICY, resource("aws:kinesis/stream:Stream", {"encryptionType": UNKNOWN}, name="s"))
    assert diagnostic.detail == (
        "Kinesis stream 's': encryption_type is not known during preview; set it to 'KMS' literally."
    )
    graph = resource("aws:kinesis/stream:Stream", {"encryptionType": "KMS", "kmsKeyId": UNKNOWN}, name="s")
    [diagnostic] = evaluate(POLICY, graph)
    assert "kms_key_id is not known during preview" in diagnostic.detail
