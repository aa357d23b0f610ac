"""The JSON report: `{"stack", "resources", "violations", "exempted", "summary"}`.

The first three keys are the CLI contract (`trustfabric check --format json`); findings are sorted.

Usage::

    from trustfabric.report.json_report import render_json

    sys.stdout.write(render_json("prod", 120, result.findings, result.exempted))
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..findings import Finding
from .summary import ordered, summary


def json_document(
    stack: str, resources_count: int, findings: Sequence[Finding], exempted: Sequence[Finding] = ()
) -> dict[str, Any]:
    """The JSON report as data: the contract keys first, then exempted and summary."""
    return {
        "stack": stack,
        "resources": resources_count,
        "violations": [finding.as_dict() for finding in ordered(findings)],
        "exempted": [finding.as_dict() for finding in ordered(exempted)],
        "summary": summary(findings, exempted),
    }


def render_json(stack: str, resources_count: int, findings: Sequence[Finding], exempted: Sequence[Finding] = ()) -> str:
    """`{"stack", "resources", "violations", "exempted", "summary"}` as indented JSON, sorted findings."""
    return json.dumps(json_document(stack, resources_count, findings, exempted), indent=2, default=str) + "\n"


__all__ = ["json_document", "render_json"]
