"""The JSON report: `{"stack", "resources", "violations", "exempted", "summary"}`.

The first three keys are the CLI contract (`trustfabric check --format json`); findings are sorted. Each
violation (and exempted finding) carries the contract's keys `policy`, `enforcement`, `severity`, `message`,
`resource`, `controls`, then where it points in the source (`trustfabric.report.locations`):

- `source`: `{"file", "line"}`, the line that declares the resource, the file relative to the program dir;
  `line` is null when only the file is known (a stack-wide finding at `Pulumi.<stack>.yaml`);
- `call_site`: `{"file", "line"}`, only when the resource is declared inside a component: the program line that
  called into it;

then `checker` (policy, checkov or audit), and `remediation`, `also`, `extra` when present.

Usage::

    from trustfabric.report.json_report import render_json

    sys.stdout.write(render_json("prod", 120, result.findings, result.exempted, locator=graph_locator(graph)))
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..findings import Finding
from .locations import Location, Locator, stack_file_locator
from .summary import ordered, summary

CONTRACT_KEYS = ("policy", "enforcement", "severity", "message", "resource", "controls")
"""The keys every violation carries first, in this order (the CLI contract)."""


def violation(finding: Finding, where: Location) -> dict[str, Any]:
    """One finding as the JSON report shows it: the contract keys, its location, the checker, the rest."""
    data = finding.as_dict()
    document = {key: data.pop(key) for key in CONTRACT_KEYS}
    document["source"] = where.as_dict()
    if where.call_site is not None:
        document["call_site"] = where.call_site.to_dict()
    document["checker"] = data.pop("source")
    return {**document, **data}


def json_document(
    stack: str,
    resources_count: int,
    findings: Sequence[Finding],
    exempted: Sequence[Finding] = (),
    locator: Locator | None = None,
) -> dict[str, Any]:
    """The JSON report as data: the contract keys first, then exempted and summary. Without a `locator`, every
    finding points at `Pulumi.<stack>.yaml`."""
    where = locator or stack_file_locator(stack)
    return {
        "stack": stack,
        "resources": resources_count,
        "violations": [violation(finding, where.locate(finding)) for finding in ordered(findings)],
        "exempted": [violation(finding, where.locate(finding)) for finding in ordered(exempted)],
        "summary": summary(findings, exempted),
    }


def render_json(
    stack: str,
    resources_count: int,
    findings: Sequence[Finding],
    exempted: Sequence[Finding] = (),
    locator: Locator | None = None,
) -> str:
    """`{"stack", "resources", "violations", "exempted", "summary"}` as indented JSON, sorted findings."""
    document = json_document(stack, resources_count, findings, exempted, locator)
    return json.dumps(document, indent=2, default=str) + "\n"


__all__ = ["CONTRACT_KEYS", "json_document", "render_json", "violation"]
