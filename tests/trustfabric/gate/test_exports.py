"""`trustfabric.gate` exports its names lazily: reporters import the policy record without the Pulumi SDK."""

from __future__ import annotations

import subprocess
import sys

import trustfabric.gate as gate


def test_every_export_has_one_home_and_resolves():
    assert sorted(gate.__all__) == sorted(name for names in gate._HOMES.values() for name in names)
    assert all(getattr(gate, name) is not None for name in gate.__all__)


def test_the_policy_record_imports_without_the_sdk():
    probe = "import sys, trustfabric.report, trustfabric.gate.info; print('pulumi_policy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "False\n"
