"""The DR runbooks: every section an on-call engineer needs, and the exact commands, data plane first."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO_ROOT

RUNBOOKS = REPO_ROOT / "runbooks"
SECTIONS = [
    "Trigger",
    "Impact",
    "Decision",
    "Diagnosis",
    "Steps",
    "Verification",
    "Rollback",
    "Communication",
]


@pytest.mark.parametrize("name", ["dr-failover.md", "dr-failback.md", "restore.md"])
def test_runbook_has_every_section_in_order(name: str) -> None:
    text = (RUNBOOKS / name).read_text(encoding="utf-8")

    assert re.findall(r"^## (.+)$", text, flags=re.MULTILINE) == SECTIONS
    assert "```" in text.split("## Steps", 1)[1].split("\n## ", 1)[0]


def test_failover_moves_traffic_before_promoting_and_reconciling() -> None:
    steps = (RUNBOOKS / "dr-failover.md").read_text(encoding="utf-8").split("## Steps", 1)[1]

    route53 = steps.index("aws route53 change-resource-record-sets")
    promote = steps.index("aws rds failover-global-cluster")
    reconcile = steps.index("pulumi config set trust-fabric:role active -s dr")
    assert route53 < promote < reconcile < steps.index("pulumi up -s dr")
    assert "trustfabric drill failover --jurisdiction UK --primary-down" in steps
    assert "aws rds promote-read-replica" in steps and "aws dynamodb describe-table" in steps


def test_failback_and_restore_name_their_drills() -> None:
    failback = (RUNBOOKS / "dr-failback.md").read_text(encoding="utf-8")
    restore = (RUNBOOKS / "restore.md").read_text(encoding="utf-8")

    assert "trustfabric drill failback --jurisdiction UK" in failback
    assert "pulumi config set trust-fabric:role standby -s dr" in failback
    assert "trustfabric drill restore --jurisdiction UK" in restore
    for command in (
        "restore-table-to-point-in-time",
        "restore-table-from-backup",
        "restore-db-instance-from-db-snapshot",
    ):
        assert command in restore
