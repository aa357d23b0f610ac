"""Recovery tiers as data, for the components: a re-export of `trustfabric.tiers`, the one source.

The tiers (backup rules, restore and failover RPO/RTO) live in `trustfabric/tiers.py` because the drills,
which must not import Pulumi, judge their measurements against the same numbers the backup plans are sized
for. See that module for the table of objectives.

Usage::

    from components.resilience.tiers import TIERS, rule_lifecycle

    for rule in TIERS["records"].rules:
        cold, delete = rule_lifecycle(rule, statutory_days=2192)
        assert delete >= 2192 and delete >= cold + 90
"""

from __future__ import annotations

from trustfabric.tiers import (
    MAX_CONTINUOUS_RETENTION_DAYS,
    MIN_DAYS_IN_COLD_STORAGE,
    STATUTORY,
    STATUTORY_RECORDS_RULE,
    TIER_NAMES,
    TIERS,
    BackupRule,
    Tier,
    longest_retention_days,
    rule_lifecycle,
    shortest_retention_days,
)

__all__ = [
    "MAX_CONTINUOUS_RETENTION_DAYS",
    "MIN_DAYS_IN_COLD_STORAGE",
    "STATUTORY",
    "STATUTORY_RECORDS_RULE",
    "TIERS",
    "TIER_NAMES",
    "BackupRule",
    "Tier",
    "longest_retention_days",
    "rule_lifecycle",
    "shortest_retention_days",
]
