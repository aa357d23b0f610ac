"""aws-identitystore-scim-provisioned: identities made by hand are reported; the IdP's (by SCIM) are not declared.

The programs are shared with the rest of its family: tests/policies/programs/sso.py.
"""

from policies.aws.sso.identity_store_scim_provisioned import POLICY as SCIM
from tests.policies.harness import evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.sso import BROKEN, COMPLIANT


def test_no_hand_made_identity_passes():
    assert evaluate(SCIM, program_graph(COMPLIANT)) == [], SCIM.name


def test_every_hand_made_identity_is_reported():
    assert details(evaluate(SCIM, program_graph(BROKEN))) == [
        (
            "hand-group",
            "Identity store group 'hand-group' is made by hand; create it at the IdP and let SCIM provision it.",
        ),
        (
            "hand-made",
            "Identity store user 'hand-made' is made by hand; create it at the IdP and let SCIM provision it.",
        ),
    ]


def test_a_membership_is_reported_too():
    graph = resource("aws:identitystore/groupMembership:GroupMembership", {"groupId": "g", "memberId": "u"}, name="m")
    assert [d.detail for d in evaluate(SCIM, graph)] == [
        "Identity store group membership 'm' is made by hand; create it at the IdP and let SCIM provision it."
    ]
