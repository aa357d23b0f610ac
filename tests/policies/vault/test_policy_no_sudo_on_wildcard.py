"""vault-policy-no-sudo-on-wildcard: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/kubernetes_vault.py.
"""

from policies.vault.policy_no_sudo_on_wildcard import POLICY as SUDO
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.kubernetes_vault import BROKEN, COMPLIANT


def test_compliant_workloads_and_vault_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(SUDO, graph) == [], SUDO.name


def test_every_way_to_break_workloads_and_vault():
    graph = program_graph(BROKEN)
    assert _details(evaluate(SUDO, graph)) == [
        (
            "admin",
            "Vault policy 'admin' grants sudo on wildcard path 'auth/+'; grant sudo only on the exact "
            "root-protected paths that need it.",
        ),
        (
            "admin",
            "Vault policy 'admin' grants sudo on wildcard path 'sys/*'; grant sudo only on the exact "
            "root-protected paths that need it.",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    policy = resource("vault:index/policy:Policy", {"policy": UNKNOWN}, name="p", region=None)
    assert [d.detail for d in evaluate(SUDO, policy)] == [
        "Vault policy 'p': its policy text is not known during preview; sudo on wildcard paths cannot be ruled out."
    ]
