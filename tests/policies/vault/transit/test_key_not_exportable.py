"""vault-transit-key-not-exportable: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.transit.key_not_exportable import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT


def test_keys_that_stay_in_vault_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_an_exportable_key_is_a_mandatory_violation():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "exportable",
            "Vault transit key 'exportable' is exportable: its key material can be read out of Vault, for good; set "
            "exportable=False (on a new key).",
        )
    ]
    assert found[0].enforcement == "mandatory"


def test_an_unknown_flag_is_never_a_pass():
    key = resource("vault:transit/secretBackendKey:SecretBackendKey", {"exportable": UNKNOWN}, name="k", region=None)
    assert [d.detail for d in evaluate(POLICY, key)] == [
        "Vault transit key 'k': exportable is not known during preview; set it to False literally."
    ]
