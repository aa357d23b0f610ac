"""aws-ssoadmin-account-assignment-group-principal: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/sso.py.
"""

from policies.aws.sso.account_assignment_group_principal import POLICY as GROUP_PRINCIPAL
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.sso import BROKEN, COMPLIANT


def test_group_assignments_pass():
    assert evaluate(GROUP_PRINCIPAL, program_graph(COMPLIANT)) == [], GROUP_PRINCIPAL.name


def test_a_user_assignment_is_reported():
    assert details(evaluate(GROUP_PRINCIPAL, program_graph(BROKEN))) == [
        (
            "god-user",
            "Account assignment 'god-user' assigns to a USER principal; assign to an IdP group "
            "(principal_type='GROUP') and grant single users just in time.",
        )
    ]


def test_unknown_principal_type_is_never_a_pass():
    graph = resource("aws:ssoadmin/accountAssignment:AccountAssignment", {"principalType": UNKNOWN}, name="a")
    assert [d.detail for d in evaluate(GROUP_PRINCIPAL, graph)] == [
        "Account assignment 'a': principal_type is not known during preview; set it to 'GROUP'."
    ]
