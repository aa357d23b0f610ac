"""The runbooks show the row verification with options the command really has; A1.3 cites the report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from trustfabric.cli import app

ROOT = Path(__file__).resolve().parents[4]


def verify_rows_options() -> set[str]:
    group: Any = typer.main.get_command(app)
    command = group.commands["drill"].commands["verify-rows"]
    return {name for parameter in command.params for name in parameter.opts}


@pytest.mark.parametrize("runbook", ["runbooks/restore.md", "runbooks/dr-failover.md"])
def test_the_runbook_verification_runs_verify_rows_with_real_options(runbook: str) -> None:
    text = (ROOT / runbook).read_text(encoding="utf-8")
    verification = text.split("## Verification", 1)[1].split("\n## ", 1)[0]
    command = verification.split(".venv/bin/trustfabric drill verify-rows", 1)[1].split("```", 1)[0]
    outer = re.sub(r'"\$\([^)]*\)"', "VALUE", command.replace("\\\n", " "))
    used = set(re.findall(r"(--[a-z-]+)", outer))

    assert used == {"--host", "--dbname", "--region", "--iam-secret-id", "--ca-bundle", "--seed-checksums"}
    assert used <= verify_rows_options()


def test_a13_cites_the_quarterly_report() -> None:
    controls = (ROOT / "compliance/controls.yaml").read_text(encoding="utf-8")
    a13 = controls.split("    A1.3:", 1)[1].split("\n    C1.1:", 1)[0]

    assert "      - quarterly\n" in a13
    assert (ROOT / "trustfabric/drills/quarterly.py").is_file()


def command_options(name: str) -> set[str]:
    group: Any = typer.main.get_command(app)
    return {option for parameter in group.commands["drill"].commands[name].params for option in parameter.opts}


@pytest.mark.parametrize(
    ("runbook", "command", "options"),
    [
        ("runbooks/restore.md", "restore", {"--jurisdiction", "--ca-bundle", "--reports-dir"}),
        ("runbooks/restore.md", "aws-pitr", {"--jurisdiction", "--ca-bundle", "--reports-dir"}),
        ("runbooks/dr-failover.md", "failover",
         {"--jurisdiction", "--reports-dir", "--ca-bundle", "--db-secret-id", "--commits"}),
    ],
)  # fmt: skip
def test_the_runbooks_show_the_aws_drills_with_real_options(runbook: str, command: str, options: set[str]) -> None:
    text = (ROOT / runbook).read_text(encoding="utf-8")
    verification = text.split("## Verification", 1)[1].split("\n## ", 1)[0]
    shown = verification.split(f".venv/bin/trustfabric drill {command} ", 1)[1].split("\n  .venv", 1)[0]
    used = set(re.findall(r"(--[a-z-]+)", shown.split("```", 1)[0].split("\njq ", 1)[0].split("\n  jq ", 1)[0]))

    assert used == options
    assert used <= command_options(command)
