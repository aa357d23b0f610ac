"""aws-iam-policy-no-wildcard-admin: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/iam.py.
"""

import json

from policies.aws.iam.policy_no_wildcard_admin import POLICY as ADMIN
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.iam import BROKEN, COMPLIANT


def test_compliant_identities_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(ADMIN, graph) == [], ADMIN.name


def test_every_way_to_break_identity():
    graph = program_graph(BROKEN)
    assert _details(evaluate(ADMIN, graph)) == [
        (
            "admin",
            "IAM policy 'admin': policy allows Action '*' on Resource '*' (Sid 'God'); grant only the actions "
            "and resources the principal needs.",
        ),
        (
            "user-admin",
            "IAM user policy 'user-admin': policy allows Action '*' on Resource '*'; grant only the actions and "
            "resources the principal needs.",
        ),
    ]


def test_unknown_and_malformed_documents_are_never_a_pass():
    graph = resource("aws:iam/policy:Policy", {"policy": UNKNOWN}, name="p")
    assert [d.detail for d in evaluate(ADMIN, graph)] == [
        "IAM policy 'p': policy is not known during preview; it cannot be shown not to grant '*' on '*'."
    ]
    graph = resource("aws:iam/policy:Policy", {"policy": "{not json"}, name="p")
    assert [d.detail for d in evaluate(ADMIN, graph)] == [
        "IAM policy 'p': policy is not a valid policy document; fix its JSON."
    ]
    inline = resource(
        "aws:iam/role:Role",
        {
            "assumeRolePolicy": json.dumps({"Statement": []}),
            "inlinePolicies": [{"name": "x", "policy": UNKNOWN}],
        },
        name="r",
    )
    assert [d.detail for d in evaluate(ADMIN, inline)] == [
        "IAM role 'r': inline policy 'x' is not known during preview; it cannot be shown not to grant '*' on '*'."
    ]
