"""The drills workflow runs the AWS point-in-time restore drill in two jobs that each fit a job's limits.

`aws-pitr-start` requests the restore and records it in the drill account; `aws-pitr-finish` (after it, and alone
on the next day's follow-up schedule) waits a bounded time, verifies and deletes. Only with the drill account
configured: a moto stand-in holds no database to restore. The deploy workflow's evidence job keeps reading the
quarterly run, not the follow-up. The finish step is read from the workflow and run here as the runner runs it,
on a moto server with nothing recorded.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

from tests.workflows.conftest import BIN, REPO_ROOT

FOLLOW_UP = "17 6 3 1,4,7,10 *"


def _step(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("id") == step_id)


def test_start_then_finish_within_the_job_limits_on_the_drill_account_only(workflows):
    jobs = workflows["drills.yml"]["jobs"]
    start, finish = jobs["aws-pitr-start"], jobs["aws-pitr-finish"]
    assert "--start" in _step(start, "aws-pitr-start")["run"].split()
    command = _step(finish, "aws-pitr-finish")["run"]
    assert "--finish" in command.split()
    assert finish["needs"] == ["aws-pitr-start"]
    wait_minutes = int(re.search(r"--wait-minutes (\d+)", command).group(1))
    assert wait_minutes + 15 <= finish["timeout-minutes"] <= 120  # room to verify and delete after the wait
    credentials = next(s for s in finish["steps"] if "configure-aws-credentials" in str(s.get("uses", "")))
    assert credentials["with"]["role-duration-seconds"] >= finish["timeout-minutes"] * 60
    for job in (start, finish):
        assert "vars.AWS_DRILL_ROLE_ARN != ''" in job["if"]
        assert job["environment"] == "drills" and job["strategy"]["matrix"]["jurisdiction"] == ["UK", "EU", "US", "CA"]
    assert "aws-pitr-finish" in jobs["report"]["needs"]


def test_the_follow_up_schedule_runs_only_the_finish_and_the_evidence_reads_the_quarterly_run(workflows):
    drills = workflows["drills.yml"]
    assert {"cron": FOLLOW_UP} in drills["on"]["schedule"]
    for job_id, job in drills["jobs"].items():
        if job_id == "aws-pitr-finish":
            assert FOLLOW_UP not in job["if"]
        else:
            assert f"github.event.schedule != '{FOLLOW_UP}'" in job["if"], job_id
    assert drills["run-name"] == (
        f"${{{{ github.event.schedule == '{FOLLOW_UP}' && 'drills aws-pitr follow-up' || 'drills' }}}}"
    )
    lookup = _step(workflows["deploy.yml"]["jobs"]["evidence"], "drills")["run"]
    assert 'select(.displayTitle == "drills")' in lookup


def test_the_finish_step_with_nothing_recorded_says_so_and_passes(workflows, tmp_path):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    bundle = tmp_path / "rds-global-bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / ".venv").symlink_to(REPO_ROOT / ".venv")
    command = _step(workflows["drills.yml"]["jobs"]["aws-pitr-finish"], "aws-pitr-finish")["run"]
    try:
        result = subprocess.run(
            ["bash", "-e", "-c", command],
            cwd=tmp_path,
            env={
                **os.environ,
                "JURISDICTION": "UK",
                "AWS_ENDPOINT_URL": f"http://{host}:{port}",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "eu-west-2",
                "TRUSTFABRIC_RDS_CA_BUNDLE": str(bundle),
                "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.stop()
    assert (result.returncode, result.stdout) == (0, "pitr UK: nothing to finish (no restore recorded by --start)\n")
