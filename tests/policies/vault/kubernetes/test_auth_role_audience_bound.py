"""vault-kubernetes-auth-role-audience-bound: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.kubernetes.auth_role_audience_bound import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole"
FIX = "set audience to the audience workloads request for Vault."


def test_roles_bound_to_vaults_audience_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_a_role_without_an_audience_is_a_mandatory_violation():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "any-audience",
            f"Vault Kubernetes auth role 'any-audience' accepts service account tokens of any audience; {FIX}",
        )
    ]
    assert found[0].enforcement == "mandatory"


def test_wildcard_empty_and_unknown_audiences_are_never_a_pass():
    wildcard = resource(ROLE, {"audience": "*"}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, wildcard)] == [
        f"Vault Kubernetes auth role 'r' binds the wildcard audience '*'; {FIX}"
    ]
    empty = resource(ROLE, {"audience": " "}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, empty)] == [
        f"Vault Kubernetes auth role 'r' accepts service account tokens of any audience; {FIX}"
    ]
    unknown = resource(ROLE, {"audience": UNKNOWN}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, unknown)] == [
        "Vault Kubernetes auth role 'r': audience is not known during preview; set it literally to the audience "
        "workloads request for Vault."
    ]
