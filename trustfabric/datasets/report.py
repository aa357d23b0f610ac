"""`datasets report`: one self-contained HTML page of an evaluation, for reviewers and the evidence package.

The page shows the verdict, accuracy by slice against its threshold (a table and a chart), the regressions
against the previous run highlighted, the drift of accuracy across the history's runs of the same dataset, the
most frequently failing fields and the first failing samples. Everything is inline (CSS, SVG charts); a Content
Security Policy forbids scripts and outside requests, so it opens the same from a CI artifact as locally. The
numbers come from the evaluation record only; `data-value` attributes carry them unrounded.

Usage::

    from trustfabric.datasets.report import write_report

    write_report(Path("reports/datasets/evaluation.json"), Path("reports/datasets/history"),
                 Path("reports/datasets/report.html"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..errors import TrustFabricError
from .charts import drift_chart, slice_chart
from .history import load_record, records
from .thresholds import percent

TEMPLATE = "report.html.j2"


def drift_points(history: Path | None, record: dict[str, Any]) -> list[dict[str, Any]]:
    """Overall and per-jurisdiction accuracy of each run of the record's dataset, oldest first (the record last,
    unless the history already holds it)."""
    runs = [found for _, found in records(history, record["dataset"]["name"])] if history is not None else []
    if not any(
        run["evaluated_at"] == record["evaluated_at"] and run["candidate"] == record["candidate"] for run in runs
    ):
        runs.append(record)
    points = []
    for run in runs:
        jurisdictions = {row["value"]: row["accuracy"] for row in run["slices"] if row["dimension"] == "jurisdiction"}
        points.append(
            {
                "label": f"{run['dataset']['version']} / {run['candidate']}",
                "evaluated_at": run["evaluated_at"],
                "candidate": run["candidate"],
                "dataset_version": run["dataset"]["version"],
                "overall": run["totals"]["accuracy"],
                "jurisdictions": jurisdictions,
            }
        )
    return points


def render_report(record: dict[str, Any], history: Path | None) -> str:
    environment = Environment(
        loader=PackageLoader("trustfabric.datasets", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["percent"] = percent
    points = drift_points(history, record)
    return environment.get_template(TEMPLATE).render(
        record=record,
        slices=record["slices"],
        regressed_slices=[row for row in record["slices"] if row["regressed"]],
        below=[row for row in record["slices"] if not row["meets_threshold"]],
        points=points,
        slice_svg=Markup(slice_chart(record["slices"])),
        drift_svg=Markup(drift_chart(points, record["thresholds"]["overall"])),
    )


def write_report(evaluation: Path, history: Path | None, out: Path) -> Path:
    record = load_record(evaluation)
    html = render_report(record, history)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"--out: {out}: cannot write: {error.strerror or error}") from None
    return out
