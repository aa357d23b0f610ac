"""Governance components: branch protection and deploy environments of the repository (pulumi-github)."""
