"""aws-s3-bucket-policy-secure-transport: a Deny of s3:* to everyone over plain HTTP, on the bucket and objects."""

import json

import pytest

from policies.aws.s3.bucket_policy_secure_transport import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

HEADER = """
import json
import pulumi_aws as aws

def deny_http(name, resources=None, effect="Deny", principal="*", actions="s3:*", condition=None, extra=None):
    bucket = aws.s3.Bucket(f"{name}-bucket", bucket=f"{name}-bucket")
    statement = {
        "Effect": effect, "Principal": principal, "Action": actions,
        "Resource": resources or [f"arn:aws:s3:::{name}-bucket", f"arn:aws:s3:::{name}-bucket/*"],
        "Condition": condition or {"Bool": {"aws:SecureTransport": "false"}},
    }
    policy = {"Version": "2012-10-17", "Statement": [statement] + (extra or [])}
    aws.s3.BucketPolicy(name, bucket=bucket.bucket, policy=json.dumps(policy))
"""

COMPLIANT = (
    HEADER
    + """
deny_http("literal")
deny_http("aws-principal", principal={"AWS": ["*"]}, actions=["*"], condition={"BoolIfExists": {"aws:SecureTransport": False}})
deny_http("wildcard", resources="arn:aws:s3:::wildcard-bucket*")
bucket = aws.s3.Bucket("documented")
aws.s3.BucketPolicy("documented", bucket=bucket.id, policy=aws.iam.get_policy_document_output(statements=[{
    "effect": "Deny", "principals": [{"type": "*", "identifiers": ["*"]}], "actions": ["s3:*"],
    "resources": [bucket.arn, bucket.arn.apply(lambda arn: f"{arn}/*")],
    "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
}]).json)
"""
)

BROKEN = (
    HEADER
    + """
deny_http("allow-only", effect="Allow")
deny_http("some-principals", principal={"AWS": "arn:aws:iam::123456789012:root"})
deny_http("some-actions", actions=["s3:GetObject"])
deny_http("tls-version-only", condition={"NumericLessThan": {"s3:TlsVersion": "1.2"}})
deny_http("bucket-only", resources=["arn:aws:s3:::bucket-only-bucket"])
deny_http("other-bucket", resources=["arn:aws:s3:::elsewhere", "arn:aws:s3:::elsewhere/*"])
"""
)

FIX = (
    "; add a Deny of s3:* for Principal '*' on the bucket ARN and bucket ARN/* with Condition Bool "
    "aws:SecureTransport=false."
)
MISSING = "has no Deny statement for all principals and actions on condition aws:SecureTransport=false"
EXPECTED = {
    "allow-only": f"S3 bucket policy 'allow-only' {MISSING}{FIX}",
    "some-principals": f"S3 bucket policy 'some-principals' {MISSING}{FIX}",
    "some-actions": f"S3 bucket policy 'some-actions' {MISSING}{FIX}",
    "tls-version-only": f"S3 bucket policy 'tls-version-only' {MISSING}{FIX}",
    "bucket-only": "S3 bucket policy 'bucket-only' denies insecure transport but not to its objects "
    f"(bucket 'bucket-only-bucket'){FIX}",
    "other-bucket": "S3 bucket policy 'other-bucket' denies insecure transport but not to the bucket and its "
    f"objects (bucket 'other-bucket-bucket'){FIX}",
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
    kind = "aws:s3/bucketPolicy:BucketPolicy"
    [diagnostic] = evaluate(POLICY, resource(kind, {"bucket": "b", "policy": UNKNOWN}, name="p"))
    assert diagnostic.detail == (
        "S3 bucket policy 'p': policy is not known during preview; the denial of insecure transport cannot "
        "be "
        "proven, so declare the bucket name and policy from values known at preview."
    )
    [diagnostic] = evaluate(POLICY, resource(kind, {"bucket": UNKNOWN, "policy": json.dumps({})}, name="p"))
    assert diagnostic.detail.startswith("S3 bucket policy 'p': bucket is not known during preview;")


def test_a_policy_that_is_not_json_is_reported():
    [diagnostic] = evaluate(
        POLICY, resource("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "b", "policy": "{"}, name="p")
    )
    assert diagnostic.detail == (
        "S3 bucket policy 'p': policy is not valid JSON; write it with aws.iam.get_policy_document."
    )
