"""vault-kubernetes-auth-role-no-wildcard-namespace: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

import pytest

from policies.vault.kubernetes.auth_role_no_wildcard_namespace import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole"
FIX = "list the workload's exact namespace in bound_service_account_namespaces"


def test_roles_bound_to_exact_namespaces_or_a_narrowing_selector_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_wildcard_namespaces_and_empty_selectors_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "all-labels",
            f"Vault Kubernetes auth role 'all-labels': its namespace selector '{{}}' selects every namespace; {FIX} "
            "or give the selector matchLabels.",
        ),
        (
            "any-ns",
            f"Vault Kubernetes auth role 'any-ns' admits service accounts of any namespace matching '*'; {FIX}.",
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


@pytest.mark.parametrize(
    ("selector", "problem"),
    [
        ("matchLabels: {}\nmatchExpressions: []\n", "selects every namespace"),
        ("[team]", "is not a label selector object"),
        ("{matchLabels: [", "is not a readable label selector"),
    ],
)
def test_selectors_that_do_not_narrow_are_violations(selector, problem):
    role = resource(ROLE, {"boundServiceAccountNamespaceSelector": selector}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, role)] == [
        f"Vault Kubernetes auth role 'r': its namespace selector {selector!r} {problem}; {FIX} or give the selector "
        "matchLabels."
    ]
    yaml_selector = resource(
        ROLE, {"boundServiceAccountNamespaceSelector": "matchLabels:\n  team: ledger\n"}, name="r", region=None
    )
    assert evaluate(POLICY, yaml_selector) == []


def test_no_namespace_and_unknown_bindings_are_never_a_pass():
    unbound = resource(ROLE, {"boundServiceAccountNames": ["api"]}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, unbound)] == [
        f"Vault Kubernetes auth role 'r' binds no namespace; {FIX}."
    ]
    for key, argument in (
        ("boundServiceAccountNamespaces", "bound_service_account_namespaces"),
        ("boundServiceAccountNamespaceSelector", "bound_service_account_namespace_selector"),
    ):
        unknown = resource(ROLE, {key: UNKNOWN}, name="r", region=None)
        assert [d.detail for d in evaluate(POLICY, unknown)] == [
            f"Vault Kubernetes auth role 'r': {argument} is not known during preview; {FIX} literally."
        ]
