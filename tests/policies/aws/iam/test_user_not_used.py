"""aws-iam-user-not-used: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/iam.py.
"""

from policies.aws.iam.user_not_used import POLICY as USERS
from tests.policies.harness import evaluate
from tests.policies.programs import program_graph
from tests.policies.programs.iam import BROKEN, COMPLIANT


def test_compliant_identities_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(USERS, graph) == [], USERS.name


def test_every_way_to_break_identity():
    graph = program_graph(BROKEN)
    [user] = evaluate(USERS, graph)
    assert user.enforcement == "advisory"
    assert user.detail == (
        "IAM user 'legacy': prefer an IAM role (workloads) or IAM Identity Center (people); keep an IAM user only "
        "with a recorded reason."
    )
