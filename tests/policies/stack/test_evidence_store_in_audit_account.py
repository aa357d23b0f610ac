"""aws-evidence-store-in-audit-account: passing and violating cases, and unknown values.

The programs: tests/policies/programs/evidence_store.py.
"""

from policies.stack.evidence_store_in_audit_account import POLICY as AUDIT_ACCOUNT
from tests.policies.harness import evaluate
from tests.policies.programs import details, program_graph
from tests.policies.programs.evidence_store import (
    COMPLIANT,
    IN_WORKLOAD_ACCOUNT,
    NO_ROLE,
    NO_STORE,
    UNKNOWN_ROLE,
)


def test_a_store_in_its_own_audit_account_passes():
    assert evaluate(AUDIT_ACCOUNT, program_graph(COMPLIANT)) == [], AUDIT_ACCOUNT.name


def test_a_stack_without_a_store_is_not_applicable():
    assert evaluate(AUDIT_ACCOUNT, program_graph(NO_STORE)) == []


def test_a_store_in_the_workload_account_is_flagged_on_its_locked_bucket():
    assert details(evaluate(AUDIT_ACCOUNT, program_graph(IN_WORKLOAD_ACCOUNT))) == [
        (
            "evidence-bucket",
            "Evidence store 'evidence-bucket' is in account 123456789012, where workload resources of the stack "
            "also live; declare it in a separate audit account (trust-fabric:audit).",
        )
    ]


def test_a_store_whose_provider_assumes_no_role_is_flagged():
    assert details(evaluate(AUDIT_ACCOUNT, program_graph(NO_ROLE))) == [
        (
            "evidence-bucket",
            "Evidence store 'evidence-bucket' is declared through a provider that assumes no role, so it lives in "
            "the deploying (workload) account; declare it through a provider that assumes a role in the audit "
            "account (trust-fabric:audit).",
        )
    ]


def test_a_role_not_known_during_preview_is_never_a_pass():
    assert details(evaluate(AUDIT_ACCOUNT, program_graph(UNKNOWN_ROLE))) == [
        (
            "evidence-bucket",
            "Evidence store 'evidence-bucket': the account its provider assumes a role in is not known during "
            "preview; name the audit account's role ARN literally (trust-fabric:audit).",
        )
    ]
