"""Policies for Vault's KV secrets engine."""
