"""vault-policy-no-write-on-system-paths: passing and violating cases, globs, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

import pytest

from policies.vault.policy_no_write_on_system_paths import POLICY, SELF_SERVICE_PATHS, reaches_system
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

FIX = "which reaches Vault's own configuration (sys/ or auth/); grant read or list there at most."


def test_reads_self_service_and_application_paths_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_every_write_on_system_paths_is_a_mandatory_critical_violation():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        ("operator", f"Vault policy 'operator' grants create on 's*', {FIX}"),
        ("operator", f"Vault policy 'operator' grants create, update, delete on 'sys/mounts/*', {FIX}"),
        ("operator", f"Vault policy 'operator' grants patch on 'sys/policies/acl/ledger', {FIX}"),
        ("operator", f"Vault policy 'operator' grants sudo on '+/config', {FIX}"),
        ("operator", f"Vault policy 'operator' grants update on 'auth/kubernetes/role/+', {FIX}"),
        ("operator", f"Vault policy 'operator' grants update on 'auth/token/create', {FIX}"),
    ]
    assert {(d.enforcement, d.severity) for d in found} == {("mandatory", "critical")}


@pytest.mark.parametrize(
    ("pattern", "reaches"),
    [
        ("sys/mounts", True),
        ("/sys/policy", True),
        ("auth/+/role/x", True),
        ("+/x", True),
        ("*", True),
        ("s*", True),
        ("au*", True),
        ("auth*", True),
        ("sys*", True),
        ("sysx*", False),
        ("se*", False),
        ("secret/*", False),
        ("system/x", False),
        ("kv/data/sys/x", False),
    ],
)
def test_patterns_are_judged_by_the_paths_they_reach(pattern, reaches):
    assert reaches_system(pattern) is reaches


def test_config_allows_more_exact_paths():
    policy = resource(
        "vault:index/policy:Policy",
        {"policy": 'path "sys/rotate" { capabilities = ["update", "sudo"] }'},
        name="p",
        region=None,
    )
    assert [d.detail for d in evaluate(POLICY, policy)] == [
        f"Vault policy 'p' grants update, sudo on 'sys/rotate', {FIX}"
    ]
    assert evaluate(POLICY, policy, {"allowedPaths": [*SELF_SERVICE_PATHS, "sys/rotate"]}) == []


def test_unknown_policy_text_is_never_a_pass():
    policy = resource("vault:index/policy:Policy", {"policy": UNKNOWN}, name="p", region=None)
    assert [d.detail for d in evaluate(POLICY, policy)] == [
        "Vault policy 'p': its policy text is not known during preview; write on sys/ or auth/ cannot be ruled out."
    ]
