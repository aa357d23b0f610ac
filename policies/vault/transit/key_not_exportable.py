"""vault-transit-key-not-exportable: transit keys never leave Vault.

Transit is encryption as a service: the point is that no application ever holds the key. A
`vault.transit.SecretBackendKey` with `exportable` true lets anyone with the export endpoint read the key
material, and the flag can never be switched off again for that key. It must stay false (its default). A value
not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-VAULT-TRN-001",
    name="vault-transit-key-not-exportable",
    description="Vault transit keys are not exportable: their key material never leaves Vault.",
    severity="high",
    topics=("encryption", "key-management", "vault"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("SC-12", "SC-28"),
    },
    remediation="Leave exportable at its default (false); create a new key if one was made exportable.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "exportable"):
        report_violation(
            f"Vault transit key '{args.name}': exportable is not known during preview; set it to False literally."
        )
    elif get(args.props, "exportable") is True:
        report_violation(
            f"Vault transit key '{args.name}' is exportable: its key material can be read out of Vault, for good; "
            "set exportable=False (on a new key)."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:transit/secretBackendKey:SecretBackendKey",))
