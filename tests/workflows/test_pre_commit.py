"""pre-commit: the config is valid, its hooks run the pinned tools of .venv, and the gate hook gates exactly the
stacks a commit changes (here in a scratch repository whose `.venv/bin/trustfabric` records its arguments)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from tests.workflows.conftest import BIN, REPO_ROOT

HOOK = REPO_ROOT / ".github" / "hooks" / "gate-changed-stacks"


def test_the_config_is_valid_and_uses_the_pinned_tools():
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format", "gate-changed-stacks"}
    assert hooks["ruff"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    assert hooks["gate-changed-stacks"]["entry"] == ".github/hooks/gate-changed-stacks"


def scratch_repository(tmp_path: Path) -> Path:
    repository = tmp_path / "repo"
    (repository / ".venv" / "bin").mkdir(parents=True)
    (repository / "stacks").mkdir()
    for stack in ("prod", "dr", "dev"):
        (repository / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    (repository / "Pulumi.yaml").write_text("name: x\nruntime: python\n")
    recorder = repository / ".venv" / "bin" / "trustfabric"
    recorder.write_text('#!/usr/bin/env bash\necho "$*" >> gated.txt\n[ "$3" != failing ]\n')
    recorder.chmod(0o755)
    subprocess.run(["git", "init", "-q", str(repository)], check=True, timeout=30)
    return repository


def run_hook(repository: Path, *files: str) -> tuple[int, list[str]]:
    hook = repository / "hook"
    shutil.copy(HOOK, hook)
    result = subprocess.run([str(hook), *files], cwd=repository, capture_output=True, text=True, timeout=60)
    gated = repository / "gated.txt"
    calls = gated.read_text().splitlines() if gated.exists() else []
    gated.unlink(missing_ok=True)
    return result.returncode, calls


def test_the_gate_hook_gates_the_changed_stacks(tmp_path):
    repository = scratch_repository(tmp_path)
    assert run_hook(repository, "Pulumi.dr.yaml") == (0, ["check --stack dr"])
    assert run_hook(repository, "Pulumi.dev.yaml", "Pulumi.dr.yaml", "Pulumi.dev.yaml") == (
        0,
        ["check --stack dev", "check --stack dr"],
    )
    assert run_hook(repository, "stacks/cell.py", "Pulumi.dr.yaml") == (
        0,
        ["check --stack dev", "check --stack dr", "check --stack prod"],
    )
    assert run_hook(repository, "Pulumi.yaml") == (0, [])


def test_a_failing_gate_fails_the_hook_after_gating_every_stack(tmp_path):
    repository = scratch_repository(tmp_path)
    (repository / "Pulumi.failing.yaml").write_text("config: {}\n")
    assert run_hook(repository, "Pulumi.failing.yaml", "Pulumi.prod.yaml") == (
        1,
        ["check --stack failing", "check --stack prod"],
    )
