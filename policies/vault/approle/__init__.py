"""Policies for Vault's AppRole auth method."""
