"""Writing a findings report (text, JSON or SARIF) to stdout or a file: the one way every checking command does.

Usage::

    from trustfabric.report.write import write_report

    write_report(label="prod", resources_count=120, findings=result.findings, output_format=OutputFormat.json,
                 output=None, rules=catalog_records(policies), locator=graph_locator(result.graph))
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..findings import Finding
from ..gate.info import PolicyInfo
from .formats import OutputFormat
from .json_report import json_document
from .locations import Locator
from .sarif import render_sarif
from .text import render_text


def write_report(
    *,
    label: str,
    resources_count: int,
    findings: Sequence[Finding],
    exempted: Sequence[Finding] = (),
    output_format: OutputFormat,
    output: Path | None,
    rules: Sequence[PolicyInfo],
    locator: Locator | None = None,
    json_extra: Mapping[str, Any] | None = None,
    text_footer: str = "",
) -> None:
    """Render the report and write it to `output`, or to stdout (with rich markup on a terminal).

    `locator` says where each finding points in the source (default: `Pulumi.<label>.yaml`); `json_extra` adds
    keys after the JSON report's own; `text_footer` lines follow the text report.
    """
    if output_format is OutputFormat.json:
        document = {**json_document(label, resources_count, findings, exempted, locator), **(json_extra or {})}
        text = json.dumps(document, indent=2, default=str) + "\n"
    elif output_format is OutputFormat.sarif:
        text = render_sarif(findings, rules, stack=label, exempted=exempted, locator=locator)
    else:
        to_terminal = output is None and sys.stdout.isatty()
        text = render_text(
            findings,
            exempted=exempted,
            stack=label,
            resources_count=resources_count,
            markup=to_terminal,
            locator=locator,
        )
        text += text_footer
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


__all__ = ["write_report"]
