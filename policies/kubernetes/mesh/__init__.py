"""Service mesh: mutual TLS between workloads."""
