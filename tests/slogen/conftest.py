"""Fixtures: the real tools (a missing one fails with how to install it) and the artefacts generated once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from slogen.render import write_all

REPO = Path(__file__).resolve().parents[2]
INSTALL_HINT = {
    "promtool": "apt-get install prometheus (Debian); .ci/run installs it in CI",
    "amtool": "apt-get install prometheus-alertmanager (Debian); .ci/run installs it in CI",
}


def require_tool(name: str) -> str:
    """The tool's path; fails (never skips) when it is missing, since the proofs need the real tool."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not on PATH; {INSTALL_HINT[name]}", pytrace=False)
    return path


def run_tool(arguments: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a tool and return the finished process (stdout and stderr as text)."""
    return subprocess.run(arguments, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every artefact generated from the repository's `slos/`, written once per session."""
    out = tmp_path_factory.mktemp("observability")
    write_all(out, REPO / "slos")
    return out


@pytest.fixture(scope="session")
def promtool() -> str:
    return require_tool("promtool")


@pytest.fixture(scope="session")
def amtool() -> str:
    return require_tool("amtool")
