"""Vault policies (pulumi-vault resources)."""
