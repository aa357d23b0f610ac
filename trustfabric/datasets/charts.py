"""Charts of the dataset report, drawn with matplotlib and returned as inline SVG.

- `slice_chart`: accuracy of every slice as a bar against its threshold (a black tick) and the previous run
  (a hollow diamond); bars below their threshold are red, regressed ones orange.
- `drift_chart`: accuracy across the history's runs (overall and per jurisdiction), with the overall threshold.

SVG text stays text (selectable, searchable) and the output is deterministic (fixed hash salt, no date), so the
same record gives the same bytes.

Usage::

    svg = slice_chart(record["slices"])          # "<svg ...>...</svg>"
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context
from matplotlib.figure import Figure

GREEN, RED, ORANGE, GREY = "#2e7d32", "#c62828", "#ef6c00", "#9e9e9e"
_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "trustfabric-datasets",
    "font.size": 9,
    "font.family": "DejaVu Sans",
}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def slice_chart(slices: Sequence[dict[str, Any]]) -> str:
    rows = list(reversed(slices))  # overall on top
    with rc_context(_STYLE):  # type: ignore[arg-type]  # matplotlib's stubs list the keys as literals
        figure = Figure(figsize=(7.5, 0.32 * len(rows) + 0.9))
        axes = figure.subplots()
        labels = ["overall" if r["dimension"] == "overall" else f"{r['dimension']}={r['value']}" for r in rows]
        colours = [ORANGE if r["regressed"] else GREEN if r["meets_threshold"] else RED for r in rows]
        positions = list(range(len(rows)))
        axes.barh(positions, [r["accuracy"] * 100 for r in rows], color=colours, height=0.6)
        axes.scatter(
            [r["threshold"] * 100 for r in rows],
            positions,
            marker="|",
            s=220,
            color="black",
            label="threshold",
            zorder=3,
        )
        previous = [
            (r["previous_accuracy"] * 100, p)
            for r, p in zip(rows, positions, strict=True)
            if r["previous_accuracy"] is not None
        ]
        if previous:
            xs, ys = zip(*previous, strict=True)
            axes.scatter(
                xs,
                ys,
                marker="D",
                s=22,
                facecolors="none",
                edgecolors="#1a237e",
                label="previous run",
                zorder=4,
            )
        axes.set_yticks(positions, labels)
        axes.set_xlim(0, 102)
        axes.set_xlabel("accuracy (%)")
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)


def drift_chart(points: Sequence[dict[str, Any]], threshold: float) -> str:
    """`points`: one per run, oldest first: {"label", "overall", "jurisdictions": {code: accuracy}}."""
    with rc_context(_STYLE):  # type: ignore[arg-type]
        figure = Figure(figsize=(7.5, 3.2))
        axes = figure.subplots()
        positions = list(range(len(points)))
        axes.plot(
            positions, [p["overall"] * 100 for p in points], marker="o", color="black", label="overall", linewidth=2
        )
        codes = sorted({code for p in points for code in p["jurisdictions"]})
        for code in codes:
            series = [(i, p["jurisdictions"][code] * 100) for i, p in enumerate(points) if code in p["jurisdictions"]]
            axes.plot(*zip(*series, strict=True), marker=".", linewidth=1, label=code)
        axes.axhline(threshold * 100, color=RED, linestyle="--", linewidth=1, label="overall threshold")
        axes.set_xticks(positions, [p["label"] for p in points], rotation=20, ha="right")
        axes.set_ylabel("accuracy (%)")
        low = min(
            [p["overall"] for p in points] + [v for p in points for v in p["jurisdictions"].values()] + [threshold]
        )
        axes.set_ylim(max(0.0, low * 100 - 5), 100.5)
        axes.legend(loc="lower left", frameon=False, ncol=3)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)
