"""The ledger over an audit period: a control's timeline, and an auditor's reproducible sample of runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trustfabric.helpers import invoke
from trustfabric.evidence.history import period, sample, timeline
from trustfabric.evidence.ledger import ControlRecord, LedgerRun, append_run

KEY = Ed25519PrivateKey.generate()
START = dt.datetime(2026, 1, 1, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run every other day through 2026 H1 and into July; CC6.1 fails in March, A1.3 only every tenth run."""
    directory = tmp_path_factory.mktemp("history") / "ledger"
    for number in range(100):
        moment = START + dt.timedelta(days=2 * number)
        controls = {
            "SOC2 CC6.1": ControlRecord("fail" if moment.month == 3 else "pass", {"gate.json": f"{number:064x}"})
        }
        if number % 10 == 0:
            controls["SOC2 A1.3"] = ControlRecord("pass", {"drills/quarterly.json": f"{number + 1:064x}"})
        stamp = moment.isoformat().replace("+00:00", "Z")
        append_run(
            directory,
            LedgerRun(f"run-{number:03d}", stamp, f"{number:040x}", "prod", controls, f"evidence/run-{number:03d}"),
            KEY,
        )
    return directory


def test_timeline_shows_the_control_across_the_period(ledger: Path) -> None:
    rows = timeline(ledger, "SOC2 CC6.1", since=dt.date(2026, 2, 25), until=dt.date(2026, 3, 6))
    assert [(row.time[:10], row.result) for row in rows] == [
        ("2026-02-26", "pass"),
        ("2026-02-28", "pass"),
        ("2026-03-02", "fail"),
        ("2026-03-04", "fail"),
        ("2026-03-06", "fail"),
    ]
    result = invoke(
        "evidence",
        "timeline",
        "--control",
        "SOC2 CC6.1",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-31",
        "--ledger",
        ledger,
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "SOC2 CC6.1: 15 runs from 2026-03-01 to 2026-03-31"
    assert result.stdout.splitlines()[-1] == "15 fail"


def test_the_sample_is_reproducible_for_a_seed_and_stays_in_the_period(ledger: Path) -> None:
    start, end = period("2026-01-01..2026-06-30")
    first = sample(ledger, start, end, n=25, seed="2026-h1")
    second = sample(ledger, start, end, n=25, seed="2026-h1")
    other = sample(ledger, start, end, n=25, seed="another")
    assert first == second
    assert [r.run_id for r in first["SOC2 CC6.1"]] != [r.run_id for r in other["SOC2 CC6.1"]]
    assert len(first["SOC2 CC6.1"]) == 25 and len({r.run_id for r in first["SOC2 CC6.1"]}) == 25
    assert all("2026-01-01" <= r.time[:10] <= "2026-06-30" for r in first["SOC2 CC6.1"])
    assert len(first["SOC2 A1.3"]) == 10  # fewer runs than n in the period: every one of them
    assert first["SOC2 A1.3"][0].evidence == {"drills/quarterly.json": f"{1:064x}"}
    only = sample(ledger, start, end, n=25, seed="2026-h1", controls=["SOC2 CC6.1"])
    assert only["SOC2 CC6.1"] == first["SOC2 CC6.1"]  # another control's draw does not change this one


def test_sample_cli_prints_each_run_with_its_files(ledger: Path) -> None:
    args = ("evidence", "sample", "--period", "2026-01-01..2026-06-30", "--n", "3", "--seed", "s1", "--ledger", ledger)
    text = invoke(*args)
    as_json = invoke(*args, "--format", "json")
    assert text.exit_code == 0 and text.stdout == invoke(*args).stdout
    lines = text.stdout.splitlines()
    assert lines[0] == "sample of 3 runs per control, 2026-01-01..2026-06-30, seed 's1'"
    assert "SOC2 CC6.1: 3 runs" in lines
    document = json.loads(as_json.stdout)
    drawn = document["controls"]["SOC2 CC6.1"]
    for run in drawn:
        assert f"  {run['time']}  {run['result']:<15} run {run['run_id']}  package {run['package']}" in lines
        assert f"    gate.json  sha256:{run['evidence']['gate.json']}" in lines
    assert all(run["package"].startswith("evidence/run-") and run["evidence"] for run in drawn)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--period", "2026-01-01", "--n", "3", "--seed", "s"),
            "error: --period: '2026-01-01' is not a period; allowed: YYYY-MM-DD..YYYY-MM-DD\n",
        ),
        (
            ("--period", "2026-06-30..2026-01-01", "--n", "3", "--seed", "s"),
            "error: --period: '2026-06-30..2026-01-01' ends before it starts\n",
        ),
        (
            ("--period", "2026-01-01..2026-06-30", "--n", "0", "--seed", "s"),
            "error: --n: 0 is not allowed; allowed: a whole number >= 1\n",
        ),
    ],
)
def test_bad_sample_input_is_exit_2(ledger: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke("evidence", "sample", *args, "--ledger", ledger)
    assert (result.exit_code, result.stderr) == (2, message)
