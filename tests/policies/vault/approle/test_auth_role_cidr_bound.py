"""vault-approle-auth-role-cidr-bound: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.approle.auth_role_cidr_bound import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

ROLE = "vault:appRole/authBackendRole:AuthBackendRole"
FIX = "list the workload's subnets instead."


def test_roles_bound_to_their_subnets_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []
    single = resource(ROLE, {"secretIdBoundCidrs": ["10.20.30.40"]}, name="r", region=None)
    assert evaluate(POLICY, single) == []  # an address alone is a /32


def test_unbound_and_any_address_bindings_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "anywhere",
            "Vault AppRole role 'anywhere' lets its secret ids log in from any network; list the workload's subnets "
            "in secret_id_bound_cidrs.",
        ),
        ("anywhere", f"Vault AppRole role 'anywhere': token_bound_cidrs entry '0.0.0.0/0' covers every address; {FIX}"),
        (
            "everyone",
            f"Vault AppRole role 'everyone': secret_id_bound_cidrs entry '10.0.0.300/8' is not a CIDR block; {FIX}",
        ),
        ("everyone", f"Vault AppRole role 'everyone': secret_id_bound_cidrs entry '::/0' covers every address; {FIX}"),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_unknown_bindings_are_never_a_pass():
    for key, argument in (("secretIdBoundCidrs", "secret_id_bound_cidrs"), ("tokenBoundCidrs", "token_bound_cidrs")):
        assert [d.detail for d in evaluate(POLICY, resource(ROLE, {key: UNKNOWN}, name="r", region=None))] == [
            f"Vault AppRole role 'r': {argument} is not known during preview; list the workload's subnets literally."
        ]
