"""Policies for the tokens every Vault auth method issues."""
