"""The tabletop-exercise ledger (`runbooks/tabletop/exercises.yaml`): the scenarios, the exercises held, and
which scenario has not been exercised within a year.

The ledger records only exercises that took place, each with its date, its participants (roles) and a link to
its findings. A scenario with no exercise is reported as never exercised, and counts as stale.

Usage::

    from trustfabric.incident.tabletop import load_ledger, scenario_status

    ledger = load_ledger(Path("runbooks/tabletop/exercises.yaml"))
    stale = [row for row in scenario_status(ledger, date.today()) if row.stale]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustfabric.errors import TrustFabricError

from ..paths import REPO_ROOT
from .documents import read_document, validate_document
from .timestamps import parse_date

DEFAULT_LEDGER = REPO_ROOT / "runbooks" / "tabletop" / "exercises.yaml"
MAX_AGE_DAYS = 365
"""A scenario last exercised more than this many days ago is stale."""


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    file: Path


@dataclass(frozen=True)
class Exercise:
    scenario: str
    date: dt.date
    participants: tuple[str, ...]
    findings: str
    notes: str = ""


@dataclass(frozen=True)
class Ledger:
    path: Path
    scenarios: tuple[Scenario, ...]
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class ScenarioStatus:
    scenario: Scenario
    last: Exercise | None
    today: dt.date

    @property
    def age_days(self) -> int | None:
        return (self.today - self.last.date).days if self.last else None

    @property
    def stale(self) -> bool:
        age = self.age_days
        return age is None or age > MAX_AGE_DAYS

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "file": self.scenario.file.as_posix(),
            "last_exercised": self.last.date.isoformat() if self.last else None,
            "age_days": self.age_days,
            "participants": list(self.last.participants) if self.last else [],
            "findings": self.last.findings if self.last else None,
            "stale": self.stale,
        }


def _is_url(text: str) -> bool:
    return text.startswith("https://")


def load_ledger(path: Path) -> Ledger:
    """Read and check the ledger: schema, known scenarios, scenario files and findings present, dates valid."""
    data = read_document(path)
    if data is None:
        raise TrustFabricError(f"{path}: empty file; the ledger is a mapping with scenarios and exercises")
    validate_document(data, "exercises", where=str(path))
    folder = path.parent
    scenarios: list[Scenario] = []
    for index, row in enumerate(data["scenarios"]):
        if any(scenario.id == row["id"] for scenario in scenarios):
            raise TrustFabricError(f"{path}: scenarios[{index}].id: {row['id']!r} is listed twice")
        if not (folder / row["file"]).is_file():
            raise TrustFabricError(f"{path}: scenarios[{index}].file: {row['file']} does not exist beside the ledger")
        scenarios.append(Scenario(id=row["id"], title=row["title"], file=Path(row["file"])))
    known = [scenario.id for scenario in scenarios]
    exercises: list[Exercise] = []
    for index, row in enumerate(data["exercises"]):
        where = f"{path}: exercises[{index}]"
        if row["scenario"] not in known:
            raise TrustFabricError(f"{where}.scenario: unknown scenario {row['scenario']!r}; known: {', '.join(known)}")
        findings = row["findings"]
        if not _is_url(findings) and not (folder / findings).is_file():
            raise TrustFabricError(
                f"{where}.findings: {findings} does not exist beside the ledger (a relative path or an https URL)"
            )
        exercises.append(
            Exercise(
                scenario=row["scenario"],
                date=parse_date(row["date"], where=f"{where}.date"),
                participants=tuple(row["participants"]),
                findings=findings,
                notes=row.get("notes", ""),
            )
        )
    return Ledger(path=path, scenarios=tuple(scenarios), exercises=tuple(exercises))


def scenario_status(ledger: Ledger, today: dt.date) -> list[ScenarioStatus]:
    """Each scenario with its latest exercise on or before `today`; an exercise dated later is bad input."""
    for index, exercise in enumerate(ledger.exercises):
        if exercise.date > today:
            raise TrustFabricError(
                f"{ledger.path}: exercises[{index}].date: {exercise.date.isoformat()} is after today "
                f"({today.isoformat()}); record exercises once they have taken place"
            )
    rows = []
    for scenario in ledger.scenarios:
        held = [exercise for exercise in ledger.exercises if exercise.scenario == scenario.id]
        last = max(held, key=lambda exercise: exercise.date, default=None)
        rows.append(ScenarioStatus(scenario=scenario, last=last, today=today))
    return rows
