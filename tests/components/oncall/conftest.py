"""Fixtures: the repository's stacks, each run once per session (tests/components/helpers.py), and the `oncall/`
program's directory stack."""

from __future__ import annotations

import pytest

from tests.components.helpers import dev, dr, prod
from tests.conftest import REPO_ROOT
from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

__all__ = ["dev", "directory", "dr", "prod"]


@pytest.fixture(scope="module")
def directory() -> ResourceGraph:
    return run_program(REPO_ROOT / "oncall", "pagerduty")
