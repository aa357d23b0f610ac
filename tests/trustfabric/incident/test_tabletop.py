"""The tabletop kit: scenarios with every part, the exercise ledger, and `incident tabletop` on fixed dates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from trustfabric.incident.tabletop import DEFAULT_LEDGER, load_ledger

REPO_ROOT = Path(__file__).resolve().parents[3]
TABLETOP = REPO_ROOT / "runbooks" / "tabletop"
SCENARIOS = ["ransomware-ledger", "leaked-deploy-credentials", "region-loss-filing-season", "wrong-tax-figures"]
PARTS = ["Objectives", "Participants", "Injects", "Expected decisions", "Runbooks exercised", "Evidence to keep"]


def test_the_repository_ledger_lists_every_scenario_and_no_exercise_yet(run) -> None:
    ledger = load_ledger(DEFAULT_LEDGER)
    assert [scenario.id for scenario in ledger.scenarios] == SCENARIOS
    assert sorted(f"{scenario.id}.md" for scenario in ledger.scenarios) == sorted(
        path.name for path in TABLETOP.glob("*.md") if path.name != "README.md"
    )
    # Nothing has been exercised: the ledger must not claim otherwise.
    assert ledger.exercises == ()

    result = run("tabletop", "--now", "2026-06-01", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(row["scenario"], row["last_exercised"], row["stale"]) for row in report["scenarios"]] == [
        (scenario, None, True) for scenario in SCENARIOS
    ]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_has_every_part_and_links_runbooks_that_exist(scenario: str) -> None:
    text = (TABLETOP / f"{scenario}.md").read_text()
    assert re.findall(r"^## (.+)$", text, re.M) == PARTS
    injects = re.findall(r"^\| (T\+\d+) \|", text, re.M)
    assert injects[0] == "T+0" and len(injects) >= 5
    minutes = [int(mark[2:]) for mark in injects]
    assert minutes == sorted(minutes)
    links = re.findall(r"\]\((\.\./[^)#]+\.md)(?:#[^)]*)?\)", text)
    assert links, scenario
    for link in links:
        assert (TABLETOP / link).resolve().is_file(), link
    assert "postmortem-template.md" in text
    runbooks_part = text.split("## Runbooks exercised", 1)[1].split("## ", 1)[0]
    assert len(re.findall(r"^- \[", runbooks_part, re.M)) >= 3


def ledger(tmp_path: Path, exercises: list[dict], scenarios: list[dict] | None = None) -> Path:
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    (tmp_path / "findings").mkdir(exist_ok=True)
    (tmp_path / "findings" / "a.md").write_text("# findings\n", encoding="utf-8")
    data = {
        "scenarios": scenarios
        or [{"id": "a", "title": "Scenario A", "file": "a.md"}, {"id": "b", "title": "Scenario B", "file": "b.md"}],
        "exercises": exercises,
    }
    path = tmp_path / "exercises.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def held(scenario: str, date: str, findings: str = "findings/a.md") -> dict:
    return {"scenario": scenario, "date": date, "participants": ["incident commander", "DPO"], "findings": findings}


def test_an_exercise_within_365_days_is_current_and_a_day_more_is_stale(run, tmp_path: Path) -> None:
    path = ledger(
        tmp_path,
        [
            held("a", "2025-03-01"),
            held("a", "2025-06-01"),  # the latest one counts
            held("b", "2025-05-31", findings="https://tracker.example/TT-7"),
        ],
    )

    # 2025-06-01 + 365 days = 2026-06-01; 2025-05-31 + 366 days = 2026-06-01
    result = run("tabletop", "--ledger", path, "--now", "2026-06-01", "--format", "json")

    assert result.exit_code == 1
    rows = {row["scenario"]: row for row in json.loads(result.stdout)["scenarios"]}
    assert (rows["a"]["last_exercised"], rows["a"]["age_days"], rows["a"]["stale"]) == ("2025-06-01", 365, False)
    assert (rows["b"]["age_days"], rows["b"]["stale"], rows["b"]["findings"]) == (
        366,
        True,
        "https://tracker.example/TT-7",
    )

    result = run("tabletop", "--ledger", path, "--now", "2026-05-31")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[3].split() == ["a", "2025-06-01", "364", "days", "ago", "ok", "Scenario", "A"]
    assert lines[-1] == "every scenario exercised within a year"


@pytest.mark.parametrize(
    ("exercises", "scenarios", "message"),
    [
        ([held("c", "2026-01-01")], None, "exercises[0].scenario: unknown scenario 'c'; known: a, b"),
        (
            [held("a", "2026-01-01", findings="findings/missing.md")],
            None,
            "exercises[0].findings: findings/missing.md does not exist beside the ledger (a relative path or an "
            "https URL)",
        ),
        ([held("a", "1 March 2026")], None, "exercises[0].date: '1 March 2026' does not match a date YYYY-MM-DD"),
        ([held("a", "2026-02-30")], None, "exercises[0].date: '2026-02-30' is not a date YYYY-MM-DD"),
        ([dict(held("a", "2026-01-01"), participants=[])], None, "exercises[0].participants: must not be empty"),
        (
            [{"scenario": "a", "date": "2026-01-01", "findings": "findings/a.md"}],
            None,
            "exercises[0].participants: missing (required)",
        ),
        (
            [held("a", "2026-07-01")],
            None,
            "exercises[0].date: 2026-07-01 is after today (2026-06-01); record exercises once they have taken place",
        ),
        (
            [],
            [{"id": "a", "title": "A", "file": "a.md"}, {"id": "a", "title": "A again", "file": "b.md"}],
            "scenarios[1].id: 'a' is listed twice",
        ),
        ([], [{"id": "z", "title": "Z", "file": "z.md"}], "scenarios[0].file: z.md does not exist beside the ledger"),
    ],
)
def test_a_bad_ledger_is_one_line_naming_the_file_and_key(run, tmp_path: Path, exercises, scenarios, message) -> None:
    path = ledger(tmp_path, exercises, scenarios)

    result = run("tabletop", "--ledger", path, "--now", "2026-06-01")

    assert (result.exit_code, result.stderr) == (2, f"error: {path}: {message}\n")
    assert result.stdout == ""


def test_bad_options(run, tmp_path: Path) -> None:
    result = run("tabletop", "--now", "June")
    assert (result.exit_code, result.stderr) == (2, "error: --now: 'June' is not a date YYYY-MM-DD\n")
    result = run("tabletop", "--ledger", tmp_path / "none.yaml")
    assert (result.exit_code, result.stderr) == (2, f"error: {tmp_path / 'none.yaml'}: no such file\n")
