"""The gate-run cache: `check` then `evidence` (and a second `check`) of the same inputs gate once; any changed
input gates again; the stored graph holds no secret value and bridges to the same plan."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import trustfabric.engine
from tests.trustfabric.helpers import CLEAN_PROGRAM, SEEDED_PROGRAM, STACK, invoke, pack_policies, write_program
from trustfabric.engine import run_program
from trustfabric.evidence.inputs import plan_sha256
from trustfabric.gate.cache import cache_dir, gate_run_key, graph_dict, graph_from_dict, run_key

SECRET_PROGRAM = """
import pulumi
import pulumi_aws as aws

token = pulumi.Output.secret("hunter2-not-for-files")
aws.secretsmanager.SecretVersion(
    "api-token",
    secret_id="api-token",
    secret_string=token,
)
aws.kms.Key("vault-key", description="vault unseal", enable_key_rotation=True)
"""


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Caching on (in a fresh directory), and every program run counted."""
    monkeypatch.delenv("TRUSTFABRIC_NO_CACHE", raising=False)
    monkeypatch.setenv("TRUSTFABRIC_CACHE_DIR", str(tmp_path / "cache"))
    counted: list[str] = []
    real: Callable[..., Any] = trustfabric.engine.run_program

    def counting(program_dir: Any, stack: str, **kwargs: Any) -> Any:
        counted.append(stack)
        return real(program_dir, stack, **kwargs)

    monkeypatch.setattr(trustfabric.engine, "run_program", counting)
    return counted


def test_check_then_check_then_evidence_run_the_program_once(tmp_path: Path, runs: list[str]) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    first = invoke("check", "--stack", STACK, "--program", program, "--format", "json")
    second = invoke("check", "--stack", STACK, "--program", program, "--format", "json")
    assert (first.exit_code, second.exit_code) == (1, 1)
    assert second.stdout == first.stdout
    assert "its results reused" in second.stderr and "its results reused" not in first.stderr
    reused = invoke("evidence", "--stack", STACK, "--program", program, "--out", tmp_path / "reused")
    assert reused.exit_code == 0, reused.stderr
    assert runs == [STACK]

    manifest = json.loads((tmp_path / "reused" / "manifest.json").read_text())
    assert manifest["gate"]["reused_run"]["inputs_sha256"]
    assert manifest["gate"]["findings"] == len(json.loads(first.stdout)["violations"])


