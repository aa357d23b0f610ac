"""The installed console script itself (`.venv/bin/trustfabric`), for a few malformed inputs of each kind: the
same one line and exit code 2 as in-process, and never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.conftest import STACK, STACK_FILE

COMMAND = str(Path(sys.executable).parent / "trustfabric")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *map(str, args)], capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize(
    ("stack_file", "expected"),
    [
        (b"config:\n  foreign:owner: \xff\n", "not UTF-8 text: byte 0xff at line 2, column 18"),
        (STACK_FILE + "  foreign:owner: again\n", "foreign:owner: duplicate key 'foreign:owner' (first at line 3)"),
        (STACK_FILE + "  foreign:dbPassword: hunter2\n", "pulumi config set --secret foreign:dbPassword"),
    ],
    ids=["non-utf8", "duplicate-key", "plain-text-secret"],
)
def test_the_console_script_prints_one_line(foreign: Callable[..., Path], stack_file: str | bytes, expected: str):
    done = run("preview", "--stack", STACK, "--program", foreign(stack_file=stack_file), "--format", "json")
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("error: ") and f"Pulumi.{STACK}.yaml" in line and expected in line
    assert "hunter2" not in done.stderr


def test_an_impossible_exemption_date_from_the_console_script(foreign: Callable[..., Path], tmp_path: Path):
    exemptions = tmp_path / "exemptions.yaml"
    exemptions.write_text(
        "exemptions:\n  - policy: aws-kms-key-rotation-enabled\n    resource: ledger-key\n    reason: r\n"
        "    approver: a\n    expires: 2026-02-30\n"
    )
    done = run("check", "--stack", STACK, "--program", foreign(), "--exemptions", exemptions)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {exemptions}:6: exemptions[0].expires: '2026-02-30' is not a valid date or time: "
        "day is out of range for month\n"
    )
