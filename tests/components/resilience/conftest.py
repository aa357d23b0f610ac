"""Fixtures: the repository's stacks, each run once per session (tests/components/helpers.py), and `dr_active`.

`dr_active` runs the same program for the dr stack with `trust-fabric:role: active`, from a temporary program
directory whose `Pulumi.yaml` points `main:` back at the repository's `stacks/` (the stack files are copies).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.components.helpers import dev, dr, prod
from tests.conftest import REPO_ROOT
from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

__all__ = ["dev", "dr", "dr_active", "prod"]


def program_copy(directory: Path, role: str) -> Path:
    """A program dir running the repository's stacks/ with copies of its stack files, dr's role set to `role`."""
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    project["main"] = str(REPO_ROOT / "stacks")
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    shutil.copy(REPO_ROOT / "Pulumi.prod.yaml", directory / "Pulumi.prod.yaml")
    stack = yaml.safe_load((REPO_ROOT / "Pulumi.dr.yaml").read_text(encoding="utf-8"))
    stack["config"]["trust-fabric:role"] = role
    (directory / "Pulumi.dr.yaml").write_text(yaml.safe_dump(stack), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def dr_active(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ResourceGraph]:
    directory = program_copy(tmp_path_factory.mktemp("dr-active"), "active")
    yield run_program(directory, "dr")
