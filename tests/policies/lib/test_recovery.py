"""Recovery tiers of stores and the copy RPO of a backup rule."""

from __future__ import annotations

from policies.lib.facts import TIERS
from policies.lib.recovery import copies_can_meet, copy_rpo_minutes, strictest, tier_table


def test_the_strictest_shipped_tier_is_tier0_and_no_shipped_tier_fails_over_from_a_copy():
    assert strictest(TIERS).name == "tier0"
    assert [name for name, tier in TIERS.items() if copies_can_meet(tier)] == []


def test_added_tiers_join_the_table_and_shipped_tiers_cannot_be_replaced():
    tiers = tier_table(
        {
            "warm": {"rto_minutes": 240, "failover_rpo_minutes": 480, "failover_rto_minutes": 480},
            "tier0": {"rto_minutes": 1, "failover_rpo_minutes": 99999, "failover_rto_minutes": 99999},
        }
    )
    assert list(tiers) == ["tier0", "records", "warm"]
    assert tiers["tier0"] == TIERS["tier0"]
    assert copies_can_meet(tiers["warm"]) and tiers["warm"].rpo_minutes == 240  # restore RPO defaults to the RTO
    assert strictest(tiers).name == "tier0"


def test_a_rules_copy_rpo_is_interval_plus_windows_plus_transfer_with_aws_defaults():
    rule = {"schedule": "cron(0 * * * ? *)", "startWindow": 60.0, "completionWindow": 120.0}
    assert copy_rpo_minutes(rule, 60) == 60 + 60 + 120 + 60
    assert copy_rpo_minutes({"schedule": "cron(0 3 * * ? *)"}, 0) == 1440 + 480 + 10080
    assert copy_rpo_minutes({"schedule": "cron(0 3 1 * ? *)"}, 60) is None
    assert copy_rpo_minutes({}, 60) is None  # no schedule: no recovery points to copy
