"""vault-audit-device-enabled: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/kubernetes_vault.py.
"""

from policies.stack.vault_audit_device_enabled import POLICY as AUDIT
from tests.policies.harness import evaluate
from tests.policies.programs import program_graph
from tests.policies.programs.kubernetes_vault import BROKEN, COMPLIANT


def test_compliant_workloads_and_vault_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(AUDIT, graph) == [], AUDIT.name


def test_every_way_to_break_workloads_and_vault():
    graph = program_graph(BROKEN)
    [audit] = evaluate(AUDIT, graph)
    assert audit.detail == (
        "The stack configures Vault ('admin') but declares no Vault audit device; add a vault.Audit (file or "
        "socket type) so every request is logged."
    )
