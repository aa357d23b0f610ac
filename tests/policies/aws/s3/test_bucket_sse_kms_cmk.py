"""aws-s3-bucket-sse-kms-cmk: judged on the encryption configuration resource, scoped by the cell's default tags."""

import pytest

from policies.aws.s3.bucket_sse_kms_cmk import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

HEADER = """
import pulumi
import pulumi_aws as aws
key = aws.kms.Key("data-key")
public = aws.Provider("public", region="eu-west-2", default_tags={"tags": {"data-classification": "public"}})
def sse(name, algorithm, key_id=None, **opts):
    bucket = aws.s3.Bucket(f"{name}-bucket", **opts)
    default = {"sse_algorithm": algorithm, "kms_master_key_id": key_id} if key_id else {"sse_algorithm": algorithm}
    aws.s3.BucketServerSideEncryptionConfiguration(
        name, bucket=bucket.id, rules=[{"apply_server_side_encryption_by_default": default}], **opts)
"""

COMPLIANT = (
    HEADER
    + """
sse("kms", "aws:kms", key.arn)
sse("dsse", "aws:kms:dsse", key.arn)
sse("public-aes", "AES256", opts=pulumi.ResourceOptions(provider=public))
"""
)

BROKEN = (
    HEADER
    + """
sse("aes", "AES256")
sse("aws-managed", "aws:kms")
sse("aws-alias", "aws:kms", "alias/aws/s3")
"""
)

PREFIX = "rules[0].apply_server_side_encryption_by_default"
EXPECTED = {
    "aes": "S3 encryption configuration 'aes' uses AES256 for unclassified data (treated as confidential); "
    f"set {PREFIX}.sse_algorithm='aws:kms' and kms_master_key_id to the cell's data key.",
    "aws-managed": "S3 encryption configuration 'aws-managed' holds unclassified data (treated as confidential) "
    f"but is not encrypted with a customer-managed KMS key; set {PREFIX}.kms_master_key_id to the cell's "
    "data key.",
    "aws-alias": "S3 encryption configuration 'aws-alias' holds unclassified data (treated as confidential) but "
    f"uses the AWS-managed key 'alias/aws/s3'; set {PREFIX}.kms_master_key_id to the cell's data key "
    "(a customer-managed KMS key).",
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
    kind = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    [diagnostic] = evaluate(POLICY, resource(kind, {"bucket": "b", "rules": UNKNOWN}, name="e"))
    assert (
        diagnostic.detail
        == "S3 encryption configuration 'e': rules are not known during preview; declare them literally."
    )
    rules = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": UNKNOWN}}]
    [diagnostic] = evaluate(POLICY, resource(kind, {"bucket": "b", "rules": rules}, name="e"))
    assert diagnostic.detail == (
        f"S3 encryption configuration 'e': {PREFIX}.sse_algorithm is not known during preview; "
        "set it to 'aws:kms' literally."
    )
    rules = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}]
    [diagnostic] = evaluate(POLICY, resource(kind, {"bucket": "b", "rules": rules}, name="e"))
    assert f"{PREFIX}.kms_master_key_id is not known during preview" in diagnostic.detail
