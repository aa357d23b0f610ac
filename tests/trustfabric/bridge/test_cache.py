"""checkov's verdicts are cached by what it scanned (trustfabric.bridge.cache): the same bridged files and the
same checkov reuse them, anything else runs checkov again, and suppressions are applied afresh on every run.

A stand-in checkov (`TRUSTFABRIC_CHECKOV`) counts its runs and prints a fixed report with one failure."""

from __future__ import annotations

import datetime as dt
import json
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from tests.trustfabric.helpers import STACK, write_program
from trustfabric.bridge.cache import cache_dir, verdict_key
from trustfabric.bridge.checkov import scan_graph
from trustfabric.engine import run_program
from trustfabric.reviewed import SUPPRESSIONS, parse_entries

PROGRAM = """
import pulumi_aws as aws

aws.kms.Key("ledger-key", description="ledger data")
"""
REPORT = [
    {
        "check_type": "terraform_plan",
        "results": {
            "passed_checks": [],
            "failed_checks": [
                {
                    "check_id": "CKV_AWS_7",
                    "check_name": "Ensure rotation for customer created CMKs is enabled",
                    "resource": "aws_kms_key.ledger-key",
                    "file_path": "/plan.json",
                }
            ],
            "parsing_errors": [],
        },
        "summary": {"passed": 0, "failed": 1, "checkov_version": "9.9.9"},
    }
]


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The stand-in checkov; returns the file it appends a line to on every run. The cache is on, in tmp_path."""
    runs = tmp_path / "runs.txt"
    executable = tmp_path / "bin" / "checkov"
    executable.parent.mkdir()
    executable.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            with open({str(runs)!r}, "a") as out:
                out.write("run\\n")
            print({json.dumps(json.dumps(REPORT))})
            """
        )
    )
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("TRUSTFABRIC_CHECKOV", str(executable))
    monkeypatch.delenv("TRUSTFABRIC_NO_CACHE", raising=False)
    monkeypatch.setenv("TRUSTFABRIC_CACHE_DIR", str(tmp_path / "cache"))
    return runs


def _runs(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def test_the_same_files_reuse_the_verdicts_and_other_files_run_checkov(tmp_path: Path, fake: Path) -> None:
    graph = run_program(write_program(tmp_path / "a", PROGRAM), STACK)
    first = scan_graph(graph)
    second = scan_graph(graph)
    assert _runs(fake) == 1
    assert (first.cached, second.cached) == (False, True)
    assert [f.policy for f in second.findings] == [f.policy for f in first.findings] == ["CKV_AWS_7"]
    assert "(verdicts cached)" in second.summary_line()
    assert "(verdicts cached)" not in first.summary_line()

    changed = run_program(write_program(tmp_path / "b", PROGRAM.replace("ledger data", "ledger rows")), STACK)
    assert scan_graph(changed).cached is False
    assert _runs(fake) == 2


def test_a_suppression_is_applied_afresh_to_cached_verdicts(tmp_path: Path, fake: Path) -> None:
    graph = run_program(write_program(tmp_path, PROGRAM), STACK)
    entry = {
        "check": "CKV_AWS_7",
        "resource": "ledger-key",
        "reason": "The ledger key is rotated by the quarterly re-encryption job, recorded in the key ledger.",
        "approver": "platform-security",
        "expires": "2026-12-31",
    }
    suppressions = parse_entries({"suppressions": [entry]}, "suppressions.yaml", SUPPRESSIONS, lambda *_: None)
    live = scan_graph(graph, suppressions=suppressions, today=dt.date(2026, 12, 1))
    expired = scan_graph(graph, suppressions=suppressions, today=dt.date(2027, 1, 1))
    assert _runs(fake) == 1 and expired.cached
    assert [f.policy for f in live.findings] == [] and len(live.suppressed) == 1
    kinds = sorted(f.extra.get("kind", "failure") for f in expired.findings)
    assert [f.policy for f in expired.findings] == ["CKV_AWS_7", "CKV_AWS_7"]
    assert kinds == ["expired-suppression", "failure"] and expired.suppressed == []


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, fake: Path) -> None:
    graph = run_program(write_program(tmp_path, PROGRAM), STACK)
    scan_graph(graph)
    directory = cache_dir()
    assert directory is not None
    (entry,) = directory.glob("*.json")
    entry.write_text("{not json")
    assert scan_graph(graph).cached is False
    assert _runs(fake) == 2
    assert json.loads(entry.read_text()) == REPORT


def test_no_cache_runs_checkov_every_time(tmp_path: Path, fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFABRIC_NO_CACHE", "1")
    graph = run_program(write_program(tmp_path, PROGRAM), STACK)
    assert not scan_graph(graph).cached and not scan_graph(graph).cached
    assert _runs(fake) == 2


def test_the_key_covers_names_bytes_frameworks_and_the_installation(tmp_path: Path) -> None:
    root = tmp_path / "scan"
    (root / "k8s").mkdir(parents=True)
    (root / "plan.json").write_text("{}")
    (root / "k8s" / "a.yaml").write_text("kind: Pod")
    executable = tmp_path / "checkov"
    executable.write_text("#!/bin/sh\n")
    base = verdict_key(root, executable, ("terraform_plan",))
    assert verdict_key(root, executable, ("terraform_plan",)) == base
    assert verdict_key(root, executable, ("terraform_plan", "kubernetes")) != base
    (root / "k8s" / "a.yaml").rename(root / "k8s" / "b.yaml")
    renamed = verdict_key(root, executable, ("terraform_plan",))
    assert renamed != base
    (root / "k8s" / "b.yaml").write_text("kind: Deployment")
    assert verdict_key(root, executable, ("terraform_plan",)) not in (base, renamed)
    before = verdict_key(root, executable, ("terraform_plan",))
    executable.write_text("#!/bin/sh\n# another checkov\n")
    assert verdict_key(root, executable, ("terraform_plan",)) != before
