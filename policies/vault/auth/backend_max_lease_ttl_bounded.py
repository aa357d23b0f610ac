"""vault-auth-backend-max-lease-ttl-bounded: auth mounts cap the lifetime of every token they issue.

An auth mount's `tune.max_lease_ttl` is the ceiling for every token it issues, including tokens of roles that
set no maximum of their own and roles added later by hand or by another tool. Every auth backend resource that
takes a `tune` block (`policies.lib.vault.TUNED_AUTH_BACKENDS`) must set it to a duration of at most
`maximumSeconds` (default 28800, ceiling 86400); unset, it inherits Vault's system maximum of 32 days. Durations
are read as Vault reads them (`8h`, `28800`, `1h30m`). A tune block not known during preview is reported.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list
from policies.lib.vault import TUNED_AUTH_BACKENDS, duration_seconds, hours

DEFAULT_MAXIMUM_SECONDS = 28800
CEILING_SECONDS = 86400

META = PolicyMeta(
    id="TF-VAULT-TOK-003",
    name="vault-auth-backend-max-lease-ttl-bounded",
    description="Vault auth mounts tune a bounded maximum lease TTL for every token they issue.",
    severity="medium",
    topics=("identity", "authentication", "session", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2"),
        "ISO27001:2022": ("A.5.17", "A.8.5"),
        "GDPR": ("Art.32",),
    },
    remediation='Set tune.max_lease_ttl on the auth backend (e.g. "8h") and tune.default_lease_ttl below it.',
    config_schema={
        "maximumSeconds": {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAXIMUM_SECONDS,
            "description": "Longest max_lease_ttl an auth mount may tune, in seconds.",
        }
    },
    floors={"maximumSeconds": {"ceiling": CEILING_SECONDS}},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = TUNED_AUTH_BACKENDS.get(args.resource_type, "auth backend")
    maximum = int(args.get_config().get("maximumSeconds", DEFAULT_MAXIMUM_SECONDS))
    props = args.props
    if is_unknown(props, "tune"):
        report_violation(
            f"Vault {kind} '{args.name}': its tune block is not known during preview; set tune.max_lease_ttl "
            f"literally to at most {hours(maximum)}."
        )
        return
    blocks = as_list(get(props, "tune"))  # older providers spelled the block as a one-item list
    tune = blocks[0] if blocks else None
    value = get(tune, "maxLeaseTtl") if isinstance(tune, Mapping) else None
    if value is None or (isinstance(value, str) and not value.strip()):
        report_violation(
            f"Vault {kind} '{args.name}' tunes no max_lease_ttl: its tokens may live up to Vault's system maximum "
            f'(32 days); set tune.max_lease_ttl to at most "{maximum}s".'
        )
        return
    seconds = duration_seconds(value)
    if seconds is None or seconds <= 0:
        report_violation(
            f"Vault {kind} '{args.name}': tune.max_lease_ttl {value!r} is not a bounded duration; set it to at most "
            f'"{maximum}s".'
        )
    elif seconds > maximum:
        report_violation(
            f"Vault {kind} '{args.name}' tunes max_lease_ttl {value!r}: its tokens may live {hours(seconds)}, "
            f'longer than {hours(maximum)}; set tune.max_lease_ttl to at most "{maximum}s".'
        )


POLICY = resource_policy(META, validate, resource_types=tuple(TUNED_AUTH_BACKENDS))
