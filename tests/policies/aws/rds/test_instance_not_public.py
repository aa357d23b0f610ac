"""aws-rds-instance-not-public: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/network.py.
"""

from policies.aws.rds.instance_not_public import POLICY as RDS_PUBLIC
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.network import BROKEN, COMPLIANT


def test_compliant_exposure_passes():
    graph = program_graph(COMPLIANT)
    assert evaluate(RDS_PUBLIC, graph) == [], RDS_PUBLIC.name


def test_every_way_to_expose():
    graph = program_graph(BROKEN)
    assert _details(evaluate(RDS_PUBLIC, graph)) == [
        (
            "aurora",
            "Aurora instance 'aurora' is publicly accessible; set publicly_accessible=False and reach it through "
            "private subnets.",
        ),
        (
            "db",
            "RDS instance 'db' is publicly accessible; set publicly_accessible=False and reach it through private "
            "subnets.",
        ),
    ]


def test_unknown_exposure_values_are_never_a_pass():
    db = resource("aws:rds/instance:Instance", {"publiclyAccessible": UNKNOWN}, name="db")
    assert [d.detail for d in evaluate(RDS_PUBLIC, db)] == [
        "RDS instance 'db': publicly_accessible is not known during preview; set it to False literally."
    ]
