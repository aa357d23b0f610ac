"""vault-approle-auth-role-secret-id-num-uses-bounded: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.approle.auth_role_secret_id_num_uses_bounded import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT
from trustfabric.gate import policy_floors

ROLE = "vault:appRole/authBackendRole:AuthBackendRole"


def test_single_use_secret_ids_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_unlimited_and_many_use_secret_ids_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "reusable",
            "Vault AppRole role 'reusable' issues secret ids good for unlimited logins; set secret_id_num_uses to at "
            "most 10.",
        ),
        (
            "week",
            "Vault AppRole role 'week' issues secret ids good for 500 logins, more than 10; set secret_id_num_uses to "
            "at most 10.",
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_config_sets_the_maximum_and_its_ceiling_is_a_hundred():
    role = resource(ROLE, {"secretIdNumUses": 50.0}, name="r", region=None)
    assert evaluate(POLICY, role, {"maximumUses": 50}) == []
    floor = policy_floors(POLICY)["maximumUses"]
    assert floor.loosened_by(101) and not floor.loosened_by(100)


def test_roles_without_secret_ids_are_skipped_and_unknown_uses_are_never_a_pass():
    assert evaluate(POLICY, resource(ROLE, {"bindSecretId": False}, name="r", region=None)) == []
    assert [
        d.detail for d in evaluate(POLICY, resource(ROLE, {"secretIdNumUses": UNKNOWN}, name="r", region=None))
    ] == ["Vault AppRole role 'r': secret_id_num_uses is not known during preview; set it literally to at most 10."]
