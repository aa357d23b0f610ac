"""vault-audit-device-enabled: a stack that configures Vault also enables a Vault audit device.

When the stack declares any `vault:` resource, at least one `vault.Audit` must exist, so every request to the
Vault it configures is logged. A stack with no Vault resources is not applicable.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, stack_policy

META = PolicyMeta(
    id="TF-VAULT-AUD-001",
    name="vault-audit-device-enabled",
    description="A stack that declares Vault resources enables at least one Vault audit device.",
    severity="high",
    topics=("logging", "audit", "vault"),
    controls={"SOC2": ("CC7.2",), "ISO27001:2022": ("A.8.15",), "GDPR": ("Art.30", "Art.32")},
    remediation="Declare a vault.Audit (file or socket type) in the stack that configures Vault.",
)

AUDIT = "vault:index/audit:Audit"


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    vault_resources = [r for r in args.resources if r.resource_type.startswith("vault:")]
    if not vault_resources or any(r.resource_type == AUDIT for r in vault_resources):
        return
    names = ", ".join(f"'{r.name}'" for r in vault_resources[:3]) + (", ..." if len(vault_resources) > 3 else "")
    report_violation(
        f"The stack configures Vault ({names}) but declares no Vault audit device; add a vault.Audit "
        "(file or socket type) so every request is logged."
    )


POLICY = stack_policy(META, validate)
