"""Writing a findings report (text, JSON or SARIF) to stdout or a file: shared by every checking command."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import TrustFabricError
from .findings import Finding

FORMATS = ("text", "json", "sarif")


def check_format(output_format: str) -> None:
    if output_format not in FORMATS:
        raise TrustFabricError(f"--format: {output_format!r} is not allowed; allowed: {', '.join(FORMATS)}")


def emit_report(
    *,
    label: str,
    resources_count: int,
    findings: Sequence[Finding],
    exempted: Sequence[Finding] = (),
    output_format: str,
    output: Path | None,
    catalog: Sequence[Mapping[str, Any]],
    component_files: Mapping[str, str] | None = None,
) -> None:
    """Render the report in `output_format` and write it to `output` (or stdout; rich markup on a terminal)."""
    from .report import render_json, render_sarif, render_text

    check_format(output_format)
    if output_format == "json":
        text = render_json(label, resources_count, findings, exempted)
    elif output_format == "sarif":
        text = render_sarif(findings, catalog, stack=label, exempted=exempted, component_files=component_files)
    else:
        to_terminal = output is None and sys.stdout.isatty()
        text = render_text(
            findings, exempted=exempted, stack=label, resources_count=resources_count, markup=to_terminal
        )
        if to_terminal:
            from rich.console import Console

            Console(highlight=False, soft_wrap=True).print(text, end="")
            return
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise TrustFabricError(f"--output: {output}: cannot write: {error.strerror or error}") from None
        return
    sys.stdout.write(text)
    sys.stdout.flush()
