"""aws-s3-bucket-public-access-block: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/network.py.
"""

from policies.stack.s3_bucket_public_access_block import POLICY as BUCKET_BLOCK
from tests.policies.harness import evaluate
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.network import BROKEN, COMPLIANT


def test_compliant_exposure_passes():
    graph = program_graph(COMPLIANT)
    assert evaluate(BUCKET_BLOCK, graph) == [], BUCKET_BLOCK.name


def test_every_way_to_expose():
    graph = program_graph(BROKEN)
    assert _details(evaluate(BUCKET_BLOCK, graph)) == [
        (
            "bare",
            "S3 bucket 'bare' has no public access block; declare an aws.s3.BucketPublicAccessBlock with "
            "bucket=<bucket>.id and all four flags set to True.",
        ),
        (
            "weak",
            "S3 bucket 'weak': its public access block 'weak' does not enable all four flags; set "
            "block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to True.",
        ),
    ]
