"""Kubernetes pod security policies: every workload type that embeds a pod spec."""
