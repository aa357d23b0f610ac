"""Resilience components: backups by tier, replicated data stores, failover routing; RPO/RTO tiers as data."""
