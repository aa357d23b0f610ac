"""The one place the tests reach into pytest's JUnit XML writer (a private name of pytest, pinned in
pyproject.toml): `tests/test_junit.py` fails loudly when another pytest moves it.

pytest's `record_testsuite_property` fixture does nothing on pytest-xdist workers, which write no report (pytest
issue 7767); the controller writes reports/junit.xml, so the suite's properties are recorded there, through the
same writer object the fixture itself uses.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _pytest.junitxml import xml_key

PYTEST_VERSION = "9.2.0"
"""The pytest this adapter was read from."""


def testsuite_properties(config: pytest.Config) -> Callable[[str, object], None] | None:
    """Adds a `<property>` to the root `<testsuite>` of the report this process writes; None when it writes none
    (no `--junitxml`, or an xdist worker)."""
    xml = config.stash.get(xml_key, None)
    return None if xml is None else xml.add_global_property
