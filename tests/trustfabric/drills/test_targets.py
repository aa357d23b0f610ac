"""The drills judge against the tiers the backup plans are sized for, and the docs quote the same numbers."""

from __future__ import annotations

import re

import pytest

from domain.tiers import TIERS
from tests.conftest import REPO_ROOT as ROOT
from trustfabric.drills.common import FAILOVER_TARGETS, RESTORE_TARGETS, TIER_STORES


def test_every_tier_of_the_backup_plans_has_drill_targets_and_stores() -> None:
    assert set(TIER_STORES) == set(TIERS) == set(RESTORE_TARGETS) == set(FAILOVER_TARGETS)
    assert TIER_STORES == {"tier0": ("dynamodb", "rds"), "records": ("s3",)}


@pytest.mark.parametrize("tier", ["tier0", "records"])
def test_drill_targets_are_the_components_objectives(tier: str) -> None:
    objectives = TIERS[tier]
    restore, failover = RESTORE_TARGETS[tier], FAILOVER_TARGETS[tier]
    assert (restore.rpo_seconds, restore.rto_seconds) == (
        objectives.rpo_minutes * 60,
        objectives.rto_minutes * 60,
    )
    assert (failover.rpo_seconds, failover.rto_seconds) == (
        objectives.failover_rpo_minutes * 60,
        objectives.failover_rto_minutes * 60,
    )
    assert restore.stores == failover.stores == TIER_STORES[tier]


def test_the_objectives_are_the_agreed_numbers() -> None:
    """Restore: tier0 5 min / 4 h, records 24 h / 4 h. Failover: tier0 1 min / 15 min, records 15 min / 1 h"""
    assert {name: (t.rpo_seconds, t.rto_seconds) for name, t in RESTORE_TARGETS.items()} == {
        "tier0": (300, 14400),
        "records": (86400, 14400),
    }
    assert {name: (t.rpo_seconds, t.rto_seconds) for name, t in FAILOVER_TARGETS.items()} == {
        "tier0": (60, 900),
        "records": (900, 3600),
    }


def spoken(minutes: int) -> str:
    """How the docs write a duration: `5 min`, `4 h`, `24 h`."""
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def one_line(path: str) -> str:
    return re.sub(r"\s+", " ", (ROOT / path).read_text(encoding="utf-8"))


@pytest.mark.parametrize("tier", ["tier0", "records"])
def test_the_backup_and_dr_policy_table_quotes_the_objectives(tier: str) -> None:
    objectives = TIERS[tier]
    row = next(
        line
        for line in (ROOT / "docs/compliance/backup-and-dr.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| {tier} |")
    )
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:] == [
        spoken(objectives.rpo_minutes),
        spoken(objectives.rto_minutes),
        spoken(objectives.failover_rpo_minutes),
        spoken(objectives.failover_rto_minutes),
    ]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("runbooks/restore.md", "restore"),
        ("runbooks/dr-failover.md", "failover"),
        ("runbooks/dr-failback.md", "failover"),
    ],
)
def test_the_runbooks_quote_the_objectives_the_drills_judge(path: str, kind: str) -> None:
    text = one_line(path)
    for name, tier in TIERS.items():
        rpo, rto = (
            (tier.rpo_minutes, tier.rto_minutes)
            if kind == "restore"
            else (tier.failover_rpo_minutes, tier.failover_rto_minutes)
        )
        label = "tier0 (ledger)" if kind == "restore" and name == "tier0" else name
        assert f"{label} {kind} RPO {spoken(rpo)} / RTO {spoken(rto)}" in text, (path, name)
    assert "domain/tiers.py" in text
