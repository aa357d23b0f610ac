"""The gate that pull requests run is the gate that passes here: the `gate-*` steps of pr.yml's gate job, read
from the workflow file and run in order for the dev stack, with the job's environment (STACK from the matrix)
and a step summary file, the way the runner runs them (bash -e -o pipefail).

Checkov stays in: on dev it adds a few seconds to the check, and leaving it out would run a command the
workflow does not run. The three steps take about 25 s on an idle 2-core machine (each runs the engine once).
"""

from __future__ import annotations

import os
import subprocess

from tests.workflows.conftest import BIN, REPO_ROOT, load_workflow

PR = REPO_ROOT / ".github" / "workflows" / "pr.yml"
STACK = "dev"


def gate_job() -> dict:
    return load_workflow(PR)["jobs"]["gate"]


def gate_steps() -> list[tuple[str, str]]:
    """(id, run) of the gate steps, in the workflow's order."""
    return [(step["id"], step["run"]) for step in gate_job()["steps"] if str(step.get("id", "")).startswith("gate-")]


def job_environment(stack: str) -> dict[str, str]:
    """The job's `env:` with the matrix substituted, as the runner would give it to the steps."""
    job = gate_job()
    assert stack in job["strategy"]["matrix"]["stack"]
    return {key: str(value).replace("${{ matrix.stack }}", stack) for key, value in job["env"].items()}


def test_the_gate_is_preview_then_check_with_checkov_and_sarif_then_the_diff():
    assert [step_id for step_id, _ in gate_steps()] == ["gate-preview", "gate-check", "gate-diff"]
    assert job_environment(STACK) == {"STACK": "dev"}
    commands = dict(gate_steps())
    assert commands["gate-check"].splitlines()[0] == "mkdir -p reports"  # absent in a fresh checkout
    assert commands["gate-check"].splitlines()[1].split() == [
        ".venv/bin/trustfabric",
        "check",
        "--stack",
        '"$STACK"',
        "--with-checkov",
        "--format",
        "sarif",
        "--output",
        '"reports/gate-$STACK.sarif"',
    ]
    upload = next(step for step in gate_job()["steps"] if "upload-sarif" in str(step.get("uses", "")))
    assert upload["with"] == {
        "sarif_file": "reports/gate-${{ matrix.stack }}.sarif",
        "category": "trustfabric-gate-${{ matrix.stack }}",
    }


def test_the_gate_steps_pass_locally_for_dev(tmp_path):
    summary = tmp_path / "step-summary.md"
    environment = {
        **os.environ,
        **job_environment(STACK),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    sarif = REPO_ROOT / "reports" / f"gate-{STACK}.sarif"
    sarif.unlink(missing_ok=True)
    for step_id, command in gate_steps():
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", command],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{step_id}: {command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert '"$schema"' in sarif.read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8") == (
        "### Resource graph of dev against tests/golden/dev.json\n\n```\nno changes\n```\n"
    )
