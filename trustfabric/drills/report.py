"""Drill reports: every step with its status and duration, the measurements, written as JSON and Markdown.

A step ends in one of three states, and the report never shows a step as done that did not run:

- `done`: the step ran and its check held;
- `skipped (reason)`: the step did not run (a dependency failed, `--keep`, or the endpoint has no such API);
- `failed (reason)`: the step ran and its call or its check failed.

Usage::

    run = DrillRun("restore", "UK", endpoint_url=None)
    run.step("s3: create bucket", lambda step: create_bucket(...))
    run.measure("records_lost", 0)
    outcome = run.conclude(problems=[], success="every record restored", reports_dir=DEFAULT_REPORTS_DIR)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

DEFAULT_REPORTS_DIR = Path("reports/drills")
"""Where the drills write their reports unless told otherwise (relative to the working directory)."""

DONE = "done"
SKIPPED = "skipped"
FAILED = "failed"

T = TypeVar("T")


class StepSkipped(Exception):
    """Raised inside a step to record it as `skipped (reason)`."""


class StepFailed(Exception):
    """Raised inside a step to record it as `failed (reason)`: a check that did not hold."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds") if moment else None


@dataclass
class Step:
    """One step of a drill, as it ran."""

    name: str
    """What the step does, e.g. `dynamodb: restore_table_from_backup`."""
    status: str = DONE
    """done, skipped or failed."""
    reason: str = ""
    """Why the step was skipped or failed (empty when done)."""
    started_at: dt.datetime = field(default_factory=utc_now)
    duration_seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    """Identifiers, counts and notes the step produced (JSON-serialisable)."""

    @property
    def label(self) -> str:
        """`done`, `skipped (reason)` or `failed (reason)`."""
        return self.status if self.status == DONE else f"{self.status} ({self.reason})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "label": self.label,
            "started_at": iso(self.started_at),
            "duration_seconds": round(self.duration_seconds, 3),
            "details": self.details,
        }


def _error_reason(error: BaseException) -> str:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        operation = getattr(error, "operation_name", "call")
        return f"{operation}: {info.get('Code', 'error')}: {info.get('Message', '')}".strip()
    if isinstance(error, BotoCoreError):
        return f"{type(error).__name__}: {error}"
    return f"{type(error).__name__}: {error}"


@dataclass
class DrillRun:
    """The steps and measurements of one drill run; `finish` turns it into a written report."""

    drill: str
    """restore, failover, failback or seed."""
    jurisdiction: str
    endpoint_url: str | None
    echo: Callable[[str], None] | None = None
    """Where one progress line per step goes; default stderr."""
    steps: list[Step] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    started_at: dt.datetime = field(default_factory=utc_now)
    _clock_start: float = field(default_factory=time.monotonic)

    def _say(self, line: str) -> None:
        if self.echo is not None:
            self.echo(line)
        else:
            print(line, file=sys.stderr, flush=True)

    def elapsed(self) -> float:
        """Seconds since the drill started (monotonic clock)."""
        return time.monotonic() - self._clock_start

    def step(
        self, name: str, action: Callable[[Step], T], *, needs: Iterable[str | None] = (), skip: str = ""
    ) -> T | None:
        """Run one step: record done, skipped or failed, its duration and details; return the action's result.

        `needs` names earlier steps that must be done (a None entry means "a prerequisite that did not run");
        when one is not, the step is skipped naming it. `skip` skips the step with that reason.
        """
        record = Step(name=name)
        self.steps.append(record)
        self._say(f"[{self.drill} {self.jurisdiction}] {len(self.steps):>2} {name} ...")
        start = time.monotonic()
        result: T | None = None
        missing = [need for need in needs if need is None or not self.is_done(need)]
        if skip:
            record.status, record.reason = SKIPPED, skip
        elif missing:
            record.status = SKIPPED
            record.reason = "needs " + ", ".join(need or "a prerequisite" for need in missing)
        else:
            try:
                result = action(record)
            except StepSkipped as reason:
                record.status, record.reason = SKIPPED, str(reason)
            except StepFailed as reason:
                record.status, record.reason = FAILED, str(reason)
            except Exception as error:  # a drill records every failure and carries on to cleanup
                record.status, record.reason = FAILED, _error_reason(error)
        record.duration_seconds = time.monotonic() - start
        self._say(
            f"[{self.drill} {self.jurisdiction}] {len(self.steps):>2} {name}: {record.label}"
            f" ({record.duration_seconds:.2f}s)"
        )
        return result

    def is_done(self, name: str) -> bool:
        return any(step.name == name and step.status == DONE for step in self.steps)

    def get(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)

    @property
    def failed_steps(self) -> list[Step]:
        return [step for step in self.steps if step.status == FAILED]

    def measure(self, key: str, value: Any) -> None:
        self.measurements[key] = value

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def failure_summary(self) -> str:
        """`N step(s) failed, first: <step>: <reason>`, or "" when no step failed."""
        failed = self.failed_steps
        if not failed:
            return ""
        return f"{len(failed)} step(s) failed, first: {failed[0].name}: {failed[0].reason}"

    def conclude(
        self, problems: list[str], success: str, reports_dir: Path, next_steps: list[str] | None = None
    ) -> DrillOutcome:
        """Pass when there is no problem (verdict `success`, the next steps printed), else fail with the problems;
        write the report into `reports_dir`."""
        passed = not problems
        report = self.finish(passed, success if passed else "; ".join(problems), next_steps if passed else None)
        json_path, markdown_path = report.write(reports_dir)
        return DrillOutcome(report, json_path, markdown_path)

    def finish(self, passed: bool, verdict: str, next_steps: list[str] | None = None) -> DrillReport:
        """Freeze the run into a report."""
        return DrillReport(
            drill=self.drill,
            jurisdiction=self.jurisdiction,
            endpoint_url=self.endpoint_url,
            started_at=self.started_at,
            finished_at=utc_now(),
            duration_seconds=self.elapsed(),
            passed=passed,
            verdict=verdict,
            steps=list(self.steps),
            measurements=dict(self.measurements),
            notes=list(self.notes),
            next_steps=list(next_steps or []),
        )


