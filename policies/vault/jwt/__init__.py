"""Policies for Vault's JWT/OIDC auth method."""
