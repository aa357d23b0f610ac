"""aws-s3-bucket-secure-transport-policy-attached: every bucket, whatever its classification, has a policy."""

from policies.stack.s3_bucket_secure_transport_policy_attached import POLICY
from tests.policies.harness import evaluate, run_snippet

PROGRAM = """
import pulumi_aws as aws
by_reference = aws.s3.Bucket("by-reference", tags={"data-classification": "public"})
aws.s3.BucketPolicy("by-reference", bucket=by_reference.id, policy="{}")
aws.s3.Bucket("by-name", bucket="ledger-uk")
aws.s3.BucketPolicy("by-name", bucket="ledger-uk", policy="{}")
"""


def test_buckets_with_policies_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, PROGRAM)) == []


def test_buckets_without_a_policy_are_reported(tmp_path):
    graph = run_snippet(
        tmp_path,
        PROGRAM
        + """
aws.s3.Bucket("public-site", tags={"data-classification": "public"})
aws.s3.BucketV2("legacy", bucket="legacy", policy="{}")  # the deprecated inline policy does not count
""",
    )
    found = {d.urn.rsplit("::", 1)[1]: d for d in evaluate(POLICY, graph)}
    fix = (
        " has no bucket policy, so it accepts requests without TLS; declare an aws.s3.BucketPolicy denying "
        "s3:* "
        "on condition aws:SecureTransport=false."
    )
    assert {name: d.detail for name, d in found.items()} == {
        "public-site": f"S3 bucket 'public-site'{fix}",
        "legacy": f"S3 bucket 'legacy'{fix}",
    }
    assert {d.enforcement for d in found.values()} == {"mandatory"}


def test_a_policy_whose_bucket_is_unknown_proves_nothing():
    from tests.policies.harness import UNKNOWN, graph_of, resource

    graph = graph_of(
        resource("aws:s3/bucket:Bucket", {"bucket": "ledger"}, name="ledger"),
        resource("aws:s3/bucketPolicy:BucketPolicy", {"bucket": UNKNOWN, "policy": "{}"}, name="p"),
    )
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.urn.endswith("::ledger")
