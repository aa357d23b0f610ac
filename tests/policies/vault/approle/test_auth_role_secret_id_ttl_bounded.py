"""vault-approle-auth-role-secret-id-ttl-bounded: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.approle.auth_role_secret_id_ttl_bounded import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT
from trustfabric.gate import policy_floors

ROLE = "vault:appRole/authBackendRole:AuthBackendRole"


def test_short_lived_secret_ids_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_never_expiring_and_long_lived_secret_ids_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "forever",
            "Vault AppRole role 'forever' issues secret ids that never expire; set secret_id_ttl to at most 86400.",
        ),
        (
            "week",
            "Vault AppRole role 'week' issues secret ids valid for 168 h, longer than 24 h; set secret_id_ttl to at "
            "most 86400.",
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_config_sets_the_maximum_below_a_week():
    role = resource(ROLE, {"secretIdTtl": 172800.0}, name="r", region=None)
    assert len(evaluate(POLICY, role)) == 1
    assert evaluate(POLICY, role, {"maximumSeconds": 172800}) == []
    floor = policy_floors(POLICY)["maximumSeconds"]
    assert floor.loosened_by(604801) and not floor.loosened_by(604800)


def test_roles_without_secret_ids_are_left_to_the_binding_policy_and_unknown_ttls_are_never_a_pass():
    assert evaluate(POLICY, resource(ROLE, {"bindSecretId": False}, name="r", region=None)) == []
    assert [d.detail for d in evaluate(POLICY, resource(ROLE, {"secretIdTtl": UNKNOWN}, name="r", region=None))] == [
        "Vault AppRole role 'r': secret_id_ttl is not known during preview; set it literally to at most 24 h."
    ]
    unknown_binding = resource(ROLE, {"bindSecretId": UNKNOWN}, name="r", region=None)
    assert len(evaluate(POLICY, unknown_binding)) == 1  # judged as binding one
