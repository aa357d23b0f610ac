"""The workflows are valid and hardened: actionlint and zizmor (offline) find nothing, every action is pinned by
commit SHA with its version beside it, every job has least-privilege permissions and a timeout, checkouts keep
no credentials, and no workflow runs on `pull_request_target`."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.workflows.conftest import BIN, REPO_ROOT, WORKFLOW_FILES, WORKFLOWS_DIR

PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?:\s+#\s*(?P<version>\S+))?\s*$")
SHA = re.compile(r"^[0-9a-f]{40}$")
VERSION = re.compile(r"^v\d+\.\d+\.\d+$")


def _tool_env() -> dict[str, str]:
    """PATH with the project's tools first: actionlint finds the pinned shellcheck there."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_there_are_the_three_workflows():
    assert [path.name for path in WORKFLOW_FILES] == ["deploy.yml", "drills.yml", "pr.yml"]


def test_actionlint_finds_nothing():
    result = subprocess.run(
        [str(BIN / "actionlint"), "-no-color"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=_tool_env(),
        timeout=120,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_runs_shellcheck_on_the_run_scripts(tmp_path):
    """Proof that the check above has teeth: a workflow with an unquoted variable is reported by shellcheck."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: for f in $(ls); do echo $f; done\n"
    )
    result = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", "-oneline", str(broken)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_tool_env(),
        timeout=120,
    )
    assert result.returncode == 1
    assert "shellcheck reported issue" in result.stdout


def test_zizmor_offline_finds_nothing_even_as_an_auditor():
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona=auditor", "--no-progress", str(WORKFLOWS_DIR)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report." in result.stdout


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_sha_with_its_version(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines, f"{path.name}: no actions"
    for line in lines:
        match = PINNED.match(line)
        assert match, f"{path.name}: {line.strip()!r} is not owner/repo@ref"
        assert SHA.match(match["ref"]), f"{path.name}: {match['action']} is pinned to {match['ref']!r}, not a SHA"
        assert match["version"] and VERSION.match(match["version"]), f"{path.name}: {line.strip()!r}: # vX.Y.Z"


def test_one_action_version_has_one_sha_everywhere():
    seen: dict[str, set[tuple[str, str]]] = {}
    for path in WORKFLOW_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PINNED.match(line)
            if match:
                repository = "/".join(match["action"].split("/")[:2])
                seen.setdefault(repository, set()).add((match["ref"], match["version"]))
    assert {action: len(pins) for action, pins in seen.items()} == dict.fromkeys(seen, 1)


def test_no_workflow_runs_on_pull_request_target(workflows):
    for name, workflow in workflows.items():
        assert "pull_request_target" not in workflow["on"], name
        assert "pull_request_target" not in (WORKFLOWS_DIR / name).read_text(encoding="utf-8"), name


def test_least_privilege_timeouts_and_concurrency(workflows):
    for name, workflow in workflows.items():
        assert workflow["permissions"] == {}, f"{name}: the workflow grants nothing; each job asks for its own"
        assert "group" in workflow["concurrency"], name
        for job_id, job in workflow["jobs"].items():
            where = f"{name}: {job_id}"
            assert isinstance(job.get("permissions"), dict) and job["permissions"], f"{where}: permissions"
            assert set(job["permissions"].values()) <= {"read", "write"}, where
            assert "write-all" not in str(job["permissions"]), where
            assert 0 < job["timeout-minutes"] <= 120, f"{where}: timeout-minutes"


def test_checkouts_keep_no_credentials(workflows):
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{name}: {job_id}"


def test_write_permissions_are_the_ones_each_job_needs(workflows):
    writes = {
        (name, job_id): sorted(scope for scope, level in job["permissions"].items() if level == "write")
        for name, workflow in workflows.items()
        for job_id, job in workflow["jobs"].items()
    }
    assert writes == {
        ("deploy.yml", "release-gate"): ["id-token"],
        ("deploy.yml", "oncall"): ["id-token"],
        ("deploy.yml", "load-image"): ["id-token"],
        ("deploy.yml", "prod"): ["id-token"],
        ("deploy.yml", "dr"): ["id-token"],
        ("deploy.yml", "evidence"): ["id-token"],
        ("drills.yml", "drill"): ["id-token"],
        ("drills.yml", "database-drill"): [],
        ("drills.yml", "aws-pitr-start"): ["id-token"],
        ("drills.yml", "aws-pitr-finish"): ["id-token"],
        ("drills.yml", "report"): [],
        ("pr.yml", "lint"): [],
        ("pr.yml", "test"): [],
        ("pr.yml", "gate"): ["security-events"],
        ("pr.yml", "policy-pack-preview"): ["id-token"],
    }


def test_the_evidence_job_extends_the_persistent_ledger_in_the_evidence_store(workflows):
    steps = workflows["deploy.yml"]["jobs"]["evidence"]["steps"]
    runs = [str(step.get("run", "")) for step in steps]
    fetch = next(
        i for i, text in enumerate(runs) if 'aws s3 sync "s3://$EVIDENCE_STORE_BUCKET/ledger/" evidence/ledger/' in text
    )
    build = next(i for i, text in enumerate(runs) if "trustfabric evidence --stack prod" in text)
    verify = next(i for i, text in enumerate(runs) if "evidence verify evidence/prod --ledger evidence/ledger" in text)
    keep = next(i for i, text in enumerate(runs) if 'evidence/ledger/ "s3://$EVIDENCE_STORE_BUCKET/ledger/"' in text)
    assert fetch < build < verify < keep
    assert "--ledger evidence/ledger" in runs[build] and '--kms-key-id "$EVIDENCE_KMS_KEY_ID"' in runs[build]
    assert any(str(step.get("with", {}).get("name", "")).startswith("release-decision-") for step in steps)
