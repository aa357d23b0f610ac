"""vault-policy-no-sudo-on-wildcard: no Vault ACL policy grants sudo on a wildcard path.

The `policy` HCL text of a `vault.Policy` is read path block by path block (`policies.lib.vault.path_capabilities`):
a path ending in `*` or `+` whose capabilities include `sudo` is a violation, because sudo on a glob reaches
root-protected endpoints the author did not list. Policy text not known during preview is reported; text with no readable path blocks passes.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.vault import path_capabilities

META = PolicyMeta(
    id="TF-VAULT-POL-001",
    name="vault-policy-no-sudo-on-wildcard",
    description="No Vault policy grants the sudo capability on a path ending in a wildcard.",
    severity="critical",
    topics=("secrets", "least-privilege", "vault"),
    controls={"SOC2": ("CC6.1", "CC6.3"), "ISO27001:2022": ("A.5.15", "A.8.2"), "GDPR": ("Art.32",)},
    remediation="Grant sudo only on the exact root-protected paths that need it, never on a glob.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "policy"):
        report_violation(
            f"Vault policy '{args.name}': its policy text is not known during preview; sudo on wildcard paths "
            "cannot be ruled out."
        )
        return
    text = get(args.props, "policy", default="")
    for path, capabilities in path_capabilities(text if isinstance(text, str) else ""):
        if path.endswith(("*", "+")) and "sudo" in capabilities:
            report_violation(
                f"Vault policy '{args.name}' grants sudo on wildcard path '{path}'; grant sudo only on the exact "
                "root-protected paths that need it."
            )


POLICY = resource_policy(META, validate, resource_types=("vault:index/policy:Policy",))
