"""Policies for Vault's transit secrets engine."""
