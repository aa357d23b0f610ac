"""vault-transit-key-no-plaintext-backup: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.transit.key_no_plaintext_backup import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT


def test_keys_without_plaintext_backup_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_a_plaintext_backup_is_a_mandatory_violation():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "backup",
            "Vault transit key 'backup' allows plaintext backups of its key material; set allow_plaintext_backup=False "
            "(on a new key).",
        )
    ]
    assert found[0].enforcement == "mandatory"


def test_an_unknown_flag_is_never_a_pass():
    key = resource(
        "vault:transit/secretBackendKey:SecretBackendKey", {"allowPlaintextBackup": UNKNOWN}, name="k", region=None
    )
    assert [d.detail for d in evaluate(POLICY, key)] == [
        "Vault transit key 'k': allow_plaintext_backup is not known during preview; set it to False literally."
    ]
