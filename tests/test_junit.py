"""`make test`'s JUnit report, written whole and naming its commit whether the suite runs on xdist workers or in
one process: the evidence package takes test results only from a report of its own commit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import REPO_ROOT
from tests.junit import PYTEST_VERSION
from trustfabric.evidence.inputs import junit_commit, load_junit
from trustfabric.evidence.package import git_state

TEST_FILES = ("tests/domain/test_tiers.py", "tests/domain/test_retention.py")
"""Two small modules, so that a run on two workers hands one to each."""


def test_the_junit_adapter_was_read_from_this_pytest():
    assert pytest.__version__ == PYTEST_VERSION, f"pytest {pytest.__version__}: check tests/junit.py again"


@pytest.mark.parametrize("workers", ["2", "0"], ids=["xdist", "one-process"])
def test_the_report_names_the_commit_and_every_test(tmp_path: Path, workers: str):
    report = tmp_path / "junit.xml"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-n",
            workers,
            f"--basetemp={tmp_path / 'basetemp'}",
            f"--junitxml={report}",
            *TEST_FILES,
        ],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert junit_commit(report) == git_state(REPO_ROOT)["commit"]
    properties = {p.get("name"): p.get("value") for p in ElementTree.parse(report).iter("property")}
    assert properties["dirty"] in ("true", "false")
    records = load_junit(report, REPO_ROOT)
    assert sorted(records) == sorted(TEST_FILES)
    assert {record.status for record in records.values()} == {"pass"}
    suite = next(ElementTree.parse(report).iter("testsuite"))
    cases = list(suite.iter("testcase"))
    assert int(suite.get("tests", "0")) == len(cases) > 0
    assert f"{len(cases)} passed" in done.stdout
