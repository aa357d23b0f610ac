"""Bad command-line arguments: one line naming the option and what is allowed, exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.conftest import STACK, assert_bad_input, run_cli


@pytest.mark.parametrize(
    ("stack", "names"),
    [
        ("../etc", ("--stack", "'../etc' is not a valid stack name")),
        ("a b", ("--stack", "not a valid stack name")),
        ("s" * 500, ("--stack", "...")),
        ("dev\n", ("--stack",)),
        (".hidden", ("--stack",)),
        ("qa", ("Pulumi.qa.yaml", "no such stack file", "stacks here: test")),
    ],
    ids=["traversal", "space", "500-characters", "newline", "hidden", "missing"],
)
@pytest.mark.parametrize("command", ["preview", "check", "diff"])
def test_a_bad_stack_name_is_one_line(foreign: Callable[..., Path], command: str, stack: str, names: tuple[str, ...]):
    if command == "diff" and stack == "qa":  # diff reads the stack's snapshot first
        names = ("qa.json", "no snapshot for stack 'qa'; run make golden")
    assert_bad_input(run_cli([command, "--stack", stack, "--program", foreign()]), *names)


@pytest.mark.parametrize("command", ["preview", "check"])
def test_a_program_dir_that_is_not_one_is_one_line(command: str, tmp_path: Path):
    assert_bad_input(run_cli([command, "--stack", STACK, "--program", tmp_path / "nowhere"]), "nowhere")
    assert_bad_input(run_cli([command, "--stack", STACK, "--program", tmp_path]), str(tmp_path), "no Pulumi.yaml")


def test_an_option_file_that_does_not_exist_is_one_line(foreign: Callable[..., Path], tmp_path: Path):
    missing = tmp_path / "missing.yaml"
    for option in ("--policy-config", "--exemptions"):
        outcome = run_cli(["check", "--stack", STACK, "--program", foreign(), option, missing])
        assert_bad_input(outcome, "missing.yaml", "cannot read")
