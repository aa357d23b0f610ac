"""vault-audit-device-hashes-sensitive-data: Vault audit devices hash secrets, tokens and accessors they log.

Vault writes every request and response to its audit devices with sensitive strings (secrets, tokens, token
accessors) replaced by their HMAC, so the log proves what happened without becoming a store of secrets. Two
options of a `vault.Audit` undo that: `log_raw` (true: everything in clear) and `hmac_accessor` (false: token
accessors in clear, enough to look up and revoke tokens). Options are strings read as Vault reads booleans
(`true`, `1`, `t` ...). Options not known during preview are reported (hashing cannot be proven); an unreadable
`log_raw` is reported too (Vault would refuse it).
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.vault import parse_bool

META = PolicyMeta(
    id="TF-VAULT-AUD-002",
    name="vault-audit-device-hashes-sensitive-data",
    description="Vault audit devices log secrets, tokens and token accessors only as HMACs, never in clear.",
    severity="high",
    topics=("logging", "audit", "secrets", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC7.2"),
        "ISO27001:2022": ("A.5.17", "A.8.15"),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("AU-9",),
    },
    remediation='Set options log_raw="false" and hmac_accessor="true" (the defaults) on the vault.Audit.',
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    for option in ("log_raw", "hmac_accessor"):
        if is_unknown(props, "options", option):  # the option, or the whole options map
            report_violation(
                f"Vault audit device '{args.name}': options.{option} is not known during preview; hashing of what it "
                f"logs cannot be proven; set {option} literally."
            )
            return
    options = get(props, "options", default={})
    raw = options.get("log_raw") if hasattr(options, "get") else None
    if raw is not None and parse_bool(raw) is not False:
        report_violation(
            f"Vault audit device '{args.name}' logs requests and responses unhashed (log_raw={raw!r}): secrets and "
            'tokens land in the log in clear; set log_raw="false".'
        )
    accessor = options.get("hmac_accessor") if hasattr(options, "get") else None
    if accessor is not None and parse_bool(accessor) is False:
        report_violation(
            f"Vault audit device '{args.name}' logs token accessors unhashed (hmac_accessor={accessor!r}); set "
            'hmac_accessor="true".'
        )


POLICY = resource_policy(META, validate, resource_types=("vault:index/audit:Audit",))
