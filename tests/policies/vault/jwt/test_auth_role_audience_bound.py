"""vault-jwt-auth-role-audience-bound: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.jwt.auth_role_audience_bound import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

ROLE = "vault:jwt/authBackendRole:AuthBackendRole"


def test_jwt_roles_with_audiences_and_oidc_roles_bound_by_client_id_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_unbound_jwt_roles_and_wildcard_audiences_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "ci",
            "Vault JWT auth role 'ci' accepts tokens issued for any audience; list the aud values issued for Vault "
            "in bound_audiences.",
        ),
        (
            "people",
            "Vault JWT auth role 'people' binds the wildcard audience '*'; list the exact aud values issued for Vault "
            "in bound_audiences.",
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_unknown_role_types_and_audiences_are_never_a_pass():
    for key, argument in (("roleType", "role_type"), ("boundAudiences", "bound_audiences")):
        role = resource(
            ROLE,
            {key: UNKNOWN, "boundAudiences": ["vault"]} if key == "roleType" else {key: UNKNOWN},
            name="r",
            region=None,
        )
        assert [d.detail for d in evaluate(POLICY, role)] == [
            f"Vault JWT auth role 'r': {argument} is not known during preview; set it literally."
        ]
