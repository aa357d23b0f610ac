"""vault-auth-role-token-ttl-bounded: passing and violating cases, config, the ceiling and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

import pytest

from policies.lib.vault import TOKEN_ISSUERS
from policies.vault.auth.role_token_ttl_bounded import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT
from trustfabric.gate import policy_floors


def test_roles_with_short_token_ttls_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_long_and_unset_token_ttls_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "long-lived",
            "Vault Kubernetes auth role 'long-lived' issues tokens for 24 h, longer than 1 h; set token_ttl to at "
            "most 3600.",
        ),
        (
            "periodic",
            "Vault Kubernetes auth role 'periodic' issues periodic tokens renewable every 24 h, longer than 1 h; set "
            "token_period to at most 3600.",
        ),
        (
            "unbounded",
            "Vault Kubernetes auth role 'unbounded' sets no token_ttl: its tokens live as long as the mount's default "
            "lease (Vault's is 32 days); set token_ttl to at most 3600.",
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


@pytest.mark.parametrize("type_", sorted(TOKEN_ISSUERS))
def test_every_kind_of_token_issuer_is_judged(type_):
    [diagnostic] = evaluate(POLICY, resource(type_, {"tokenTtl": 7200.0}, name="r", region=None))
    assert diagnostic.detail == (
        f"Vault {TOKEN_ISSUERS[type_]} 'r' issues tokens for 2 h, longer than 1 h; set token_ttl to at most 3600."
    )
    assert evaluate(POLICY, resource(type_, {"tokenTtl": 3600.0}, name="r", region=None)) == []


def test_config_sets_the_maximum_and_its_ceiling_is_eight_hours():
    role = resource("vault:kubernetes/authBackendRole:AuthBackendRole", {"tokenTtl": 7200.0}, name="r", region=None)
    assert evaluate(POLICY, role, {"maximumSeconds": 7200}) == []
    floor = policy_floors(POLICY)["maximumSeconds"]
    assert floor.loosened_by(28801) and not floor.loosened_by(28800) and not floor.loosened_by(900)


def test_unknown_ttls_are_never_a_pass():
    role = "vault:jwt/authBackendRole:AuthBackendRole"
    for inputs, argument in (({"tokenTtl": UNKNOWN}, "token_ttl"), ({"tokenPeriod": UNKNOWN}, "token_period")):
        assert [d.detail for d in evaluate(POLICY, resource(role, inputs, name="r", region=None))] == [
            f"Vault JWT/OIDC auth role 'r': {argument} is not known during preview; set it literally to at most 1 h."
        ]
    periodic = resource(role, {"tokenTtl": UNKNOWN, "tokenPeriod": 600.0}, name="r", region=None)
    assert evaluate(POLICY, periodic) == []  # a periodic token's TTL is its period
