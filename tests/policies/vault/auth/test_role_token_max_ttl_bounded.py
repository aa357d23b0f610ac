"""vault-auth-role-token-max-ttl-bounded: passing and violating cases, config, the ceiling and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

import yaml

from policies.lib.vault import TOKEN_ISSUERS
from policies.vault.auth.role_token_max_ttl_bounded import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT
from trustfabric.gate import run_gate

ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole"


def test_roles_with_bounded_token_lifetimes_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_long_unset_and_forever_renewable_lifetimes_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "long-lived",
            "Vault Kubernetes auth role 'long-lived' lets its tokens live 168 h, renewals included, longer than 8 h; "
            "set token_max_ttl to at most 28800.",
        ),
        (
            "periodic",
            "Vault Kubernetes auth role 'periodic' issues periodic tokens with no token_explicit_max_ttl: they renew "
            "forever; set token_explicit_max_ttl to at most 28800.",
        ),
        (
            "unbounded",
            "Vault Kubernetes auth role 'unbounded' sets no token_max_ttl: its tokens renew up to the mount's maximum "
            "(Vault's is 32 days); set token_max_ttl to at most 28800.",
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_the_smaller_of_max_ttl_and_explicit_max_ttl_counts():
    capped = resource(ROLE, {"tokenMaxTtl": 604800.0, "tokenExplicitMaxTtl": 3600.0}, name="r", region=None)
    assert evaluate(POLICY, capped) == []
    explicit = resource(ROLE, {"tokenExplicitMaxTtl": 86400.0}, name="r", region=None)
    assert [d.detail for d in evaluate(POLICY, explicit)] == [
        "Vault Kubernetes auth role 'r' lets its tokens live 24 h, renewals included, longer than 8 h; set "
        "token_explicit_max_ttl to at most 28800."
    ]
    assert set(TOKEN_ISSUERS) == POLICY.resource_types


def test_loosening_the_maximum_above_a_day_fails_the_controls(tmp_path):
    program = tmp_path / "program"
    run_snippet(tmp_path, "import pulumi_vault as vault\n")  # writes the program directory
    config = tmp_path / "policy.yaml"
    config.write_text(yaml.safe_dump({POLICY.name: {"maximumSeconds": 172800}}))
    exemptions = tmp_path / "exemptions.yaml"
    exemptions.write_text("exemptions: []\n")
    result = run_gate(program, "test", config, exemptions, policies=[POLICY])
    assert [(f.enforcement, f.message) for f in result.findings] == [
        (
            "mandatory",
            "config loosens maximumSeconds to 172800, above the ceiling 86400; controls SOC2 CC6.1, SOC2 CC6.2, "
            "ISO27001:2022 A.5.17, ISO27001:2022 A.8.5, GDPR Art.32 report failing",
        )
    ]


def test_unknown_lifetimes_are_never_a_pass():
    for key, argument in (
        ("tokenPeriod", "token_period"),
        ("tokenMaxTtl", "token_max_ttl"),
        ("tokenExplicitMaxTtl", "token_explicit_max_ttl"),
    ):
        assert [d.detail for d in evaluate(POLICY, resource(ROLE, {key: UNKNOWN}, name="r", region=None))] == [
            f"Vault Kubernetes auth role 'r': {argument} is not known during preview; set token_max_ttl literally to "
            "at most 8 h."
        ]
