"""Shared fixtures. Programs run through the offline engine, which installs the SDK's mocks for each run in a
fresh context, so no test needs to set mocks itself and nothing leaks between runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[1]

_GRAPHS: dict[str, ResourceGraph] = {}


@pytest.fixture(scope="session", autouse=True)
def _junit_records_the_commit(record_testsuite_property) -> None:
    """`make test`'s reports/junit.xml names the commit it tested: an evidence package takes test results only
    from a run of its own commit (trustfabric/evidence/inputs.py `junit_commit`)."""
    from trustfabric.evidence.package import git_state

    state = git_state(REPO_ROOT)
    record_testsuite_property("commit", state["commit"])
    record_testsuite_property("dirty", str(state["dirty"]).lower())


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def stack_graph():
    """The repository's stacks, each run once per session: `stack_graph("prod")`. Do not mutate the result."""

    def get(stack: str) -> ResourceGraph:
        if stack not in _GRAPHS:
            _GRAPHS[stack] = run_program(REPO_ROOT, stack)
        return _GRAPHS[stack]

    return get


# checkov's verdict cache (trustfabric.bridge.cache) is off in tests, so every test sees checkov run (and the
# processes tests start inherit it); tests/trustfabric/bridge/test_cache.py turns it on in a directory of its own.
os.environ["TRUSTFABRIC_NO_CACHE"] = "1"
