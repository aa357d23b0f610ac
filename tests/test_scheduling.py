"""The suite's scheduling (tests/conftest.py): the slowest modules start first, each module's tests in order."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.conftest import REPO_ROOT, SLOW_FIRST, pytest_collection_modifyitems


def test_every_slow_module_exists_once() -> None:
    assert [path for path in SLOW_FIRST if not (REPO_ROOT / path).is_file()] == []
    assert len(set(SLOW_FIRST)) == len(SLOW_FIRST)


def test_the_slow_modules_go_first_in_their_order_and_each_module_keeps_its_order() -> None:
    fast, slowest, second = "tests/a/test_fast.py", SLOW_FIRST[0], SLOW_FIRST[1]
    collected = [f"{fast}::t1", f"{second}::t1", f"{fast}::t2", f"{slowest}::t2", f"{second}::t2", f"{slowest}::t1"]
    items: list[Any] = [SimpleNamespace(nodeid=nodeid) for nodeid in collected]
    pytest_collection_modifyitems(items)
    assert [item.nodeid for item in items] == [
        f"{slowest}::t2",
        f"{slowest}::t1",
        f"{second}::t1",
        f"{second}::t2",
        f"{fast}::t1",
        f"{fast}::t2",
    ]
