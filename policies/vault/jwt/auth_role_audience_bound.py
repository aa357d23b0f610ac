"""vault-jwt-auth-role-audience-bound: JWT auth roles accept only tokens issued for Vault.

`bound_audiences` of a `vault.jwt.AuthBackendRole` lists the `aud` claims the role accepts. A role of type
`jwt` without it accepts any token its issuer signs, whatever service it was issued for (a CI token minted for
another system logs in to Vault). Roles of type `oidc` (the default) are bound to the backend's client id by
the OIDC flow itself, so they may leave the list empty. Either way no entry may be or contain `*`: Vault matches
audiences exactly, and a wildcard there states an intent the role does not enforce. A role type or audience
list not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list
from policies.lib.vault import has_wildcard

META = PolicyMeta(
    id="TF-VAULT-JWT-001",
    name="vault-jwt-auth-role-audience-bound",
    description="Vault JWT auth roles bind the exact audiences of tokens issued for Vault, never none or a wildcard.",
    severity="high",
    topics=("identity", "authentication", "vault"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.5",),
        "GDPR": ("Art.32",),
    },
    remediation="List the exact aud values issued for Vault in bound_audiences (for OIDC roles, the client id).",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    for key, argument in (("roleType", "role_type"), ("boundAudiences", "bound_audiences")):
        if is_unknown(props, key):
            report_violation(
                f"Vault JWT auth role '{args.name}': {argument} is not known during preview; set it literally."
            )
            return
    audiences = [str(audience) for audience in as_list(get(props, "boundAudiences"))]
    role_type = str(get(props, "roleType", default="oidc")).strip().lower()
    if not audiences and role_type != "oidc":
        report_violation(
            f"Vault JWT auth role '{args.name}' accepts tokens issued for any audience; list the aud values issued "
            "for Vault in bound_audiences."
        )
    for audience in audiences:
        if has_wildcard(audience):
            report_violation(
                f"Vault JWT auth role '{args.name}' binds the wildcard audience '{audience}'; list the exact aud "
                "values issued for Vault in bound_audiences."
            )


POLICY = resource_policy(META, validate, resource_types=("vault:jwt/authBackendRole:AuthBackendRole",))
