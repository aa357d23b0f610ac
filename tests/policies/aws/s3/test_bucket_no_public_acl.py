"""aws-s3-bucket-no-public-acl: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/network.py.
"""

from policies.aws.s3.bucket_no_public_acl import POLICY as ACL
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.network import BROKEN, COMPLIANT


def test_compliant_exposure_passes():
    graph = program_graph(COMPLIANT)
    assert evaluate(ACL, graph) == [], ACL.name


def test_every_way_to_expose():
    graph = program_graph(BROKEN)
    assert _details(evaluate(ACL, graph)) == [
        (
            "site",
            "S3 bucket ACL 'site' grants 'public-read'; use acl='private' or disable ACLs with object ownership "
            "BucketOwnerEnforced.",
        )
    ]


def test_unknown_exposure_values_are_never_a_pass():
    acl = resource("aws:s3/bucketAcl:BucketAcl", {"bucket": "b", "acl": UNKNOWN}, name="a")
    assert [d.detail for d in evaluate(ACL, acl)] == [
        "S3 bucket ACL 'a': acl is not known during preview; set it literally to 'private'."
    ]
