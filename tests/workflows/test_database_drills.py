"""The drills workflow runs the row-level database drills on a PostgreSQL the runner installs.

Each (drill, jurisdiction) of the `database-drill` job installs Debian's `postgresql` before the drill, runs
`trustfabric drill pg-restore|pg-pitr|pg-failover` (`pg-failback` is `pg-failover --failback`) on a scratch
server, and keeps the report as an artifact the quarterly report and the evidence package collect. The drill
step is read from the workflow and run here the way the runner runs it, for the failback of the UK cell, on this
machine's PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess

from tests.workflows.conftest import BIN, REPO_ROOT

DRILLS = ["pg-restore", "pg-pitr", "pg-failover", "pg-failback"]


def test_every_cell_runs_every_database_drill_after_installing_postgresql(workflows):
    job = workflows["drills.yml"]["jobs"]["database-drill"]
    assert job["strategy"]["matrix"] == {"drill": DRILLS, "jurisdiction": ["UK", "EU", "US", "CA"]}
    assert job["strategy"]["fail-fast"] is False
    runs = [str(step.get("run", "")) for step in job["steps"]]
    install = next(i for i, run in enumerate(runs) if "apt-get install" in run)
    assert "postgresql" in runs[install].split()
    drill = next(i for i, step in enumerate(job["steps"]) if step.get("id") == "database-drill")
    assert install < drill
    upload = job["steps"][drill + 1]
    assert upload["with"]["name"] == "drill-reports-${{ matrix.drill }}-${{ matrix.jurisdiction }}"
    assert upload["if"] == "${{ !cancelled() }}"
    assert workflows["drills.yml"]["jobs"]["report"]["needs"] == ["drill", "database-drill", "aws-pitr-finish"]


def test_the_failback_step_runs_a_real_switchover_with_no_data_lost(workflows, tmp_path):
    job = workflows["drills.yml"]["jobs"]["database-drill"]
    (command,) = [step["run"] for step in job["steps"] if step.get("id") == "database-drill"]
    (tmp_path / ".venv").symlink_to(REPO_ROOT / ".venv")
    result = subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=tmp_path,
        env={
            **os.environ,
            "DRILL": "pg-failback",
            "JURISDICTION": "UK",
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (report,) = [p for p in (tmp_path / "reports" / "drills").glob("*.json") if "checksums" not in p.name]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["drill"], data["jurisdiction"], data["passed"]) == ("failback", "UK", True)
    assert data["measurements"]["data_loss"]["acknowledged_missing"] == 0
    assert data["measurements"]["rows"]["rows_lost"] == 0
