"""Kubernetes RBAC: who may do what on the cells' clusters."""
