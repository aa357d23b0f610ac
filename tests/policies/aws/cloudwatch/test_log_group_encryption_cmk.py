"""aws-cloudwatch-log-group-encryption-cmk: only public and internal data may rely on AWS-managed encryption."""

import pytest

from policies.aws.cloudwatch.log_group_encryption_cmk import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.cloudwatch.LogGroup("restricted", retention_in_days=365, kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.cloudwatch.LogGroup("public", retention_in_days=365, tags={"data-classification": "public"})
aws.cloudwatch.LogGroup("internal", retention_in_days=365, kms_key_id="alias/aws/logs", tags={"data-classification": "internal"})
"""

BROKEN = """
import pulumi_aws as aws
aws.cloudwatch.LogGroup("no-key", retention_in_days=365, tags={"data-classification": "restricted"})
aws.cloudwatch.LogGroup("aws-managed", retention_in_days=365, kms_key_id="arn:aws:kms:eu-west-2:123456789012:alias/aws/logs", tags={"data-classification": "confidential"})
aws.cloudwatch.LogGroup("unclassified", retention_in_days=365,)
"""

EXPECTED = {
    "no-key": "CloudWatch log group 'no-key' holds restricted data but is not encrypted with a customer-managed KMS key; "
    "set kms_key_id to the cell's data key.",
    "aws-managed": "CloudWatch log group 'aws-managed' holds confidential data but uses the AWS-managed key "
    "'arn:aws:kms:eu-west-2:123456789012:alias/aws/logs'; set kms_key_id to the cell's data key (a "
    "customer-managed KMS key).",
    "unclassified": "CloudWatch log group 'unclassified' holds unclassified data (treated as confidential) but is not encrypted "
    "with a customer-managed KMS key; set kms_key_id to the cell's data key.",
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


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource("aws:cloudwatch/logGroup:LogGroup", {"kmsKeyId": UNKNOWN}, name="x"))
    assert diagnostic.detail == (
        "CloudWatch log group 'x' holds unclassified data (treated as confidential) and kms_key_id is not "
        "known during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
