"""Just-in-time access and the access review (`trustfabric access`), against the live AWS APIs (moto in tests)."""
