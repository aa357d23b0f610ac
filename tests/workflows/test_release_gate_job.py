"""The deploy workflow's release gate: a blocking job before prod that fails closed.

Its `release-*` steps are read from deploy.yml and run the way the runner runs them (bash -e), with the job's
environment and a step summary file: without its repository variables or its input files the job fails before
anything is judged; with a clean evaluation, a healthy error budget and this commit's policy gate of prod it
promotes; with a seeded regression it blocks (exit 1) and still writes the signed decision.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.trustfabric.datasets.support import perfect_outputs, run_cli, write_dataset, write_results
from tests.trustfabric.release.support import slo_budget, write_json
from tests.workflows.conftest import BIN, REPO_ROOT, load_workflow

DEPLOY = REPO_ROOT / ".github" / "workflows" / "deploy.yml"


def job() -> dict:
    return load_workflow(DEPLOY)["jobs"]["release-gate"]


def step(step_id: str) -> str:
    (found,) = [s["run"] for s in job()["steps"] if s.get("id") == step_id]
    return str(found)


def run_step(step_id: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """One step of the job, as the runner runs it: its `env:` (variables empty unless given), inputs under
    `tmp_path`, no signing key unless given."""
    environment = {key: value for key, value in os.environ.items() if key != "TRUSTFABRIC_EVIDENCE_KEY"}
    environment.update(
        {
            **{key: str(value) for key, value in job()["env"].items() if "${{" not in str(value)},
            "RELEASE_INPUTS_DIR": str(tmp_path / "inputs"),
            "RELEASE_DECISIONS_DIR": str(tmp_path / "release"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            **env,
        }
    )
    return subprocess.run(
        ["bash", "-e", "-c", step(step_id)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_prod_deploys_only_after_the_release_gate(workflows):
    deploy = workflows["deploy.yml"]
    assert deploy["jobs"]["oncall"]["needs"] == ["release-gate"]
    assert deploy["jobs"]["load-image"]["needs"] == ["release-gate"]
    assert deploy["jobs"]["prod"]["needs"] == ["release-gate", "oncall", "load-image"]
    assert deploy["jobs"]["dr"]["needs"] == ["prod"]
    gate = job()
    assert "if" not in gate and all("continue-on-error" not in s for s in gate["steps"])
    assert gate["env"]["RELEASE_INPUTS_URI"] == "${{ vars.RELEASE_INPUTS_URI }}"
    ids = [s.get("id") for s in gate["steps"] if s.get("id")]
    assert ids == ["release-configured", "release-fetch", "release-policy-gate", "release-gate"]
    fetch = step("release-fetch")
    # The two required inputs are copied with nothing to swallow a failure: a missing object fails the job.
    for required in ("evaluation.json", "slo-budget.json"):
        (line,) = [line for line in fetch.splitlines() if line.startswith(f'aws s3 cp "$base/{required}"')]
        assert "||" not in line
    # The optional inputs (chaos and load results) are copied only when present and handed to the gate.
    for optional, option in (("chaos.json", "--chaos"), ("load.json", "--load")):
        assert f'if aws s3 ls "$base/{optional}" > /dev/null; then' in fetch
        assert f'({option} "$RELEASE_INPUTS_DIR/{optional}")' in step("release-gate")


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({}, " RELEASE_INPUTS_URI AWS_RELEASE_ROLE_ARN"),
        ({"RELEASE_INPUTS_URI": "s3://inputs/extractor"}, " AWS_RELEASE_ROLE_ARN"),
    ],
)
def test_missing_variables_fail_the_job_closed(tmp_path, variables, missing):
    result = run_step("release-configured", tmp_path, **{"RELEASE_INPUTS_URI": "", "RELEASE_ROLE_ARN": "", **variables})
    assert result.returncode == 1
    assert result.stdout == (
        f"::error title=Release gate inputs missing::repository variables not set:{missing}; the release gate fails "
        "closed and nothing is deployed\n"
    )
    configured = run_step(
        "release-configured", tmp_path, RELEASE_INPUTS_URI="s3://inputs/x", RELEASE_ROLE_ARN="arn:aws:iam::1:role/r"
    )
    assert (configured.returncode, configured.stdout) == (0, "")


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory) -> dict[str, Path]:
    """Evaluation records of a clean candidate and of one with a seeded regression, by the real commands."""
    root = tmp_path_factory.mktemp("evaluations")
    store = root / "store"
    capture = _NoCapture()
    assert run_cli(capture, "datasets", "ingest", write_dataset(root / "golden"), "--store", store)[0] == 0
    outputs = perfect_outputs()
    records = {}
    for name, candidate in (("clean", "extractor@1.0"), ("regressed", "extractor@1.1")):
        if name == "regressed":
            outputs["uk-inv-2"] = {"invoice_number": "INV-2", "total": 98.0, "currency": "GBP"}
        out = root / name / "evaluation.json"
        out.parent.mkdir()
        run_cli(
            capture,
            "datasets",
            "evaluate",
            "--results",
            write_results(root / f"{name}.jsonl", outputs),
            "--dataset",
            "golden-accounting@2026.1",
            "--store",
            store,
            "--candidate",
            candidate,
            "--history",
            root / "history",
            "--out",
            out,
        )
        records[name] = out
    return records


class _NoCapture:
    """`run_cli` reads captured output from a capsys; a module fixture has none, so nothing is captured."""

    def readouterr(self):
        return type("Captured", (), {"out": "", "err": ""})()


@pytest.fixture(scope="module")
def policy_gate_of_prod(tmp_path_factory) -> Path:
    """The job's policy gate step, run once: this commit's `check --stack prod --format json`."""
    root = tmp_path_factory.mktemp("policy-gate")
    result = run_step("release-policy-gate", root)
    assert result.returncode == 0, result.stderr[-2000:]
    return root / "inputs" / "policy-gate.json"


def inputs(tmp_path: Path, evaluation: Path, policy_gate: Path) -> None:
    directory = tmp_path / "inputs"
    directory.mkdir()
    (directory / "evaluation.json").write_bytes(evaluation.read_bytes())
    verdicts = evaluation.with_name("evaluation.verdicts.jsonl")
    if verdicts.exists():
        (directory / "evaluation.verdicts.jsonl").write_bytes(verdicts.read_bytes())
    (directory / "policy-gate.json").write_bytes(policy_gate.read_bytes())
    write_json(directory / "slo-budget.json", slo_budget())


def test_this_commits_policy_gate_of_prod_is_clean(policy_gate_of_prod):
    report = json.loads(policy_gate_of_prod.read_text(encoding="utf-8"))
    assert report["stack"] == "prod"
    assert [v for v in report["violations"] if v["enforcement"] == "mandatory"] == []


def test_a_clean_candidate_is_promoted_with_a_decision_record(tmp_path, evaluations, policy_gate_of_prod):
    inputs(tmp_path, evaluations["clean"], policy_gate_of_prod)
    result = run_step("release-gate", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("::warning title=Ephemeral signing key::")
    assert "release gate: PROMOTE extractor@1.0 (stack prod)" in result.stdout
    (decision,) = (tmp_path / "release").glob("decision-*.json")
    assert json.loads(decision.read_text())["decision"]["outcome"] == "promote"
    assert "release gate: PROMOTE" in (tmp_path / "summary.md").read_text()


def test_a_seeded_regression_blocks_the_deploy(tmp_path, evaluations, policy_gate_of_prod):
    inputs(tmp_path, evaluations["regressed"], policy_gate_of_prod)
    result = run_step("release-gate", tmp_path)
    assert result.returncode == 1
    assert "release gate: BLOCK extractor@1.1 (stack prod)" in result.stdout
    assert "evaluation: slice jurisdiction=UK" in result.stdout
    (decision,) = (tmp_path / "release").glob("decision-*.json")
    assert json.loads(decision.read_text())["decision"]["outcome"] == "block"


@pytest.mark.parametrize("absent", ["evaluation", "slo-budget", "policy-gate"])
def test_a_missing_input_fails_closed_before_judging(tmp_path, evaluations, policy_gate_of_prod, absent):
    inputs(tmp_path, evaluations["clean"], policy_gate_of_prod)
    (tmp_path / "inputs" / f"{absent}.json").unlink()
    result = run_step("release-gate", tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        f"::error title=Release gate input missing::{tmp_path}/inputs/{absent}.json is missing or empty; the "
        "release gate fails closed\n"
    )
    assert not (tmp_path / "release").exists()
