"""The quarterly drill report: every jurisdiction's restore, PITR, failover and failback, judged per tier.

Reads the JSON drill reports (`trustfabric.drills.report.DrillReport.as_dict`, plus the database drills'
added fields, `trustfabric.drills.database.results`) whose `started_at` falls in the quarter (UTC), and
writes `quarterly-<quarter>.json` and `.md`: the evidence SOC 2 A1.3 cites (`compliance/controls.yaml`; the
JSON's `drill: quarterly` and `result` are what `trustfabric evidence` reads).

For each jurisdiction (`domain.residency`) and drill, the newest run of the quarter decides (every run is
counted and failed runs are listed). A drill is

- **pass** when that run passed and every figure is within the tier's objective (`domain.tiers`, re-judged
  here from the numbers, not from the run's own flags): restore and PITR, `measurements.tiers.<tier>`
  RPO and RTO against the restore objectives, 0 records lost, 0 ledger rows lost, changed or unexpected, and
  for PITR 0 acknowledged transactions missing; failover and failback, `measurements.rto_seconds.<tier>`
  against the failover RTO and `measurements.data_loss` (tier0) against the failover RPO (0 lost when the
  run required it);
- **fail** when the run failed or a figure misses its objective;
- **incomplete** when a figure the judgement needs is absent: a restore without row-level verification of
  the ledger (`rows_lost`), a PITR without the commit check, a failover/failback without `data_loss`;
- **missing** when the quarter has no run at all. Missing and incomplete never pass.

Runs on a stand-in (a moto endpoint, a local scratch PostgreSQL: any `endpoint_url` other than the AWS
default endpoints, or `environment: local`) prove the procedure, not production: they count only with
`include_stand_ins` (the report says so), and are otherwise listed as practice runs.

Usage::

    report = build_quarterly(parse_quarter("2026Q4"), Path("reports/drills"))
    json_path, markdown_path = report.write(Path("reports/drills"))
    raise SystemExit(report.exit_code)      # 0 every drill passed, 1 any failed, incomplete or missing
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.residency import CODES
from trustfabric.errors import TrustFabricError

from .common import FAILOVER_TARGETS, RESTORE_TARGETS, TierTarget

DRILLS: tuple[str, ...] = ("restore", "pitr", "failover", "failback")
AWS_ENDPOINTS = "AWS default endpoints"
"""What a drill report's `endpoint_url` says for a run against the real account."""
LEDGER_TIER = "tier0"
PASS, FAIL, INCOMPLETE, MISSING = "pass", "fail", "incomplete", "missing"


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter in UTC: [start, end)."""

    name: str
    start: dt.datetime
    end: dt.datetime

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def parse_quarter(text: str) -> Quarter:
    """`2026Q4` -> Quarter; TrustFabricError (exit 2) for anything else."""
    match = re.fullmatch(r"(\d{4})[Qq]([1-4])", text.strip())
    if not match:
        raise TrustFabricError(f"--quarter: {text!r} is not a quarter; expected YYYYQn with n 1-4, e.g. 2026Q4")
    year, number = int(match.group(1)), int(match.group(2))
    start = dt.datetime(year, 3 * number - 2, 1, tzinfo=dt.UTC)
    end = (
        dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
        if number == 4
        else dt.datetime(year, 3 * number + 1, 1, tzinfo=dt.UTC)
    )
    return Quarter(f"{year}Q{number}", start, end)


@dataclass(frozen=True)
class Run:
    """One drill report file."""

    path: Path
    drill: str
    jurisdiction: str
    started_at: dt.datetime
    data: dict[str, Any]

    @property
    def stand_in(self) -> bool:
        measurements = self.data.get("measurements") or {}
        return self.data.get("endpoint_url") != AWS_ENDPOINTS or measurements.get("environment") == "local"


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def load_runs(reports_dir: Path) -> tuple[list[Run], list[str]]:
    """Every drill report in the folder (not the quarterly reports or checksum files) and the files that are
    unreadable or not drill reports, each with the reason."""
    if not reports_dir.is_dir():
        raise TrustFabricError(f"--reports: {reports_dir} is not a directory")
    runs: list[Run] = []
    unreadable: list[str] = []
    for path in sorted(reports_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            unreadable.append(f"{path.name}: unreadable: {error}")
            continue
        if not isinstance(data, dict) or "format" in data or data.get("drill") == "quarterly":
            continue
        started = _parse_time(data.get("started_at"))
        if data.get("drill") not in DRILLS or not isinstance(data.get("jurisdiction"), str) or started is None:
            unreadable.append(f"{path.name}: not a drill report (drill, jurisdiction, started_at)")
            continue
        runs.append(Run(path, str(data["drill"]), str(data["jurisdiction"]), started, data))
    return runs, unreadable


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _within(what: str, value: Any, limit: int, problems: list[str], absent: list[str]) -> dict[str, Any]:
    measured = _number(value)
    if measured is None:
        absent.append(f"{what} not measured")
    elif measured > limit:
        problems.append(f"{what} {measured:g}s exceeds {limit}s")
    return {
        "measured_seconds": measured,
        "target_seconds": limit,
        "met": measured is not None and measured <= limit,
    }


def judge(run: Run) -> dict[str, Any]:
    """Status (pass, fail, incomplete), per-tier figures against the objectives, and the reasons."""
    measurements = run.data.get("measurements") or {}
    problems: list[str] = []
    absent: list[str] = []
    tiers: dict[str, dict[str, Any]] = {}
    if run.drill in ("restore", "pitr"):
        judged = measurements.get("tiers") or {}
        targets: dict[str, TierTarget] = RESTORE_TARGETS
        if LEDGER_TIER not in judged:
            absent.append(f"{LEDGER_TIER} not measured")
        for tier, figures in sorted(judged.items()):
            if tier in targets and isinstance(figures, dict):
                tiers[tier] = {
                    "rpo": _within(
                        f"{tier} RPO", figures.get("rpo_seconds"), targets[tier].rpo_seconds, problems, absent
                    ),
                    "rto": _within(
                        f"{tier} RTO", figures.get("rto_seconds"), targets[tier].rto_seconds, problems, absent
                    ),
                }
        if (_number(measurements.get("records_lost")) or 0) > 0:
            problems.append(f"{measurements['records_lost']} record(s) lost")
        _judge_rows(measurements, problems, absent, required=True)
        if run.drill == "pitr":
            missing = _number(measurements.get("acknowledged_missing"))
            if missing is None:
                absent.append("acknowledged transactions not checked")
            elif missing:
                problems.append(f"{missing:g} acknowledged transaction(s) before the target missing")
    else:
        judged = measurements.get("rto_seconds") or {}
        for tier, figures in sorted(judged.items()):
            if tier in FAILOVER_TARGETS and isinstance(figures, dict):
                target = FAILOVER_TARGETS[tier]
                tiers[tier] = {
                    "rto": _within(f"{tier} RTO", figures.get("rto_seconds"), target.rto_seconds, problems, absent)
                }
        if LEDGER_TIER not in judged:
            absent.append(f"{LEDGER_TIER} RTO not measured")
        loss = measurements.get("data_loss")
        if not isinstance(loss, dict):
            absent.append(f"{LEDGER_TIER} data loss (acknowledged transactions missing) not measured")
        else:
            target = FAILOVER_TARGETS[LEDGER_TIER]
            figures = tiers.setdefault(LEDGER_TIER, {})
            figures["rpo"] = _within(
                f"{LEDGER_TIER} RPO", loss.get("rpo_seconds"), target.rpo_seconds, problems, absent
            )
            missing = _number(loss.get("acknowledged_missing"))
            figures["acknowledged_missing"] = missing
            if missing and loss.get("zero_loss_required"):
                problems.append(f"{missing:g} acknowledged transaction(s) lost where 0 is required")
        _judge_rows(measurements, problems, absent, required=False)
    if run.data.get("passed") is not True:
        problems.insert(0, f"the drill failed: {run.data.get('verdict', 'no verdict')}")
    status = FAIL if problems else INCOMPLETE if absent else PASS
    return {"status": status, "tiers": tiers, "reasons": problems + absent}


def _judge_rows(measurements: dict[str, Any], problems: list[str], absent: list[str], *, required: bool) -> None:
    """Ledger rows lost, changed or unexpected fail; a restore without row verification is incomplete."""
    lost = _number(measurements.get("rows_lost"))
    if lost is None:
        if required:
            absent.append(f"{LEDGER_TIER} ledger rows not verified (row-level checksums)")
        return
    changed = _number(measurements.get("rows_changed")) or 0
    unexpected = _number(measurements.get("rows_unexpected")) or 0
    tables = measurements.get("tables_missing") or []
    if lost or changed or unexpected or tables:
        problems.append(
            f"ledger rows: {lost:g} lost, {changed:g} changed, {unexpected:g} unexpected, "
            f"{len(tables)} table(s) missing"
        )


@dataclass
class QuarterlyReport:
    """The quarter's drills by jurisdiction, judged."""

    quarter: Quarter
    reports_dir: Path
    include_stand_ins: bool
    results: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def not_passed(self) -> list[str]:
        return [
            f"{code} {drill}: {result['status']}"
            for code, drills in self.results.items()
            for drill, result in drills.items()
            if result["status"] != PASS
        ]

    @property
    def passed(self) -> bool:
        return not self.not_passed

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "drill": "quarterly",
            "quarter": self.quarter.name,
            "period": {"start": self.quarter.start.isoformat(), "end": self.quarter.end.isoformat()},
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "passed": self.passed,
            "result": "passed" if self.passed else "failed",
            "summary": "every drill passed" if self.passed else "; ".join(self.not_passed),
            "stand_ins_counted": self.include_stand_ins,
            "reports_dir": str(self.reports_dir),
            "targets": {
                "restore": {tier: target.as_dict() for tier, target in RESTORE_TARGETS.items()},
                "failover": {tier: target.as_dict() for tier, target in FAILOVER_TARGETS.items()},
            },
            "jurisdictions": self.results,
            "unreadable": self.unreadable,
        }

    def to_markdown(self) -> str:
        lines = [
            f"# Quarterly drill report {self.quarter.name}",
            "",
            f"- Result: **{'PASSED' if self.passed else 'FAILED'}** ({len(self.not_passed)} drill(s) not passed)",
            f"- Period (UTC): {self.quarter.start.date()} to {self.quarter.end.date()} (exclusive)",
            f"- Source: `{self.reports_dir}`; stand-in runs (moto, local PostgreSQL) "
            + ("**counted** (not evidence of production recoverability)" if self.include_stand_ins else "not counted"),
            "- Objectives (`domain/tiers.py`): restore "
            + ", ".join(f"{t} RPO {v.rpo_seconds}s / RTO {v.rto_seconds}s" for t, v in RESTORE_TARGETS.items())
            + "; failover "
            + ", ".join(f"{t} RPO {v.rpo_seconds}s / RTO {v.rto_seconds}s" for t, v in FAILOVER_TARGETS.items()),
            "",
            "| Jurisdiction | Drill | Status | Runs (failed, practice) | Latest run | Figures | Reasons |",
            "|---|---|---|---|---|---|---|",
        ]
        for code, drills in self.results.items():
            for drill, result in drills.items():
                figures = (
                    "; ".join(
                        f"{tier} {kind.upper()} {value['measured_seconds']}s/{value['target_seconds']}s"
                        for tier, judged in result.get("tiers", {}).items()
                        for kind, value in judged.items()
                        if isinstance(value, dict)
                    )
                    or "-"
                )
                reasons = "; ".join(result.get("reasons", [])) or "-"
                latest = result.get("latest") or {}
                lines.append(
                    f"| {code} | {drill} | {result['status'].upper()} | {result['runs']} "
                    f"({len(result['failed_runs'])}, "
                    f"{result['practice_runs']}) | {latest.get('started_at', '-')} | {figures} | "
                    f"{reasons.replace('|', '/')} |"
                )
        if self.unreadable:
            lines += ["", "## Files not read", ""] + [f"- {item}" for item in self.unreadable]
        return "\n".join(lines) + "\n"

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path = out_dir / f"quarterly-{self.quarter.name}.json"
        markdown_path = out_dir / f"quarterly-{self.quarter.name}.md"
        json_path.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
        markdown_path.write_text(self.to_markdown(), encoding="utf-8")
        return json_path, markdown_path


