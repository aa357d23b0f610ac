"""Lazily exported packages: every name they export resolves to the object of its module, and nothing else does."""

import importlib
import re
import subprocess
import sys

import pytest

from trustfabric.lazy import lazy_exports

PACKAGES = ("trustfabric.drills", "trustfabric.drills.database")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves_to_its_modules_object(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        home = importlib.import_module(f"{package}.{module._HOMES[name]}")
        assert getattr(module, name) is getattr(home, name), name
    assert set(module._HOMES) == set(module.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match=re.escape("module 'trustfabric.drills' has no attribute 'nothing'")):
        lazy_exports("trustfabric.drills", {})("nothing")


def test_loading_the_cli_loads_no_drill_nor_the_access_workflow():
    code = (
        "import sys, trustfabric.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('trustfabric.drills.', 'trustfabric.access.', 'psycopg'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    # The drills' report, store names and ledger schema names are plain data (stdlib only); no drill, no driver.
    assert loaded == (
        "['trustfabric.drills.database', 'trustfabric.drills.database.ledger', 'trustfabric.drills.report', "
        "'trustfabric.drills.stores']"
    )
