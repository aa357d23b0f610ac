"""The checkov results file: what one `check --with-checkov` run found, where the evidence package reads it.

`trustfabric check --with-checkov` writes it to `reports/checkov/<stack>.json` under the program dir (this
repository's `reports/` for its own stacks), or to `--checkov-results FILE`. Its keys, in this order:

- `stack`, `generated_at` (UTC, ISO 8601 with `Z`);
- the `checkov` key of `check --format json`, spread: `resources` (scanned), `passed`, `failed` (before
  suppressions), `suppressed`, `mandatory` (unsuppressed failures and expired suppressions), `unmapped` (the
  resources checkov could not see: `{"urn", "type", "name", "reason"}`), `seconds`, `checkov_version`,
  `plan_sha256` (SHA-256 of the Terraform plan JSON checkov scanned);
- `findings`: the counted checkov findings, each as a violation of the JSON report (`policy` = check id,
  `enforcement`, `severity`, `message`, `resource`, `controls`, `source`/`call_site`, `checker`, `remediation`,
  `extra`);
- `exempted`: the failures a live suppression covers, same shape, the suppression in `extra.exemption`;
- `results`: every check verdict, `{"check_id", "check_name", "passed", "framework", "address", "urn"}`
  (`address` is the Terraform address or `Kind.namespace.name`; `urn` null when it maps to no resource).

Usage::

    from trustfabric.bridge.results import default_results_path, results_document, write_results

    document = results_document(scan, stack="prod", locator=graph_locator(graph))
    write_results(default_results_path(program_dir, "prod"), document)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..report.json_report import violation
from ..report.locations import Locator, stack_file_locator
from ..report.summary import ordered
from .checkov import CheckovScan

RESULTS_DIR = Path("reports") / "checkov"
"""Where the results file goes, relative to the program dir."""


def default_results_path(program_dir: Path, stack: str) -> Path:
    """`<program dir>/reports/checkov/<stack>.json`."""
    return program_dir / RESULTS_DIR / f"{stack}.json"


def scan_summary(scan: CheckovScan) -> dict[str, Any]:
    """The `checkov` key of `check --format json`: counts, what was not scanned, time, version, plan hash."""
    return {
        **scan.counts(),
        "seconds": round(scan.seconds, 2),
        "unmapped": [item.__dict__ for item in scan.unmapped],
        "checkov_version": scan.checkov_version,
        "plan_sha256": scan.plan_sha256,
    }


def results_document(
    scan: CheckovScan, *, stack: str, locator: Locator | None = None, generated_at: dt.datetime | None = None
) -> dict[str, Any]:
    """The results file as data (see the module docstring)."""
    where = locator or stack_file_locator(stack)
    moment = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "stack": stack,
        "generated_at": moment.isoformat().replace("+00:00", "Z"),
        **scan_summary(scan),
        "findings": [violation(finding, where.locate(finding)) for finding in ordered(scan.findings)],
        "exempted": [violation(finding, where.locate(finding)) for finding in ordered(scan.suppressed)],
        "results": [
            {
                "check_id": result.check_id,
                "check_name": result.check_name,
                "passed": result.passed,
                "framework": result.framework,
                "address": result.resource,
                "urn": result.urn,
            }
            for result in sorted(scan.results, key=lambda r: (r.check_id, r.resource, not r.passed))
        ],
    }


def prepare_results_path(path: Path, *, create: bool) -> None:
    """Bad input unless the results file can be written; `create` makes its directory (the default path)."""
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TrustFabricError(
                f"--checkov-results: {path}: cannot create {path.parent}: {error.strerror or error}"
            ) from None


def write_results(path: Path, document: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"--checkov-results: {path}: cannot write: {error.strerror or error}") from None


__all__ = [
    "RESULTS_DIR",
    "default_results_path",
    "prepare_results_path",
    "results_document",
    "scan_summary",
    "write_results",
]
