"""The `oncall/` program's directory stack, run once for the module."""

from __future__ import annotations

import pytest

from tests.conftest import REPO_ROOT
from trustfabric.engine import run_program


@pytest.fixture(scope="module")
def directory_graph():
    return run_program(REPO_ROOT / "oncall", "pagerduty")
