"""The incident commands through the real `trustfabric` entry point: registered once, exit codes as the contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from trustfabric.cli import COMMAND_GROUPS, app
from trustfabric.cli import incident as incident_commands

from .conftest import record, write_record


def trustfabric(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trustfabric.cli", *map(str, args)], capture_output=True, text=True, check=False
    )


def test_registered_as_a_command_group_once() -> None:
    assert incident_commands in COMMAND_GROUPS
    assert [group.name for group in app.registered_groups].count("incident") == 1


def test_exit_codes_through_the_entry_point(tmp_path: Path) -> None:
    timeline = [{"at": "2026-03-02T08:00:00Z", "event": "detected"}]
    write_record(tmp_path, record(jurisdictions=["EU"], personal_data=True, timeline=timeline))

    in_time = trustfabric(
        "incident", "status", "INC-2026-03-02-001", "--dir", tmp_path, "--now", "2026-03-04T08:00:00Z"
    )
    overdue = trustfabric(
        "incident", "status", "INC-2026-03-02-001", "--dir", tmp_path, "--now", "2026-03-05T08:00:01Z"
    )
    bad = trustfabric("incident", "status", "INC-2026-03-02-001", "--dir", tmp_path, "--now", "soon")
    usage = trustfabric("incident", "status")

    assert (in_time.returncode, overdue.returncode, bad.returncode, usage.returncode) == (0, 1, 2, 2)
    assert bad.stderr == (
        "error: --now: 'soon' is not an ISO 8601 timestamp with a UTC offset (e.g. 2026-12-04T09:12:00Z)\n"
    )
    assert usage.stderr == "error: Missing argument 'ID'.\n"
    assert "Traceback" not in overdue.stderr + bad.stderr + usage.stderr
