"""The github/ program (the repository's GitHub settings) under the offline engine: preview and check pass through
the CLI, its required checks are exactly the gate jobs of pr.yml, its teams are the ones CODEOWNERS names, its
environments are the ones the workflows use, and bad settings fail in one line."""

from __future__ import annotations

import re
import shutil
import subprocess
from itertools import product
from pathlib import Path

import pytest
import yaml

from policies.github.repository.branch_protection_requires_gate import GATE_CHECKS
from tests.workflows.conftest import REPO_ROOT, load_workflow
from trustfabric.engine import run_program

PROGRAM = REPO_ROOT / "github"
STACK = "repository"
CLI = REPO_ROOT / ".venv" / "bin" / "trustfabric"
SETTINGS = yaml.safe_load((PROGRAM / f"Pulumi.{STACK}.yaml").read_text(encoding="utf-8"))["config"]


def expand(template: str, matrix: dict[str, list[str]]) -> list[str]:
    """A job name with `${{ matrix.X }}` for every combination of the matrix, as GitHub names its checks."""
    keys = [key for key in matrix if f"${{{{ matrix.{key} }}}}" in template]
    names = []
    for values in product(*(matrix[key] for key in keys)):
        name = template
        for key, value in zip(keys, values, strict=True):
            name = name.replace(f"${{{{ matrix.{key} }}}}", value)
        names.append(name)
    return names


def pr_check_names() -> list[str]:
    """The status checks pr.yml reports that every pull request runs (the cloud preview runs only with credentials)."""
    names = []
    for job_id, job in load_workflow(REPO_ROOT / ".github" / "workflows" / "pr.yml")["jobs"].items():
        if job_id == "policy-pack-preview":
            continue
        names += expand(job["name"], job.get("strategy", {}).get("matrix", {}))
    return names


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def test_the_required_checks_are_the_gate_jobs_of_pr_yml():
    assert pr_check_names() == ["lint", "test", "gate (prod)", "gate (dr)", "gate (dev)"]
    assert SETTINGS["trust-fabric-github:requiredChecks"] == pr_check_names()
    assert list(GATE_CHECKS) == pr_check_names()  # the policy's default


def test_the_teams_are_the_code_owners():
    codeowners = (REPO_ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    owners = set(re.findall(r"@trust-fabric/([\w-]+)", codeowners))
    assert owners == set(SETTINGS["trust-fabric-github:teams"]) == {"platform", "security"}
    rules = dict(line.split(None, 1) for line in codeowners.splitlines() if line.strip() and not line.startswith("#"))
    assert rules["/policies/"].strip() == "@trust-fabric/security"
    assert rules["/compliance/"].strip() == "@trust-fabric/security"
    assert rules["/stacks/"].strip() == "@trust-fabric/platform"
    assert rules["/components/"].strip() == "@trust-fabric/platform"


def test_the_environments_are_the_ones_the_workflows_use():
    used = set()
    for path in (REPO_ROOT / ".github" / "workflows").glob("*.yml"):
        used |= {job["environment"] for job in load_workflow(path)["jobs"].values() if "environment" in job}
    declared = {entry["name"]: entry.get("reviewers", []) for entry in SETTINGS["trust-fabric-github:environments"]}
    assert used == set(declared) == {"prod", "dr", "oncall", "evidence", "drills"}
    assert declared == {
        "prod": ["platform"],
        "dr": ["platform"],
        "oncall": ["platform"],
        "drills": ["platform"],
        "evidence": [],
    }


def test_preview_and_check_pass_under_the_offline_engine():
    preview = cli("preview", "--program", "github", "--stack", STACK)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.splitlines()[-1] == "10 resources of 4 types, 1 components, 0 providers, in 0 regions (-)"
    check = cli("check", "--program", "github", "--stack", STACK, "--format", "json")
    assert check.returncode == 0, check.stderr
    assert '"violations": []' in check.stdout


def test_the_program_declares_the_protection_teams_and_environments():
    graph = run_program(PROGRAM, STACK)
    [protection] = graph.of_type("github:index/branchProtection:BranchProtection")
    assert protection.props["requiredStatusChecks"] == [{"contexts": pr_check_names(), "strict": True}]
    assert protection.parent is not None and protection.parent.endswith(
        "trustfabric:governance:BranchProtection::trust-fabric"
    )
    teams = {team.props["name"]: team for team in graph.of_type("github:index/team:Team")}
    assert {name: team.props["privacy"] for name, team in teams.items()} == {"platform": "closed", "security": "closed"}
    access = {
        (grant.props["teamId"], grant.props["repository"], grant.props["permission"])
        for grant in graph.of_type("github:index/teamRepository:TeamRepository")
    }
    assert access == {("platform", "trust-fabric", "push"), ("security", "trust-fabric", "push")}
    environments = {
        environment.props["environment"]: environment.props.get("reviewers")
        for environment in graph.of_type("github:index/repositoryEnvironment:RepositoryEnvironment")
    }
    # Offline, a team's id is its name (the engine's mock); for real it is the team's number.
    assert environments == {
        "prod": [{"teams": ["platform"]}],
        "dr": [{"teams": ["platform"]}],
        "oncall": [{"teams": ["platform"]}],
        "drills": [{"teams": ["platform"]}],
        "evidence": None,
    }


@pytest.fixture
def program_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "github"
    shutil.copytree(PROGRAM, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def write_settings(program: Path, **changes: object) -> None:
    path = program / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"].update({f"trust-fabric-github:{key}": value for key, value in changes.items()})
    path.write_text(yaml.safe_dump(document), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"environments": [{"name": "prod", "reviewers": ["auditors"]}]},
            "Pulumi.repository.yaml: trust-fabric-github:environments[0].reviewers: 'auditors' is not a team of "
            "trust-fabric-github:teams; allowed: platform, security",
        ),
        (
            {"environments": [{"name": "prod", "reviewer": ["platform"]}]},
            "Pulumi.repository.yaml: trust-fabric-github:environments[0].reviewer: unknown key; allowed: name, "
            "reviewers, waitTimerMinutes",
        ),
        (
            {"requiredChecks": []},
            "BranchProtection: required_checks: must not be empty",
        ),
        (
            {"teams": {"security": ""}},
            "Pulumi.repository.yaml: trust-fabric-github:teams.security: must be a description (text)",
        ),
    ],
)
def test_bad_settings_fail_in_one_line_with_exit_2(program_copy, changes, message):
    write_settings(program_copy, **changes)
    result = cli("preview", "--program", str(program_copy), "--stack", STACK)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
