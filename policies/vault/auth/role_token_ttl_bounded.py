"""vault-auth-role-token-ttl-bounded: tokens an auth role issues expire within maximumSeconds unless renewed.

Every pulumi-vault resource that issues tokens with its own settings (`policies.lib.vault.TOKEN_ISSUERS`: auth
roles of every method, userpass users, and the backends that carry token settings themselves) must set
`token_ttl` to at least 1 and at most `maximumSeconds` (default 3600, ceiling 28800). An unset or 0 `token_ttl`
falls back to the mount's default lease TTL, which is Vault's system default of 32 days unless someone tuned
it. For periodic tokens (`token_period` > 0) the period is the lifetime of each renewal and is judged instead.
Values not known during preview are reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.vault import TOKEN_ISSUERS, hours, number

DEFAULT_MAXIMUM_SECONDS = 3600
CEILING_SECONDS = 28800

META = PolicyMeta(
    id="TF-VAULT-TOK-001",
    name="vault-auth-role-token-ttl-bounded",
    description="Tokens issued by Vault auth roles expire within a bounded TTL unless renewed.",
    severity="medium",
    topics=("identity", "authentication", "session", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2"),
        "ISO27001:2022": ("A.5.17", "A.8.5"),
        "GDPR": ("Art.32",),
    },
    remediation="Set token_ttl (or token_period for periodic tokens) to at most one hour on the auth role.",
    config_schema={
        "maximumSeconds": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAXIMUM_SECONDS,
            "description": "Longest token_ttl (or token_period) an auth role may set, in seconds.",
        }
    },
    floors={"maximumSeconds": {"ceiling": CEILING_SECONDS}},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = TOKEN_ISSUERS.get(args.resource_type, "Vault auth role")
    maximum = int(args.get_config().get("maximumSeconds", DEFAULT_MAXIMUM_SECONDS))
    period, period_unknown = number(args.props, "tokenPeriod")
    ttl, ttl_unknown = number(args.props, "tokenTtl")
    if period_unknown or (ttl_unknown and not period):
        argument = "token_period" if period_unknown else "token_ttl"
        report_violation(
            f"Vault {kind} '{args.name}': {argument} is not known during preview; set it literally to at most "
            f"{hours(maximum)}."
        )
        return
    if period:
        if period > maximum:
            report_violation(
                f"Vault {kind} '{args.name}' issues periodic tokens renewable every {hours(period)}, longer than "
                f"{hours(maximum)}; set token_period to at most {maximum}."
            )
        return
    if not ttl:
        report_violation(
            f"Vault {kind} '{args.name}' sets no token_ttl: its tokens live as long as the mount's default lease "
            f"(Vault's is 32 days); set token_ttl to at most {maximum}."
        )
    elif ttl > maximum:
        report_violation(
            f"Vault {kind} '{args.name}' issues tokens for {hours(ttl)}, longer than {hours(maximum)}; set "
            f"token_ttl to at most {maximum}."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(TOKEN_ISSUERS))
