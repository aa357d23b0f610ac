"""aws-secretsmanager-secret-encryption-cmk: only public and internal data may rely on AWS-managed encryption."""

import pytest

from policies.aws.secretsmanager.secret_encryption_cmk import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.secretsmanager.Secret("restricted", description="db credentials", kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.secretsmanager.Secret("public", description="db credentials", tags={"data-classification": "public"})
aws.secretsmanager.Secret("internal", description="db credentials", kms_key_id="alias/aws/secretsmanager", tags={"data-classification": "internal"})
"""

BROKEN = """
import pulumi_aws as aws
aws.secretsmanager.Secret("no-key", description="db credentials", tags={"data-classification": "restricted"})
aws.secretsmanager.Secret("aws-managed", description="db credentials", kms_key_id="arn:aws:kms:eu-west-2:123456789012:alias/aws/secretsmanager", tags={"data-classification": "confidential"})
aws.secretsmanager.Secret("unclassified", description="db credentials",)
"""

EXPECTED = {
    "no-key": "Secrets Manager secret 'no-key' holds restricted data but is not encrypted with a customer-managed KMS key; "
    "set kms_key_id to the cell's data key.",
    "aws-managed": "Secrets Manager secret 'aws-managed' holds confidential data but uses the AWS-managed key "
    "'arn:aws:kms:eu-west-2:123456789012:alias/aws/secretsmanager'; set kms_key_id to the cell's data key (a "
    "customer-managed KMS key).",
    "unclassified": "Secrets Manager secret 'unclassified' holds unclassified data (treated as confidential) but is not encrypted "
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
    [diagnostic] = evaluate(POLICY, resource("aws:secretsmanager/secret:Secret", {"kmsKeyId": UNKNOWN}, name="x"))
    assert diagnostic.detail == (
        "Secrets Manager secret 'x' holds unclassified data (treated as confidential) and kms_key_id is not "
        "known during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
