"""aws-s3-public-access-block-all-enabled: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/network.py.
"""

from policies.aws.s3.public_access_block_all_enabled import POLICY as BLOCK_FLAGS
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.network import BROKEN, COMPLIANT


def test_compliant_exposure_passes():
    graph = program_graph(COMPLIANT)
    assert evaluate(BLOCK_FLAGS, graph) == [], BLOCK_FLAGS.name


def test_every_way_to_expose():
    graph = program_graph(BROKEN)
    assert _details(evaluate(BLOCK_FLAGS, graph)) == [
        (
            "weak",
            "S3 public access block 'weak' leaves block_public_policy, restrict_public_buckets off; set all four "
            "flags to True.",
        )
    ]


def test_unknown_exposure_values_are_never_a_pass():
    block = resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {
            "bucket": "b",
            "blockPublicAcls": True,
            "blockPublicPolicy": UNKNOWN,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        name="b",
    )
    assert [d.detail for d in evaluate(BLOCK_FLAGS, block)] == [
        "S3 public access block 'b': block_public_policy not known during preview; set them to True literally."
    ]
