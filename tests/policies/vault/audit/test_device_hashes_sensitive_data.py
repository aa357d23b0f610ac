"""vault-audit-device-hashes-sensitive-data: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.audit.device_hashes_sensitive_data import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

AUDIT = "vault:index/audit:Audit"


def test_hashing_audit_devices_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_every_way_to_log_in_clear_is_a_mandatory_violation():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "odd-raw",
            "Vault audit device 'odd-raw' logs requests and responses unhashed (log_raw='yes'): secrets and tokens "
            'land in the log in clear; set log_raw="false".',
        ),
        (
            "raw",
            "Vault audit device 'raw' logs requests and responses unhashed (log_raw='true'): secrets and tokens land "
            'in the log in clear; set log_raw="false".',
        ),
        (
            "raw-accessor",
            "Vault audit device 'raw-accessor' logs token accessors unhashed (hmac_accessor='false'); set "
            'hmac_accessor="true".',
        ),
    ]
    assert {(d.enforcement, d.severity) for d in found} == {("mandatory", "high")}


def test_unknown_options_are_never_a_pass():
    expected = (
        "Vault audit device 'a': options.{} is not known during preview; hashing of what it logs cannot be proven; "
        "set {} literally."
    )
    whole = resource(AUDIT, {"type": "file", "options": UNKNOWN}, name="a", region=None)
    assert [d.detail for d in evaluate(POLICY, whole)] == [expected.format("log_raw", "log_raw")]
    accessor = resource(AUDIT, {"type": "file", "options": {"hmac_accessor": UNKNOWN}}, name="a", region=None)
    assert [d.detail for d in evaluate(POLICY, accessor)] == [expected.format("hmac_accessor", "hmac_accessor")]
