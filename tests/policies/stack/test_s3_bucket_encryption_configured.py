"""aws-s3-bucket-encryption-configured: a stack policy matching configurations to buckets."""

from policies.stack.s3_bucket_encryption_configured import POLICY
from tests.policies.harness import evaluate, run_snippet

CONFIG = 'rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": "k"}}]'

PROGRAM = f"""
import pulumi
import pulumi_aws as aws
public = aws.Provider("public", region="eu-west-2", default_tags={{"tags": {{"data-classification": "public"}}}})

by_reference = aws.s3.Bucket("by-reference", tags={{"data-classification": "restricted"}})
aws.s3.BucketServerSideEncryptionConfiguration("by-reference", bucket=by_reference.id, {CONFIG})
aws.s3.Bucket("by-name", bucket="ledger-uk")
aws.s3.BucketServerSideEncryptionConfiguration("by-name", bucket="ledger-uk", {CONFIG})
aws.s3.Bucket("public-site", opts=pulumi.ResourceOptions(provider=public))  # SSE-S3 by default is enough
aws.s3.BucketV2("legacy-v2", bucket="legacy-v2")
aws.s3.BucketServerSideEncryptionConfigurationV2("legacy-v2", bucket="legacy-v2", {CONFIG})
"""

MISSING = (
    " but no server-side encryption configuration targets it; declare an "
    "aws.s3.BucketServerSideEncryptionConfiguration with bucket=<bucket>.id, sse_algorithm='aws:kms' and the "
    "cell's data key."
)


def test_buckets_with_configurations_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, PROGRAM)) == []


def test_buckets_without_a_configuration_are_reported(tmp_path):
    graph = run_snippet(
        tmp_path,
        PROGRAM
        + """
aws.s3.Bucket("forgotten", tags={"data-classification": "confidential"})
aws.s3.Bucket("unclassified")
other = aws.s3.Bucket("other")
aws.s3.BucketServerSideEncryptionConfiguration("for-other", bucket=other.id, rules=[
    {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
aws.s3.Bucket("wrong-name", bucket="wrong-name")
aws.s3.BucketServerSideEncryptionConfiguration("not-wrong-name", bucket="right-name", rules=[
    {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
""",
    )
    found = {d.urn.rsplit("::", 1)[1]: d for d in evaluate(POLICY, graph)}
    assert {name: d.detail for name, d in found.items()} == {
        "forgotten": f"S3 bucket 'forgotten' holds confidential data{MISSING}",
        "unclassified": f"S3 bucket 'unclassified' holds unclassified data (treated as confidential){MISSING}",
        "wrong-name": f"S3 bucket 'wrong-name' holds unclassified data (treated as confidential){MISSING}",
    }
    assert found["forgotten"].urn.endswith("aws:s3/bucket:Bucket::forgotten")
    assert {d.enforcement for d in found.values()} == {"mandatory"}


def test_a_configuration_whose_bucket_is_unknown_proves_nothing():
    from tests.policies.harness import UNKNOWN, graph_of, resource

    kind = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    graph = graph_of(
        resource("aws:s3/bucket:Bucket", {"bucket": "ledger"}, name="ledger"),
        resource(kind, {"bucket": UNKNOWN, "rules": []}, name="enc"),
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == f"S3 bucket 'ledger' holds unclassified data (treated as confidential){MISSING}"
