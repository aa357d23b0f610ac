"""Recovery tiers as data: rules, objectives and the lifecycle arithmetic."""

from __future__ import annotations

import pytest

from domain.residency import JURISDICTIONS
from domain.tiers import (
    MIN_DAYS_IN_COLD_STORAGE,
    STATUTORY,
    TIERS,
    BackupRule,
    longest_retention_days,
    rule_lifecycle,
)


def test_every_tier_has_objectives_and_keeps_a_statutory_rule():
    for tier in TIERS.values():
        assert 0 < tier.failover_rpo_minutes <= tier.rpo_minutes
        assert 0 < tier.failover_rto_minutes <= tier.rto_minutes
        assert any(rule.delete_after_days == STATUTORY for rule in tier.rules), tier.name


def test_tier0_is_hourly_for_35_days_with_continuous_backup():
    hourly = TIERS["tier0"].rules[0]
    assert hourly.schedule == "cron(0 * * * ? *)"
    assert hourly.enable_continuous_backup is True
    assert rule_lifecycle(hourly, 2192) == (None, 35)
    assert TIERS["tier0"].rpo_minutes == 5  # bounded by continuous backup (point-in-time restore)


@pytest.mark.parametrize("code", sorted(JURISDICTIONS))
def test_statutory_rule_keeps_records_for_the_jurisdictions_retention(code):
    statutory = JURISDICTIONS[code].retention_days
    cold, delete_after = rule_lifecycle(TIERS["records"].rules[0], statutory)
    assert cold == 90
    assert delete_after == statutory
    assert delete_after >= cold + MIN_DAYS_IN_COLD_STORAGE


def test_a_short_retention_is_rounded_up_to_the_cold_storage_minimum():
    rule = BackupRule(name="short", schedule="cron(0 3 * * ? *)", delete_after_days=100, cold_storage_after_days=30)
    assert rule_lifecycle(rule, 2192) == (30, 120)


def test_the_vault_lock_maximum_is_the_longest_rule():
    assert longest_retention_days(("tier0", "records"), JURISDICTIONS["EU"].retention_days) == 3653
