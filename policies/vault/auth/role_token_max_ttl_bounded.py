"""vault-auth-role-token-max-ttl-bounded: tokens an auth role issues die within maximumSeconds, renewed or not.

Every pulumi-vault resource that issues tokens with its own settings (`policies.lib.vault.TOKEN_ISSUERS`) must
cap its tokens' whole life, renewals included, at `maximumSeconds` (default 28800, ceiling 86400): through
`token_max_ttl` or `token_explicit_max_ttl` (the smaller one that is set counts). Unset, a token renews up to
the mount's maximum lease TTL, Vault's system default of 32 days unless tuned. Periodic tokens
(`token_period` > 0) ignore `token_max_ttl` and renew forever, so they need `token_explicit_max_ttl`. Values
not known during preview are reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.vault import TOKEN_ISSUERS, hours, number

DEFAULT_MAXIMUM_SECONDS = 28800
CEILING_SECONDS = 86400

META = PolicyMeta(
    id="TF-VAULT-TOK-002",
    name="vault-auth-role-token-max-ttl-bounded",
    description="Tokens issued by Vault auth roles have a bounded maximum lifetime, renewals included.",
    severity="high",
    topics=("identity", "authentication", "session", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2"),
        "ISO27001:2022": ("A.5.17", "A.8.5"),
        "GDPR": ("Art.32",),
    },
    remediation="Set token_max_ttl (token_explicit_max_ttl for periodic tokens) to at most eight hours on the role.",
    config_schema={
        "maximumSeconds": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAXIMUM_SECONDS,
            "description": "Longest token lifetime, renewals included, an auth role may allow, in seconds.",
        }
    },
    floors={"maximumSeconds": {"ceiling": CEILING_SECONDS}},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = TOKEN_ISSUERS.get(args.resource_type, "Vault auth role")
    maximum = int(args.get_config().get("maximumSeconds", DEFAULT_MAXIMUM_SECONDS))
    readings = {key: number(args.props, key) for key in ("tokenPeriod", "tokenMaxTtl", "tokenExplicitMaxTtl")}
    unknown = [key for key, (_, is_unknown) in readings.items() if is_unknown]
    if unknown:
        argument = {"tokenPeriod": "token_period", "tokenMaxTtl": "token_max_ttl"}.get(
            unknown[0], "token_explicit_max_ttl"
        )
        report_violation(
            f"Vault {kind} '{args.name}': {argument} is not known during preview; set token_max_ttl literally to at "
            f"most {hours(maximum)}."
        )
        return
    period = readings["tokenPeriod"][0]
    explicit = readings["tokenExplicitMaxTtl"][0]
    caps = [cap for cap in (explicit, None if period else readings["tokenMaxTtl"][0]) if cap]
    if not caps:
        if period:
            report_violation(
                f"Vault {kind} '{args.name}' issues periodic tokens with no token_explicit_max_ttl: they renew "
                f"forever; set token_explicit_max_ttl to at most {maximum}."
            )
        else:
            report_violation(
                f"Vault {kind} '{args.name}' sets no token_max_ttl: its tokens renew up to the mount's maximum "
                f"(Vault's is 32 days); set token_max_ttl to at most {maximum}."
            )
        return
    cap = min(caps)
    if cap > maximum:
        argument = "token_explicit_max_ttl" if cap == explicit else "token_max_ttl"
        report_violation(
            f"Vault {kind} '{args.name}' lets its tokens live {hours(cap)}, renewals included, longer than "
            f"{hours(maximum)}; set {argument} to at most {maximum}."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(TOKEN_ISSUERS))
