"""Security components: KMS keyring, Vault, IAM baseline, audit trail, secrets."""
