"""aws-iam-role-trust-no-wildcard-principal: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/iam.py.
"""

from policies.aws.iam.role_trust_no_wildcard_principal import POLICY as TRUST
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.iam import BROKEN, COMPLIANT


def test_compliant_identities_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(TRUST, graph) == [], TRUST.name


def test_every_way_to_break_identity():
    graph = program_graph(BROKEN)
    assert _details(evaluate(TRUST, graph)) == [
        (
            "open",
            "IAM role 'open' trusts any principal ('*') without a Condition; name the trusted principals or add "
            "a Condition such as aws:PrincipalOrgID or sts:ExternalId.",
        ),
        (
            "star",
            "IAM role 'star' trusts any principal ('*') without a Condition; name the trusted principals or add "
            "a Condition such as aws:PrincipalOrgID or sts:ExternalId.",
        ),
    ]


def test_unknown_and_malformed_documents_are_never_a_pass():
    role = resource("aws:iam/role:Role", {"assumeRolePolicy": UNKNOWN}, name="r")
    assert [d.detail for d in evaluate(TRUST, role)] == [
        "IAM role 'r': assume_role_policy is not known during preview; it cannot be shown not to trust every principal."
    ]
