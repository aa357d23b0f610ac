"""Kubernetes policies (pulumi-kubernetes resources)."""