def build_quarterly(quarter: Quarter, reports_dir: Path, include_stand_ins: bool = False) -> QuarterlyReport:
    """Judge every (jurisdiction, drill) of the quarter from the reports in `reports_dir`."""
    runs, unreadable = load_runs(reports_dir)
    report = QuarterlyReport(quarter, reports_dir, include_stand_ins, unreadable=unreadable)
    for code in CODES:
        report.results[code] = {}
        for drill in DRILLS:
            in_quarter = [
                r for r in runs if r.drill == drill and r.jurisdiction == code and quarter.contains(r.started_at)
            ]
            counted = sorted((r for r in in_quarter if include_stand_ins or not r.stand_in), key=lambda r: r.started_at)
            judged = [(run, judge(run)) for run in counted]
            entry: dict[str, Any] = {
                "runs": len(counted),
                "practice_runs": len(in_quarter) - len(counted),
                "failed_runs": [run.path.name for run, verdict in judged if verdict["status"] == FAIL],
            }
            if not judged:
                practice = f"; {entry['practice_runs']} stand-in run(s) not counted" if entry["practice_runs"] else ""
                entry.update(status=MISSING, tiers={}, reasons=[f"no {drill} drill report in {quarter.name}{practice}"])
            else:
                latest, verdict = judged[-1]
                entry.update(verdict)
                entry["latest"] = {
                    "file": latest.path.name,
                    "started_at": latest.started_at.isoformat(timespec="seconds"),
                    "endpoint": latest.data.get("endpoint_url"),
                    "stand_in": latest.stand_in,
                }
            report.results[code][drill] = entry
    return report
