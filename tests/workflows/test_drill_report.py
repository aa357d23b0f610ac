"""The quarterly drill report of drills.yml: one table over the drills' own JSON reports, written beside them,
with the exit code telling whether every drill passed."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflows.conftest import REPO_ROOT, load_workflow
from trustfabric.drills.report import DrillRun

SCRIPT = REPO_ROOT / ".github" / "scripts" / "quarterly_drill_report.py"
STARTED = dt.datetime(2026, 7, 2, 6, 17, 0, tzinfo=dt.UTC)


def write_report(folder: Path, drill: str, jurisdiction: str, *, passed: bool, verdict: str) -> str:
    run = DrillRun(drill, jurisdiction, endpoint_url="http://127.0.0.1:5000", echo=lambda line: None)
    run.started_at = STARTED
    run.step("s3: create bucket", lambda step: None)
    _json_path, markdown_path = run.finish(passed=passed, verdict=verdict).write(folder)
    return markdown_path.name


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_a_quarter_of_passed_drills(tmp_path):
    restore = write_report(tmp_path, "restore", "UK", passed=True, verdict="60 records restored, 0 lost")
    failover = write_report(tmp_path, "failover", "EU", passed=True, verdict="traffic answers from eu-west-1")
    result = run_script(str(tmp_path), "--quarter", "2026-Q3", "--run-url", "https://github.com/o/r/actions/runs/1")
    expected = (
        "# Quarterly drill report: 2026-Q3\n"
        "\n"
        "Workflow run: https://github.com/o/r/actions/runs/1\n"
        "\n"
        "2 drills: 2 passed, 0 failed.\n"
        "\n"
        "| Drill | Jurisdiction | Result | Verdict | Endpoint | Started (UTC) | Duration (s) |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(expected)
    rows = result.stdout[len(expected) :].splitlines()
    assert rows[0].startswith(
        "| failover | EU | PASSED | traffic answers from eu-west-1 | http://127.0.0.1:5000 | 2026-07-02T06:17:00.000+00:00 | "
    )
    assert rows[1].startswith(
        "| restore | UK | PASSED | 60 records restored, 0 lost | http://127.0.0.1:5000 | 2026-07-02T06:17:00.000+00:00 | "
    )
    assert rows[2:] == ["", f"Each drill's steps and measurements: `{failover}`, `{restore}`."]
    assert (tmp_path / "quarterly-2026-Q3.md").read_text(encoding="utf-8") == result.stdout


def test_a_failed_drill_fails_the_report(tmp_path):
    write_report(tmp_path, "restore", "US", passed=True, verdict="0 lost")
    write_report(tmp_path, "failover", "CA", passed=False, verdict="the standby health check is unhealthy")
    result = run_script(str(tmp_path), "--quarter", "2026-Q4")
    assert result.returncode == 1
    assert "2 drills: 1 passed, 1 failed." in result.stdout
    assert "| failover | CA | FAILED | the standby health check is unhealthy |" in result.stdout


def test_no_reports_is_bad_input(tmp_path):
    result = run_script(str(tmp_path / "missing"), "--quarter", "2026-Q1")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"error: {tmp_path / 'missing'}: no drill reports (*.json)\n",
    )


@pytest.mark.parametrize(
    ("day", "quarter"), [((2026, 1, 2), "2026-Q1"), ((2026, 7, 2), "2026-Q3"), ((2026, 12, 31), "2026-Q4")]
)
def test_the_workflow_computes_the_quarter_of_its_run(day, quarter):
    """The report step's shell arithmetic, run for a fixed date, names the same quarter."""
    step = next(
        step
        for step in load_workflow(REPO_ROOT / ".github" / "workflows" / "drills.yml")["jobs"]["report"]["steps"]
        if step.get("name") == "Quarterly drill report (Markdown)"
    )
    assignment = step["run"].splitlines()[0]
    assert assignment == 'quarter="$(date -u +%Y)-Q$(( ($(date -u +%-m) - 1) / 3 + 1 ))"'
    year, month, _ = day
    fixed = assignment.replace("$(date -u +%Y)", str(year)).replace("$(date -u +%-m)", str(month))
    result = subprocess.run(["bash", "-c", f'{fixed}; echo "$quarter"'], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == quarter


def test_the_drills_run_every_quarter_and_on_demand():
    workflow = load_workflow(REPO_ROOT / ".github" / "workflows" / "drills.yml")
    assert workflow["on"]["schedule"] == [{"cron": "17 6 2 1,4,7,10 *"}, {"cron": "17 6 3 1,4,7,10 *"}]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["jobs"]["drill"]["strategy"]["matrix"] == {
        "drill": ["restore", "failover"],
        "jurisdiction": ["UK", "EU", "US", "CA"],
    }
