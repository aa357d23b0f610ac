"""vault-approle-auth-role-secret-id-required: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.approle.auth_role_secret_id_required import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

ROLE = "vault:appRole/authBackendRole:AuthBackendRole"


def test_roles_binding_a_secret_id_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []
    assert evaluate(POLICY, resource(ROLE, {"bindSecretId": True}, name="r", region=None)) == []


def test_a_role_id_alone_is_a_mandatory_critical_violation():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "open",
            "Vault AppRole role 'open' logs in with its role id alone (bind_secret_id=False); set bind_secret_id=True.",
        )
    ]
    assert (found[0].enforcement, found[0].severity) == ("mandatory", "critical")


def test_an_unknown_binding_is_never_a_pass():
    assert [d.detail for d in evaluate(POLICY, resource(ROLE, {"bindSecretId": UNKNOWN}, name="r", region=None))] == [
        "Vault AppRole role 'r': bind_secret_id is not known during preview; set it to True literally."
    ]
