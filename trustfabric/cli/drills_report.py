"""`trustfabric drill report --quarter 2026Q4`: the quarterly drill report (`trustfabric.drills.quarterly`).

Writes `quarterly-<quarter>.json` and `.md` into `--out` (default `reports/drills`, where `trustfabric
evidence` collects them for SOC 2 A1.3), prints one line per drill that did not pass, and exits 0 when every
jurisdiction's restore, PITR, failover and failback passed, 1 when any failed, is incomplete or missing, 2 for
bad input (a malformed quarter, a reports folder that does not exist).

Usage::

    trustfabric drill report --quarter 2026Q4 [--reports reports/drills] [--out reports/drills] \\
        [--include-stand-ins]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TrustFabricError
from .drills import drill_app

DEFAULT_DIR = Path("reports/drills")


def report_command(
    quarter: Annotated[str, typer.Option("--quarter", help="Calendar quarter, UTC: YYYYQn, e.g. 2026Q4.")],
    reports: Annotated[Path, typer.Option("--reports", help="Folder of JSON drill reports.")] = DEFAULT_DIR,
    out: Annotated[Path, typer.Option("--out", help="Folder for quarterly-<quarter>.json and .md.")] = DEFAULT_DIR,
    include_stand_ins: Annotated[
        bool,
        typer.Option("--include-stand-ins", help="Count runs on moto or a local PostgreSQL (practice, not evidence)."),
    ] = False,
) -> None:
    """The quarter's drills per jurisdiction, judged against each tier's objectives; exit 1 if any fails."""
    from ..drills.quarterly import build_quarterly, parse_quarter

    try:
        report = build_quarterly(parse_quarter(quarter), reports, include_stand_ins)
    except TrustFabricError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    json_path, markdown_path = report.write(out)
    for line in report.not_passed:
        typer.echo(f"not passed: {line}")
    typer.echo(f"quarterly {report.quarter.name}: {'PASSED' if report.passed else 'FAILED'}")
    typer.echo(f"report: {json_path}")
    typer.echo(f"report: {markdown_path}")
    sys.stdout.flush()
    raise typer.Exit(report.exit_code)


drill_app.command("report")(report_command)
