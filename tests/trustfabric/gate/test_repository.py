"""The gate on this repository: its own dev stack passes."""

from __future__ import annotations

from tests.trustfabric.helpers import pack_policies
from trustfabric.gate import run_gate
from trustfabric.paths import REPO_ROOT


def test_dev_stack_has_no_mandatory_violation():
    result = run_gate(REPO_ROOT, "dev", policies=pack_policies())
    assert result.resources_evaluated > 0
    assert [(f.policy, f.resource.urn, f.message) for f in result.mandatory] == []
