"""Kubernetes governance policies: labels of the tag contract."""
