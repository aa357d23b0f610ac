"""vault-kubernetes-auth-role-no-wildcard-service-account: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.kubernetes.auth_role_no_wildcard_service_account import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole"
FIX = "list the exact service account names in bound_service_account_names."


def test_roles_bound_to_exact_service_accounts_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_wildcards_and_globs_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        ("any-sa", f"Vault Kubernetes auth role 'any-sa' admits any service account matching '*'; {FIX}"),
        ("glob-sa", f"Vault Kubernetes auth role 'glob-sa' admits any service account matching 'api-*'; {FIX}"),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_no_names_and_unknown_names_are_never_a_pass():
    empty = resource(ROLE, {"boundServiceAccountNames": []}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, empty)] == [
        f"Vault Kubernetes auth role 'r' binds no service account; {FIX}"
    ]
    unknown = resource(ROLE, {"boundServiceAccountNames": UNKNOWN}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, unknown)] == [
        "Vault Kubernetes auth role 'r': bound_service_account_names is not known during preview; list the exact "
        "service account names literally."
    ]
