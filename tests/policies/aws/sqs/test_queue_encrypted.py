"""aws-sqs-queue-encrypted: SSE-SQS or any key for public and internal queues, a customer key otherwise."""

import pytest

from policies.aws.sqs.queue_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.sqs.Queue("restricted", kms_master_key_id=key.arn, tags={"data-classification": "restricted"})
aws.sqs.Queue("public-default", tags={"data-classification": "public"})
aws.sqs.Queue("internal-managed", kms_master_key_id="alias/aws/sqs", sqs_managed_sse_enabled=False,
              tags={"data-classification": "internal"})
"""

BROKEN = """
import pulumi_aws as aws
aws.sqs.Queue("sse-sqs-only", sqs_managed_sse_enabled=True, tags={"data-classification": "restricted"})
aws.sqs.Queue("aws-managed", kms_master_key_id="alias/aws/sqs")
aws.sqs.Queue("public-unencrypted", sqs_managed_sse_enabled=False, tags={"data-classification": "public"})
"""

EXPECTED = {
    "sse-sqs-only": "SQS queue 'sse-sqs-only' holds restricted data but is not encrypted with a customer-managed "
    "KMS key; set kms_master_key_id to the cell's data key.",
    "aws-managed": "SQS queue 'aws-managed' holds unclassified data (treated as confidential) but uses the "
    "AWS-managed key 'alias/aws/sqs'; set kms_master_key_id to the cell's data key (a customer-managed KMS "
    "key).",
    "public-unencrypted": "SQS queue 'public-unencrypted' is not encrypted at rest; "
    "set sqs_managed_sse_enabled=True or kms_master_key_id.",
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
    [diagnostic] = evaluate(POLICY, resource("aws:sqs/queue:Queue", {"kmsMasterKeyId": UNKNOWN}, name="q"))
    assert diagnostic.detail == (
        "SQS queue 'q' holds unclassified data (treated as confidential) and kms_master_key_id is not known "
        "during "
        "preview; set it literally to the cell's data key (a customer-managed KMS key)."
    )
    graph = resource(
        "aws:sqs/queue:Queue",
        {"sqsManagedSseEnabled": UNKNOWN, "tags": {"data-classification": "public"}},
        name="q",
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "SQS queue 'q': sqs_managed_sse_enabled is not known during preview; set it to True literally."
    )
