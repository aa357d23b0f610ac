"""Reporters shared by every checker (the policy gate, the checkov bridge, the live-account audit).

All read the one `Finding` type (and policy records, `trustfabric.gate.info.PolicyInfo`) and produce a
deterministic document. Modules, one job each: `formats` (the `--format` Enum), `summary` (counts and order),
`locations` (where each finding points in the source: the line that declares its resource), `text`,
`json_report`, `sarif` (validated against the vendored schema in `schemas/`), `catalog` (the policy catalog and
docs/policies.md), `write` (writing a report to stdout or a file).

Usage::

    from trustfabric.report import graph_locator, render_json, render_sarif, render_text

    locator = graph_locator(result.graph)
    print(render_text(result.findings, exempted=result.exempted, stack="prod", resources_count=120, locator=locator))
    document = render_json("prod", 120, result.findings, result.exempted, locator=locator)
    sarif = render_sarif(result.findings, catalog_records(policies), stack="prod", locator=locator)
"""

from __future__ import annotations

from .formats import OutputFormat, choose_format
from .json_report import json_document, render_json
from .locations import Location, Locator, component_sources, graph_locator
from .sarif import SARIF_SCHEMA, render_sarif, sarif_document, sarif_rule, sarif_validator
from .summary import summary, summary_line
from .text import render_text
from .write import write_report

__all__ = [
    "SARIF_SCHEMA",
    "Location",
    "Locator",
    "OutputFormat",
    "choose_format",
    "component_sources",
    "graph_locator",
    "json_document",
    "render_json",
    "render_sarif",
    "render_text",
    "sarif_document",
    "sarif_rule",
    "sarif_validator",
    "summary",
    "summary_line",
    "write_report",
]
