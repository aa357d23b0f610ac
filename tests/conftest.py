"""Shared fixtures. Programs run through the offline engine, which installs the SDK's mocks for each run in a
fresh context, so no test needs to set mocks itself and nothing leaks between runs.

Parallel safety: `make test` runs the suite on pytest-xdist workers (one per core, `--dist loadfile`: the tests
of one module stay on one worker, so a module fixture runs once). Each test must pass on any worker, beside any
other test and beside another engineer's run in the same checkout:

- Write only under `tmp_path` / `tmp_path_factory` (one directory per worker), never into the checkout: give
  the CLI `--out` / `--reports` in tmp_path, or run it with `cwd=tmp_path`. A cache kept in the checkout on
  purpose (`.cache/`) is built under `checkout_lock(name)`.
- Servers listen on 127.0.0.1 at a free port (moto's `ThreadedMotoServer(port=0)`, PostgreSQL's
  `free_port()`): one server per worker, never a fixed port.
- A session fixture runs once per worker. A slow one whose result pickles (a stack's graph) is built once per
  run and handed to every worker with `once_per_run(tmp_path_factory, key, build)`.
- Environment variables and module globals belong to one worker process: change them with `monkeypatch`.
- Tests that must share one process go to one worker with `@pytest.mark.xdist_group("name")`.

Scheduling: a worker takes the next module as it runs out of work, in collection order (pyproject's
`--no-loadscope-reorder`), and `SLOW_FIRST` moves the modules that take minutes to the front, so that no worker
starts one of them while the other has nothing left to do.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

from trustfabric.engine import run_program
from trustfabric.graph import ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = REPO_ROOT / ".cache"
"""What the tests keep in the checkout between runs on purpose (virtualenvs), ignored by git."""

SLOW_FIRST = (
    "tests/robustness/test_programs_own_interpreter.py",
    "tests/stacks/mutations/test_mutations.py",
    "tests/workflows/test_gate_steps.py",
    "tests/trustfabric/gate/test_fast_analyzer.py",
    "tests/trustfabric/cli/test_cli.py",
    "tests/trustfabric/evidence/test_package.py",
    "tests/policies/stack/test_dr_readiness.py",
    "tests/slogen/test_promtool.py",
    "tests/trustfabric/evidence/test_decisions_and_tests.py",
    "tests/workflows/test_release_gate_job.py",
    "tests/trustfabric/evidence/test_oscal_schema.py",
    "tests/trustfabric/evidence/test_manifest.py",
    "tests/stacks/test_settings.py",
    "tests/policies/test_served_pack.py",
)
"""The slowest modules, slowest first, as `pytest --durations=80` of the whole suite shows them (sum a module's
setup and call times); tests/test_scheduling.py checks that each exists. Refresh it when the suite's tail grows."""

_GRAPHS: dict[str, ResourceGraph] = {}
T = TypeVar("T")


def pytest_sessionstart(session: pytest.Session) -> None:
    """`make test`'s reports/junit.xml names the commit it tested: an evidence package takes test results only
    from a run of its own commit (trustfabric/evidence/inputs.py `junit_commit`). Recorded by the process that
    writes the report (under xdist the controller: the workers' `record_testsuite_property` is a no-op)."""
    from tests.junit import testsuite_properties
    from trustfabric.evidence.package import git_state

    properties = testsuite_properties(session.config)
    if properties is not None:
        state = git_state(REPO_ROOT)
        properties("commit", state["commit"])
        properties("dirty", str(state["dirty"]).lower())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules of `SLOW_FIRST` first, in its order; every other module after them in collection order, and
    the tests of each module in their own order (every worker sorts its collection the same way)."""
    rank = {path: index for index, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(SLOW_FIRST)))


@contextmanager
def checkout_lock(name: str) -> Iterator[None]:
    """Hold `.cache/<name>.lock` (between workers and between runs in this checkout) while building `name`."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(str(CACHE_DIR / f"{name}.lock")):
        yield


def once_per_run(factory: pytest.TempPathFactory, key: str, build: Callable[[], T]) -> T:
    """`build()` once for the whole run: the first worker to ask builds it and pickles it into the run's shared
    temporary directory, the others wait for it and load it (a plain run just builds it)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build()
    path = factory.getbasetemp().parent / f"shared-{key}.pickle"
    with FileLock(str(path.with_suffix(".lock"))):
        if path.is_file():
            return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
        value = build()
        path.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def stack_graph(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ResourceGraph]:
    """The repository's stacks, each run once per run (whichever worker asks first): `stack_graph("prod")`.
    Do not mutate the result."""

    def get(stack: str) -> ResourceGraph:
        if stack not in _GRAPHS:
            _GRAPHS[stack] = once_per_run(tmp_path_factory, f"graph-{stack}", lambda: run_program(REPO_ROOT, stack))
        return _GRAPHS[stack]

    return get


# checkov's verdict cache (trustfabric.bridge.cache) is off in tests, so every test sees checkov run (and the
# processes tests start inherit it); tests/trustfabric/bridge/test_cache.py turns it on in a directory of its own.
os.environ["TRUSTFABRIC_NO_CACHE"] = "1"
