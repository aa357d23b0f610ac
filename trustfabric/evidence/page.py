"""The auditor's page: control-matrix.html, rendered from `templates/control-matrix.html.j2` (Jinja2).

One standalone file: inline CSS and an inline SVG chart, no script and nothing fetched from the network. At
the top, the controls per result for each framework (chart and table: the same numbers as the `summary` of
control-matrix.json) and which evidence inputs were present or absent; below, one collapsible `<details>` per
control (closed), grouped by framework, with its reasons, its policies (resources judged as counts by type, the
names in a nested list capped at `matrix.RESOURCES_SHOWN` with "and N more"), findings, drills, release
decisions (their own section), tests, and links to each policy's source and catalog entry and to the control's documents and procedure. Links are relative to the
repository root as seen from the package directory (`source_root`), so they resolve in a checkout.

Usage::

    from trustfabric.evidence.page import render_html

    html = render_html(results, stack="prod", generated="2026-01-02T03:04:05Z", source_root="../..")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from .matrix import ControlResult, anchor, capped_names, counts_by_framework, finding_text, summary_counts
from .status import STATUSES, ControlStatus

TEMPLATE = "control-matrix.html.j2"
POLICY_CATALOG = "docs/policies.md"
CHART_WIDTH = 640
"""Pixels of the longest bar; the others are scaled to the framework with the most controls."""
BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 130
TYPES_SHOWN = 6
"""Resource types listed per policy before the rest fold into "and N more types"."""


@dataclass(frozen=True)
class Segment:
    """One status's part of a framework's bar."""

    status: ControlStatus
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    framework: str
    total: int
    y: int
    segments: tuple[Segment, ...]


def chart_bars(by_framework: dict[str, dict[str, int]]) -> tuple[list[Bar], int]:
    """The stacked bars of the summary chart, and the chart's height."""
    widest = max((sum(counts.values()) for counts in by_framework.values()), default=0) or 1
    bars = []
    for row, (framework, counts) in enumerate(by_framework.items()):
        x = float(LABEL_WIDTH)
        segments = []
        for status in STATUSES:
            count = counts.get(status.value, 0)
            if count:
                width = CHART_WIDTH * count / widest
                segments.append(Segment(status, count, round(x, 2), round(width, 2)))
                x += width
        bars.append(Bar(framework, sum(counts.values()), row * (BAR_HEIGHT + BAR_GAP), tuple(segments)))
    return bars, max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)


def type_counts(resources: Sequence[Any]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(shown, folded): resource types by count, most first, split after TYPES_SHOWN."""
    counts: dict[str, int] = {}
    for resource in resources:
        counts[resource.type] = counts.get(resource.type, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ordered[:TYPES_SHOWN], ordered[TYPES_SHOWN:]


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("trustfabric.evidence", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        anchor=anchor, capped_names=capped_names, finding_text=finding_text, type_counts=type_counts
    )
    return environment


def _link(source_root: str, path: str) -> str:
    root = source_root.rstrip("/")
    return f"{root}/{path}" if root else path


def render_html(
    results: Sequence[ControlResult],
    *,
    stack: str,
    generated: str = "",
    commit: str = "",
    source_root: str = "",
    inputs: dict[str, list[str]] | None = None,
) -> str:
    """control-matrix.html (see the module docstring). `inputs`: the manifest's present and absent inputs."""
    by_framework = counts_by_framework(results)
    bars, chart_height = chart_bars(by_framework)
    grouped: dict[str, list[ControlResult]] = {}
    for result in results:
        grouped.setdefault(result.control.framework, []).append(result)
    context: dict[str, Any] = {
        "stack": stack,
        "generated": generated,
        "commit": commit,
        "statuses": STATUSES,
        "total": summary_counts(results),
        "by_framework": by_framework,
        "grouped": grouped,
        "bars": bars,
        "chart": {
            "width": LABEL_WIDTH + CHART_WIDTH + 60,
            "height": chart_height,
            "bar_height": BAR_HEIGHT,
            "label_width": LABEL_WIDTH,
        },
        "inputs": inputs or {"present": [], "absent": []},
        "link": lambda path: _link(source_root, path),
        "policy_catalog": POLICY_CATALOG,
    }
    return _environment().get_template(TEMPLATE).render(context)


__all__ = ["render_html"]
