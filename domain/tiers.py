"""Recovery tiers as data: backup rules, recovery objectives per tier, and the lifecycle arithmetic AWS Backup requires.

The one source of the tiers: `components/resilience/backup.py` turns each tier into one `aws.backup.Plan`
(through `domain.tiers`, which re-exports this module), the drills judge their measurements
against the objectives (`trustfabric.drills.common`), and docs/compliance/backup-and-dr.md and the runbooks
quote them. Pure data: no Pulumi import, so the toolchain can read it.

Every data store of a cell belongs to one tier (its `backup-tier` tag). A tier is a tuple of backup rules plus
two pairs of recovery objectives:

- **restore** (`rpo_minutes`, `rto_minutes`): recovering from a backup into new resources, after data was
  damaged (deleted, corrupted, encrypted by an attacker), where failing over would replicate the damage;
- **failover** (`failover_rpo_minutes`, `failover_rto_minutes`): serving from the paired region's replicas
  after the primary region is lost.

| tier | restore RPO | restore RTO | failover RPO | failover RTO |
|---|---|---|---|---|
| tier0 (the ledger: Aurora, DynamoDB) | 5 min | 4 h | 1 min | 15 min |
| records (the records bucket) | 24 h | 4 h | 15 min | 1 h |

- **tier0**: continuous backup (point-in-time restore, Aurora through AWS Backup, DynamoDB PITR) is what
  bounds the restore RPO to minutes; hourly recovery points kept 35 days; and the daily statutory record rule,
  because the ledger itself holds accounting records. Failover rides on Aurora global database and DynamoDB
  global table replication (seconds of lag).
- **records**: the daily statutory record rule only; object versions and object lock protect the bucket
  between recovery points. Failover rides on S3 replication with replication time control (15 minutes).

The statutory rule moves recovery points to cold storage after 90 days and deletes them after the
jurisdiction's statutory retention (`domain.residency`), never earlier than AWS's minimum of 90 days in
cold storage. Every rule copies to the cell's vault in the paired region.

Usage::

    from domain.tiers import TIERS, rule_lifecycle

    assert TIERS["tier0"].failover_rto_minutes == 15
    for rule in TIERS["records"].rules:
        cold, delete = rule_lifecycle(rule, statutory_days=2192)
        assert delete >= 2192 and delete >= cold + 90
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_DAYS_IN_COLD_STORAGE = 90
"""AWS Backup deletes a cold recovery point no earlier than 90 days after it moved to cold storage."""
MAX_CONTINUOUS_RETENTION_DAYS = 35
"""Continuous backups (point-in-time restore) are kept at most 35 days."""
STATUTORY = -1
"""`delete_after_days` marker: keep for the jurisdiction's statutory record retention."""


@dataclass(frozen=True)
class BackupRule:
    """One rule of a tier's backup plan."""

    name: str
    """Rule name (unique within the plan), e.g. `hourly`."""
    schedule: str
    """AWS Backup cron expression (UTC)."""
    delete_after_days: int
    """Days a recovery point is kept; STATUTORY for the jurisdiction's record retention."""
    cold_storage_after_days: int | None = None
    """Days until a recovery point moves to cold storage (supported resource types only); None to stay warm."""
    enable_continuous_backup: bool = False
    """Continuous backup (point-in-time restore) for resource types that support it (Aurora, RDS, S3)."""
    start_window_minutes: int = 60
    """Minutes after the scheduled time a job may start before it is cancelled."""
    completion_window_minutes: int = 360
    """Minutes a started job may run before it is cancelled."""


@dataclass(frozen=True)
class Tier:
    """A recovery tier: its backup rules and the objectives the rules (and replication) are sized for."""

    name: str
    description: str
    rules: tuple[BackupRule, ...]
    rpo_minutes: int
    """Restore from backup: most data (minutes before the damage) that may be lost."""
    rto_minutes: int
    """Restore from backup: longest time (minutes) until the restored store serves again."""
    failover_rpo_minutes: int
    """Regional failover to the replica in the paired region: most data (minutes) that may be lost."""
    failover_rto_minutes: int
    """Regional failover: longest time (minutes) until traffic is served from the paired region."""


STATUTORY_RECORDS_RULE = BackupRule(
    name="daily-statutory",
    schedule="cron(0 3 * * ? *)",
    delete_after_days=STATUTORY,
    cold_storage_after_days=90,
    start_window_minutes=60,
    completion_window_minutes=720,
)
"""Daily, cold after 90 days, kept for the statutory record retention: every tier holds records."""

TIERS: dict[str, Tier] = {
    tier.name: tier
    for tier in (
        Tier(
            name="tier0",
            description="Ledger stores: hourly and continuous recovery points, plus the statutory record rule.",
            rules=(
                BackupRule(
                    name="hourly",
                    schedule="cron(0 * * * ? *)",
                    delete_after_days=MAX_CONTINUOUS_RETENTION_DAYS,
                    enable_continuous_backup=True,
                    start_window_minutes=60,
                    completion_window_minutes=120,
                ),
                STATUTORY_RECORDS_RULE,
            ),
            rpo_minutes=5,
            rto_minutes=4 * 60,
            failover_rpo_minutes=1,
            failover_rto_minutes=15,
        ),
        Tier(
            name="records",
            description="Records buckets: the daily statutory record rule.",
            rules=(STATUTORY_RECORDS_RULE,),
            rpo_minutes=24 * 60,
            rto_minutes=4 * 60,
            failover_rpo_minutes=15,
            failover_rto_minutes=60,
        ),
    )
}
"""Every tier, by name (the value of a store's `backup-tier` tag)."""

TIER_NAMES: tuple[str, ...] = tuple(TIERS)


def rule_lifecycle(rule: BackupRule, statutory_days: int) -> tuple[int | None, int]:
    """(cold_storage_after, delete_after) in days for a rule in a jurisdiction with `statutory_days` retention.

    A STATUTORY rule keeps recovery points for the statutory period, rounded up so that a point moved to cold
    storage stays there at least MIN_DAYS_IN_COLD_STORAGE days (AWS rejects a shorter lifecycle).
    """
    delete_after = statutory_days if rule.delete_after_days == STATUTORY else rule.delete_after_days
    cold = rule.cold_storage_after_days
    if cold is not None:
        delete_after = max(delete_after, cold + MIN_DAYS_IN_COLD_STORAGE)
    return cold, delete_after


def longest_retention_days(tier_names: tuple[str, ...], statutory_days: int) -> int:
    """The longest delete_after of any rule of the tiers: the vault lock's maximum retention."""
    return max(rule_lifecycle(rule, statutory_days)[1] for name in tier_names for rule in TIERS[name].rules)


def shortest_retention_days(tier_names: tuple[str, ...], statutory_days: int) -> int:
    """The shortest delete_after of any rule of the tiers: the vault lock's minimum retention cannot exceed it."""
    return min(rule_lifecycle(rule, statutory_days)[1] for name in tier_names for rule in TIERS[name].rules)
