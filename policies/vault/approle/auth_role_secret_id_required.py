"""vault-approle-auth-role-secret-id-required: AppRole roles require a secret id to log in.

An AppRole's role id is an identifier, not a secret: it sits in configuration and deploy logs. A
`vault.approle.AuthBackendRole` with `bind_secret_id` false logs in with the role id alone, so anyone who has
read it (and reaches Vault from a bound CIDR) gets the role's tokens. `bind_secret_id` must stay true (its
default). A value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-VAULT-APR-001",
    name="vault-approle-auth-role-secret-id-required",
    description="Vault AppRole roles require a secret id at login, never the role id alone.",
    severity="critical",
    topics=("identity", "authentication", "vault"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.5.17", "A.8.5"),
        "GDPR": ("Art.32",),
    },
    remediation="Leave bind_secret_id at its default (true) and deliver secret ids through a trusted orchestrator.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "bindSecretId"):
        report_violation(
            f"Vault AppRole role '{args.name}': bind_secret_id is not known during preview; set it to True literally."
        )
    elif get(args.props, "bindSecretId") is False:
        report_violation(
            f"Vault AppRole role '{args.name}' logs in with its role id alone (bind_secret_id=False); set "
            "bind_secret_id=True."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:appRole/authBackendRole:AuthBackendRole",))
