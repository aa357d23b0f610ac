"""The quarter's drill report: one Markdown table over the drill reports (JSON) of a drills workflow run.

Each drill (`trustfabric drill restore|failover ...`) writes `<drill>-<jurisdiction>-<time>.json` and `.md` into
the reports folder; this reads the JSON files, never re-runs anything, and writes `quarterly-<quarter>.md` beside
them (the evidence package collects the JSON reports from the same folder). Exit 0 when every drill passed,
1 when one failed, 2 when there is no report to summarise.

Usage::

    python3 .github/scripts/quarterly_drill_report.py reports/drills --quarter 2026-Q3 [--run-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

COLUMNS = ("Drill", "Jurisdiction", "Result", "Verdict", "Endpoint", "Started (UTC)", "Duration (s)")


def quarter_of(day: dt.date) -> str:
    """`2026-Q3` for any day of July to September 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def load_reports(folder: Path) -> list[dict[str, Any]]:
    """Every drill report in the folder, ordered by drill, jurisdiction and start time."""
    reports = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "drill" in data and "jurisdiction" in data:
            data["_file"] = path.with_suffix(".md").name
            reports.append(data)
    return sorted(reports, key=lambda r: (str(r["drill"]), str(r["jurisdiction"]), str(r.get("started_at"))))


def render(reports: list[dict[str, Any]], quarter: str, run_url: str | None) -> str:
    passed = sum(1 for report in reports if report.get("passed") is True)
    lines = [f"# Quarterly drill report: {quarter}", ""]
    if run_url:
        lines += [f"Workflow run: {run_url}", ""]
    lines += [
        f"{len(reports)} drills: {passed} passed, {len(reports) - passed} failed.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for report in reports:
        row = (
            report["drill"],
            report["jurisdiction"],
            "PASSED" if report.get("passed") is True else "FAILED",
            report.get("verdict", ""),
            report.get("endpoint_url", ""),
            report.get("started_at", ""),
            report.get("duration_seconds", ""),
        )
        lines.append("| " + " | ".join(_cell(value) for value in row) + " |")
    lines += ["", "Each drill's steps and measurements: " + ", ".join(f"`{r['_file']}`" for r in reports) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="The folder of drill reports (reports/drills).")
    parser.add_argument("--quarter", default=quarter_of(dt.datetime.now(dt.UTC).date()), help="e.g. 2026-Q3")
    parser.add_argument("--run-url", default=None, help="The workflow run the reports come from.")
    args = parser.parse_args(argv)
    reports = load_reports(args.folder) if args.folder.is_dir() else []
    if not reports:
        print(f"error: {args.folder}: no drill reports (*.json)", file=sys.stderr)
        return 2
    markdown = render(reports, args.quarter, args.run_url)
    (args.folder / f"quarterly-{args.quarter}.md").write_text(markdown, encoding="utf-8")
    sys.stdout.write(markdown)
    return 0 if all(report.get("passed") is True for report in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
