"""The malformed-inputs suite: every bad input is one line on stderr naming the file and key, exit code 2, no
traceback, and no secret in any output.

Each case writes one bad file into a fresh copy of a small program (or of this repository's dev stack file,
run against the repository's `stacks/`) and runs the real CLI entry point, `trustfabric.cli.main`, in-process
(the console script is that function; `test_installed_command.py` runs the installed script itself). Cases
fail before any resource is declared, so the suite stays fast.
"""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from trustfabric.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
STACK = "test"
PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("ledger-key", description="ledger data", enable_key_rotation=True)
"""
PROJECT_FILE = "name: foreign\nruntime: python\n"
STACK_FILE = "config:\n  aws:region: eu-west-2\n  foreign:owner: platform\n"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str | Path]) -> Outcome:
    """`trustfabric ARGS` as the console script runs it: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(arg) for arg in args])
        except SystemExit as exit_info:
            code = exit_info.code if isinstance(exit_info.code, int) else (0 if exit_info.code is None else 1)
    return Outcome(code, out.getvalue(), err.getvalue())


def assert_bad_input(outcome: Outcome, *names: str, secrets: Iterable[str] = ()) -> str:
    """Exit 2, nothing on stdout, exactly one `error:` line on stderr naming every one of `names` (the file and
    the key), no traceback, and none of `secrets` anywhere. Returns the line."""
    assert outcome.code == 2, (outcome.code, outcome.stdout[-500:], outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.stdout == "", outcome.stdout[-500:]
    assert outcome.stderr.endswith("\n") and outcome.stderr.count("\n") == 1, outcome.stderr
    line = outcome.stderr.rstrip("\n")
    assert line.startswith("error: "), line
    assert len(line) < 600, line
    for name in names:
        assert name in line, (name, line)
    for secret in secrets:
        assert secret not in outcome.stdout + outcome.stderr, secret
    return line


@pytest.fixture
def foreign(tmp_path: Path) -> Callable[..., Path]:
    """A small foreign program in tmp_path (Pulumi.yaml, __main__.py, Pulumi.test.yaml), with any file replaced."""

    def write(
        stack_file: str | bytes = STACK_FILE, project_file: str | bytes = PROJECT_FILE, program: str = PROGRAM
    ) -> Path:
        directory = tmp_path / "program"
        directory.mkdir(exist_ok=True)
        _write(directory / "Pulumi.yaml", project_file)
        _write(directory / f"Pulumi.{STACK}.yaml", stack_file)
        (directory / "__main__.py").write_text(textwrap.dedent(program), encoding="utf-8")
        return directory

    return write


DEV_STACK_FILE = (REPO_ROOT / "Pulumi.dev.yaml").read_text(encoding="utf-8")


@pytest.fixture
def ours(tmp_path: Path) -> Callable[[str | bytes], Path]:
    """A copy of this repository's dev stack file (as given) in a program dir that runs the repository's stacks/."""

    def write(stack_file: str | bytes) -> Path:
        directory = tmp_path / "ours"
        directory.mkdir(exist_ok=True)
        (directory / "Pulumi.yaml").write_text(
            f"name: trust-fabric\nruntime: python\nmain: {REPO_ROOT / 'stacks'}\n", encoding="utf-8"
        )
        _write(directory / "Pulumi.dev.yaml", stack_file)
        return directory

    return write


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def yaml_text(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False)
