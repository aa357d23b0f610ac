"""Policies for Vault audit devices."""
