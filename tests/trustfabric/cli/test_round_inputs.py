"""Bad input on this round's new options: exit 2, one line naming the input, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TRUSTFABRIC = Path(sys.executable).with_name("trustfabric")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["drill", "aws-pitr", "-j", "FR"], "'FR'"),
        (["evidence", "verify", "{tmp}", "--ledger", "{tmp}/absent", "--kms-key-id", "alias/evidence"], "absent"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], named: str) -> None:
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    result = subprocess.run([str(TRUSTFABRIC), *argv], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and lines[0].startswith("error:")
    assert "Traceback" not in result.stderr + result.stdout
