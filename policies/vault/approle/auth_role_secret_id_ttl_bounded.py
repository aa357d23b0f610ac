"""vault-approle-auth-role-secret-id-ttl-bounded: AppRole secret ids expire within maximumSeconds.

A secret id of a `vault.approle.AuthBackendRole` with `secret_id_ttl` unset or 0 never expires: one leaked from
a CI log or an image stays a working credential until someone notices. It must be at least 1 and at most
`maximumSeconds` (default 86400, ceiling 604800). Roles that bind no secret id are judged by
vault-approle-auth-role-secret-id-required instead. A value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.vault import hours, number

DEFAULT_MAXIMUM_SECONDS = 86400
CEILING_SECONDS = 604800

META = PolicyMeta(
    id="TF-VAULT-APR-002",
    name="vault-approle-auth-role-secret-id-ttl-bounded",
    description="Vault AppRole secret ids expire within a bounded TTL.",
    severity="high",
    topics=("identity", "authentication", "secrets", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2"),
        "ISO27001:2022": ("A.5.17",),
        "GDPR": ("Art.32",),
    },
    remediation="Set secret_id_ttl on the AppRole role to the shortest time a delivered secret id needs (at most a day).",
    config_schema={
        "maximumSeconds": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAXIMUM_SECONDS,
            "description": "Longest secret_id_ttl an AppRole role may set, in seconds.",
        }
    },
    floors={"maximumSeconds": {"ceiling": CEILING_SECONDS}},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if not is_unknown(props, "bindSecretId") and get(props, "bindSecretId") is False:
        return
    maximum = int(args.get_config().get("maximumSeconds", DEFAULT_MAXIMUM_SECONDS))
    ttl, unknown = number(props, "secretIdTtl")
    if unknown:
        report_violation(
            f"Vault AppRole role '{args.name}': secret_id_ttl is not known during preview; set it literally to at "
            f"most {hours(maximum)}."
        )
    elif not ttl:
        report_violation(
            f"Vault AppRole role '{args.name}' issues secret ids that never expire; set secret_id_ttl to at most "
            f"{maximum}."
        )
    elif ttl > maximum:
        report_violation(
            f"Vault AppRole role '{args.name}' issues secret ids valid for {hours(ttl)}, longer than "
            f"{hours(maximum)}; set secret_id_ttl to at most {maximum}."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:appRole/authBackendRole:AuthBackendRole",))