@dataclass(frozen=True)
class DrillReport:
    """The outcome of a drill: what an auditor reads and what `trustfabric evidence` can collect."""

    drill: str
    jurisdiction: str
    endpoint_url: str | None
    started_at: dt.datetime
    finished_at: dt.datetime
    duration_seconds: float
    passed: bool
    verdict: str
    """One sentence: why the drill passed or failed."""
    steps: list[Step]
    measurements: dict[str, Any]
    notes: list[str]
    next_steps: list[str]
    """Commands the operator runs next (never run by the drill itself)."""

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def stem(self) -> str:
        """`<drill>-<jurisdiction>-<UTC timestamp>`: the file name of both report files."""
        return f"{self.drill}-{self.jurisdiction}-{self.started_at.strftime('%Y%m%dT%H%M%S%fZ')}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "drill": self.drill,
            "jurisdiction": self.jurisdiction,
            "endpoint_url": self.endpoint_url or "AWS default endpoints",
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "duration_seconds": round(self.duration_seconds, 3),
            "passed": self.passed,
            "result": "passed" if self.passed else "failed",
            "verdict": self.verdict,
            "steps": [step.as_dict() for step in self.steps],
            "measurements": self.measurements,
            "notes": self.notes,
            "next_steps": self.next_steps,
        }

    def to_markdown(self) -> str:
        lines = [
            f"# Drill report: {self.drill} {self.jurisdiction}",
            "",
            f"- Result: **{'PASSED' if self.passed else 'FAILED'}**: {self.verdict}",
            f"- Endpoint: {self.endpoint_url or 'AWS default endpoints'}",
            f"- Started: {iso(self.started_at)}; finished: {iso(self.finished_at)}; "
            f"duration {self.duration_seconds:.2f}s",
            "",
            "## Steps",
            "",
            "| # | Step | Status | Duration (s) |",
            "|---|---|---|---|",
        ]
        for number, step in enumerate(self.steps, start=1):
            label = step.label.replace("|", "\\|")
            lines.append(f"| {number} | {step.name} | {label} | {step.duration_seconds:.3f} |")
        lines += ["", "## Measurements", "", "| Measurement | Value |", "|---|---|"]
        for key, value in self.measurements.items():
            text = json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else str(value)
            escaped = text.replace("|", "\\|")
            lines.append(f"| {key} | {escaped} |")
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {note}" for note in self.notes]
        if self.next_steps:
            lines += ["", "## Next step (run by the operator, not by the drill)", "", "```"]
            lines += [*self.next_steps, "```"]
        return "\n".join(lines) + "\n"

    def write(self, reports_dir: Path) -> tuple[Path, Path]:
        """Write `<stem>.json` and `<stem>.md` into the folder (created if needed); return both paths."""
        reports_dir.mkdir(parents=True, exist_ok=True)
        json_path = reports_dir / f"{self.stem}.json"
        markdown_path = reports_dir / f"{self.stem}.md"
        json_path.write_text(json.dumps(self.as_dict(), indent=2, default=str) + "\n", encoding="utf-8")
        markdown_path.write_text(self.to_markdown(), encoding="utf-8")
        return json_path, markdown_path


@dataclass(frozen=True)
class DrillOutcome:
    """A finished drill: the report and where it was written."""

    report: DrillReport
    json_path: Path
    markdown_path: Path

    @property
    def exit_code(self) -> int:
        return self.report.exit_code
