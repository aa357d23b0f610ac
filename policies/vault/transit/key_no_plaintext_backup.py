"""vault-transit-key-no-plaintext-backup: transit keys cannot be backed up in plain text.

`allow_plaintext_backup` true on a `vault.transit.SecretBackendKey` lets the backup endpoint return the whole
key ring unencrypted, which is an export by another name, and it cannot be switched off again for that key.
It must stay false (its default); Vault's own snapshots back transit keys up encrypted. A value not known during
preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-VAULT-TRN-002",
    name="vault-transit-key-no-plaintext-backup",
    description="Vault transit keys do not allow plaintext backups of their key material.",
    severity="high",
    topics=("encryption", "key-management", "vault"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("SC-12", "SC-28"),
    },
    remediation="Leave allow_plaintext_backup at its default (false) and back Vault up with its encrypted snapshots.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "allowPlaintextBackup"):
        report_violation(
            f"Vault transit key '{args.name}': allow_plaintext_backup is not known during preview; set it to False "
            "literally."
        )
    elif get(args.props, "allowPlaintextBackup") is True:
        report_violation(
            f"Vault transit key '{args.name}' allows plaintext backups of its key material; set "
            "allow_plaintext_backup=False (on a new key)."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:transit/secretBackendKey:SecretBackendKey",))
