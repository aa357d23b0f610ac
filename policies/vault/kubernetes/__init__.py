"""Policies for Vault's Kubernetes auth method."""
