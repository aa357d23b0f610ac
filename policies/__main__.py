"""The CrossGuard policy pack the Pulumi CLI runs: `pulumi preview --policy-pack policies/`.

This is the only place a PolicyPack is constructed: its constructor starts the analyzer's gRPC server.
"""

import sys
from pathlib import Path

# The pack imports `policies.*` and `domain.residency` from the repository root.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policies.registry import PACK_NAME, all_policies  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    policies=list(all_policies()),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Encryption, residency, least privilege, backup and retention for Trust Fabric stacks.",
    display_name="Trust Fabric",
    provider="aws",
    tags=["soc2", "iso27001", "gdpr", "cis-aws"],
)
