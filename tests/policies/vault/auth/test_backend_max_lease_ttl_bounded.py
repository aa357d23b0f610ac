"""vault-auth-backend-max-lease-ttl-bounded: passing and violating cases, durations, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

import pytest

from policies.lib.vault import TUNED_AUTH_BACKENDS
from policies.vault.auth.backend_max_lease_ttl_bounded import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT
from trustfabric.gate import policy_floors

BACKEND = "vault:index/authBackend:AuthBackend"


def test_tuned_auth_mounts_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_untuned_long_and_unreadable_maximums_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "garbled",
            "Vault auth backend 'garbled': tune.max_lease_ttl 'forever' is not a bounded duration; set it to at most "
            '"28800s".',
        ),
        (
            "month",
            "Vault JWT/OIDC auth backend 'month' tunes max_lease_ttl '768h': its tokens may live 768 h, longer than "
            '8 h; set tune.max_lease_ttl to at most "28800s".',
        ),
        (
            "untuned",
            "Vault auth backend 'untuned' tunes no max_lease_ttl: its tokens may live up to Vault's system maximum "
            '(32 days); set tune.max_lease_ttl to at most "28800s".',
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


@pytest.mark.parametrize(
    ("value", "passes"), [("8h", True), ("28800", True), ("479m60s", True), ("8h1s", False), ("0", False)]
)
def test_durations_are_read_as_vault_reads_them(value, passes):
    backend = resource(BACKEND, {"tune": {"maxLeaseTtl": value}}, name="b", region=None)
    assert (evaluate(POLICY, backend) == []) is passes


def test_every_tuned_auth_backend_type_is_judged_and_config_sets_the_maximum():
    for type_, kind in TUNED_AUTH_BACKENDS.items():
        [diagnostic] = evaluate(POLICY, resource(type_, {}, name="b", region=None))
        assert diagnostic.detail.startswith(f"Vault {kind} 'b' tunes no max_lease_ttl")
    backend = resource(BACKEND, {"tune": [{"maxLeaseTtl": "12h"}]}, name="b", region=None)  # the older list shape
    assert [d.detail for d in evaluate(POLICY, backend)] == [
        "Vault auth backend 'b' tunes max_lease_ttl '12h': its tokens may live 12 h, longer than 8 h; set "
        'tune.max_lease_ttl to at most "28800s".'
    ]
    assert evaluate(POLICY, backend, {"maximumSeconds": 43200}) == []
    assert policy_floors(POLICY)["maximumSeconds"].loosened_by(86401)


def test_an_unknown_tune_block_is_never_a_pass():
    backend = resource(BACKEND, {"tune": {"maxLeaseTtl": UNKNOWN}}, name="b", region=None)
    assert [d.detail for d in evaluate(POLICY, backend)] == [
        "Vault auth backend 'b': its tune block is not known during preview; set tune.max_lease_ttl literally to at "
        "most 8 h."
    ]
