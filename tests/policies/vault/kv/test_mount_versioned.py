"""vault-kv-mount-versioned: passing and violating cases and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/vault.py.
"""

from policies.vault.kv.mount_versioned import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph
from tests.policies.programs.vault import BROKEN, COMPLIANT

MOUNT = "vault:index/mount:Mount"


def test_kv_version_2_and_other_engines_pass():
    assert evaluate(POLICY, program_graph(COMPLIANT)) == []


def test_kv_version_1_mounts_are_mandatory_violations():
    found = evaluate(POLICY, program_graph(BROKEN))
    assert details(found) == [
        (
            "generic",
            "Vault mount 'generic' is a generic (KV version 1) mount that keeps no versions; mount it with "
            'type="kv" and options={"version": "2"}.',
        ),
        (
            "kv-default",
            "Vault KV mount 'kv-default' is KV version 1, which keeps no versions of its secrets; set "
            'options={"version": "2"}.',
        ),
        (
            "kv-v1",
            "Vault KV mount 'kv-v1' is KV version 1, which keeps no versions of its secrets; set options={\"version\": "
            '"2"}.',
        ),
    ]
    assert {d.enforcement for d in found} == {"mandatory"}


def test_unknown_types_and_versions_are_never_a_pass():
    assert [d.detail for d in evaluate(POLICY, resource(MOUNT, {"type": UNKNOWN}, name="m", region=None))] == [
        "Vault mount 'm': its type is not known during preview; a KV version 1 mount cannot be ruled out; set type "
        "literally."
    ]
    unknown_version = resource(MOUNT, {"type": "kv", "options": {"version": UNKNOWN}}, name="m", region=None)
    assert [d.detail for d in evaluate(POLICY, unknown_version)] == [
        "Vault KV mount 'm': options.version is not known during preview; set it to \"2\" literally."
    ]
