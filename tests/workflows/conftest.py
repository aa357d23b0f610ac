"""The workflows as data: each `.github/workflows/*.yml` parsed once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS_DIR.glob("*.yml"))
BIN = REPO_ROOT / ".venv" / "bin"


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file as YAML 1.1 reads it, with the `on:` key (read as True by YAML 1.1) under "on"."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="session")
def workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load_workflow(path) for path in WORKFLOW_FILES}