def test_evidence_from_a_reused_run_matches_one_that_ran(
    tmp_path: Path, runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    assert invoke("check", "--stack", STACK, "--program", program).exit_code == 1
    assert invoke("evidence", "--stack", STACK, "--program", program, "--out", tmp_path / "reused").exit_code == 0
    monkeypatch.setenv("TRUSTFABRIC_NO_CACHE", "1")
    assert invoke("evidence", "--stack", STACK, "--program", program, "--out", tmp_path / "ran").exit_code == 0
    assert runs == [STACK, STACK]
    for name in ("gate.json", "gate.sarif", "policies.md"):
        assert (tmp_path / "reused" / name).read_text() == (tmp_path / "ran" / name).read_text(), name
    matrices = [json.loads((tmp_path / out / "control-matrix.json").read_text()) for out in ("reused", "ran")]
    for matrix in matrices:
        matrix.pop("generated_at", None)
    assert matrices[0] == matrices[1]
    ran = json.loads((tmp_path / "ran" / "manifest.json").read_text())
    assert ran["gate"]["reused_run"] is None


def test_a_changed_program_runs_again(tmp_path: Path, runs: list[str]) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    seeded = invoke("check", "--stack", STACK, "--program", program)
    assert "ledger-key" in seeded.stdout
    (program / "__main__.py").write_text(CLEAN_PROGRAM)
    fixed = invoke("check", "--stack", STACK, "--program", program)
    assert "ledger-key" not in fixed.stdout and "vault-key" in fixed.stdout
    assert "its results reused" not in fixed.stderr
    assert runs == [STACK, STACK]


CHANGES: dict[str, Callable[[Path, pytest.MonkeyPatch], dict[str, Any]]] = {
    "program file": lambda program, _: (program / "__main__.py").write_text(SEEDED_PROGRAM + "\n# edited\n") and {},
    "stack file": lambda program, _: (
        (program / f"Pulumi.{STACK}.yaml").write_text("config:\n  aws:region: eu-west-1\n") and {}
    ),
    "new file in the program": lambda program, _: (program / "helpers.py").write_text("X = 1\n") and {},
    "policy config": lambda program, _: {"policy_config_file": _written(program.parent / "p.yaml", "{}\n")},
    "exemptions": lambda program, _: {"exemptions_file": _written(program.parent / "e.yaml", "exemptions: []\n")},
    "suppressions": lambda program, _: {"suppressions_file": _written(program.parent / "s.yaml", "x: 1\n")},
    "max lifetime": lambda program, _: {"max_lifetime_days": 30},
    "the day": lambda program, _: {"today": dt.date.today() + dt.timedelta(days=1)},
    "environment": lambda program, patch: patch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "/x") or {},
    "policies": lambda program, _: {"policies": pack_policies()[1:]},
}


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_changed_input_gives_another_key(
    change: str, tmp_path: Path, runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    policies = pack_policies()
    before = run_key(program, STACK, policies=policies)
    assert run_key(program, STACK, policies=policies) == before
    overrides = CHANGES[change](program, monkeypatch)
    after = run_key(program, STACK, **{"policies": policies, **overrides})
    assert after.digest != before.digest
    assert after.slot == before.slot


def test_outputs_written_into_the_program_dir_do_not_change_the_key(tmp_path: Path, runs: list[str]) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    policies = pack_policies()
    before = run_key(program, STACK, policies=policies)
    for name in ("reports/checkov/test.json", "evidence/test/manifest.json", "__pycache__/x.pyc"):
        (program / name).parent.mkdir(parents=True, exist_ok=True)
        (program / name).write_text("{}")
    assert run_key(program, STACK, policies=policies) == before


def test_no_cache_keeps_nothing(tmp_path: Path, runs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFABRIC_NO_CACHE", "1")
    program = write_program(tmp_path, SEEDED_PROGRAM)
    assert gate_run_key(program, STACK, policies=pack_policies()) is None
    assert invoke("check", "--stack", STACK, "--program", program).exit_code == 1
    assert invoke("check", "--stack", STACK, "--program", program).exit_code == 1
    assert runs == [STACK, STACK]
    assert not (tmp_path / "cache").exists()


def test_a_corrupt_or_foreign_entry_is_ignored(tmp_path: Path, runs: list[str]) -> None:
    program = write_program(tmp_path, SEEDED_PROGRAM)
    assert invoke("check", "--stack", STACK, "--program", program).exit_code == 1
    directory = cache_dir()
    assert directory is not None
    (entry,) = directory.glob("*.json")
    data = json.loads(entry.read_text())
    data["key"] = "0" * 64
    entry.write_text(json.dumps(data))
    assert invoke("check", "--stack", STACK, "--program", program).exit_code == 1
    entry.write_text("{not json")
    assert invoke("check", "--stack", STACK, "--program", program).exit_code == 1
    assert runs == [STACK, STACK, STACK]
    assert json.loads(entry.read_text())["key"] != "0" * 64


def test_the_stored_graph_holds_no_secret_and_bridges_to_the_same_plan(tmp_path: Path, runs: list[str]) -> None:
    program = write_program(tmp_path, SECRET_PROGRAM)
    graph = run_program(program, STACK)
    assert "hunter2-not-for-files" in json.dumps([r.inputs for r in graph])
    stored = json.dumps(graph_dict(graph))
    assert "hunter2-not-for-files" not in stored
    back = graph_from_dict(json.loads(stored))
    assert list(back.resources) == list(graph.resources)
    assert plan_sha256(back) == plan_sha256(graph)

    assert invoke("check", "--stack", STACK, "--program", program).exit_code in (0, 1)
    directory = cache_dir()
    assert directory is not None
    assert "hunter2-not-for-files" not in "".join(path.read_text() for path in directory.glob("*.json"))


def test_no_cache_entry_of_an_evidence_build_holds_a_secret(tmp_path: Path, runs: list[str]) -> None:
    """The gate run and the derived documents' templates (trustfabric.evidence.derived) that an evidence build
    keeps: none holds the secret; the second build reuses both and writes the same documents."""
    program = write_program(tmp_path, SECRET_PROGRAM)
    for out in ("first", "second"):
        result = invoke("evidence", "--stack", STACK, "--program", program, "--out", tmp_path / out)
        assert result.exit_code == 0, result.stderr
    assert runs == [STACK]
    directory = cache_dir()
    assert directory is not None
    entries = [path for path in directory.parent.rglob("*") if path.is_file()]
    assert {path.parent.name for path in entries} == {"gate", "evidence"}
    assert len([path for path in entries if path.suffix == ".tmpl"]) == 3
    assert not any(b"hunter2-not-for-files" in path.read_bytes() for path in entries)
    first, second = (
        json.loads((tmp_path / out / "assessment-results.json").read_text()) for out in ("first", "second")
    )
    assert [item["uuid"] for item in first["assessment-results"]["results"][0]["observations"]] == [
        item["uuid"] for item in second["assessment-results"]["results"][0]["observations"]
    ]
