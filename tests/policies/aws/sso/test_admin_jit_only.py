"""aws-ssoadmin-admin-permission-set-jit-only: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/sso.py.
"""

from policies.aws.sso.admin_jit_only import POLICY as JIT_ONLY
from tests.policies.aws.sso.helpers import permission_set_with
from tests.policies.harness import UNKNOWN, evaluate
from tests.policies.programs import details, program_graph
from tests.policies.programs.sso import BROKEN, COMPLIANT

INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"


def test_compliant_permission_sets_pass():
    # The compliant program's admin set has no assignment: it is granted just in time.
    assert evaluate(JIT_ONLY, program_graph(COMPLIANT)) == [], JIT_ONLY.name


def test_every_standing_assignment_of_an_admin_set():
    assert details(evaluate(JIT_ONLY, program_graph(BROKEN))) == [
        (
            "god-user",
            "Account assignment 'god-user' gives standing access to admin-equivalent permission set 'god' (inline "
            "policy 'god-inline'); remove it and grant the set just in time.",
        ),
        (
            "power-standing",
            "Account assignment 'power-standing' gives standing access to admin-equivalent permission set 'power' "
            "(PowerUserAccess); remove it and grant the set just in time.",
        ),
    ]
    assert {d.enforcement for d in evaluate(JIT_ONLY, program_graph(BROKEN))} == {"mandatory"}


def test_an_inline_policy_not_known_during_preview_counts_as_admin():
    graph = permission_set_with({"sessionDuration": "PT1H"}, INLINE, {"inlinePolicy": UNKNOWN})
    assignment = permission_set_with({}, "aws:ssoadmin/accountAssignment:AccountAssignment", {"principalType": "GROUP"})
    # The same permission set: its inline policy and a standing assignment.
    for urn, resource in assignment.resources.items():
        if resource.type.endswith("AccountAssignment"):
            graph.resources[urn] = resource
    assert [d.detail for d in evaluate(JIT_ONLY, graph)] == [
        "Account assignment 'attached' gives standing access to admin-equivalent permission set 'ps' (inline policy "
        "'attached'); remove it and grant the set just in time."
    ]
