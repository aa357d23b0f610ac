"""`trustfabric check`: the policy gate a pull request runs.

Contract (outside tests call exactly this)::

    trustfabric check --stack NAME [--program DIR] [--policy-config FILE] [--exemptions FILE]
                      [--format text|json|sarif] [--output FILE]
                      [--with-checkov [--checkov-suppressions FILE]] [--max-lifetime-days N]

The report goes to stdout (or FILE), progress to stderr (and only on a terminal), so stdout is pure JSON or
SARIF for `--format json|sarif`. Exit 0 when no mandatory violation, 1 when any, 2 for bad input (raised as
TrustFabricError; the main CLI prints it as one line).

`--with-checkov` also scans the stack with checkov through the bridge (`trustfabric.bridge`): its failures join
the policy findings (a failure duplicating one of our policies is shown once, with both ids), suppressed ones
are shown as exempted, and an unsuppressed failure or an expired suppression exits 1. A missing `.venv-checkov`
or a malformed suppressions file is bad input (exit 2).

Exemptions and suppressions are reviewed entries (`trustfabric.reviewed`): an entry expiring beyond the maximum
lifetime (`--max-lifetime-days`, else the file's `# max-lifetime-days: N` header, else 90 days), naming a
pattern, or naming a resource the stack does not declare is bad input (exit 2).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import TrustFabricError
from ..paths import DEFAULT_CHECKOV_SUPPRESSIONS
from ..report.formats import FINDINGS_FORMATS, OutputFormat, choose_format
from . import common
from .common import (
    ExemptionsOption,
    FormatText,
    OutputOption,
    PolicyConfigOption,
    ProgramOption,
    StackOption,
    app,
    program_dir,
    status,
)

if TYPE_CHECKING:
    from ..bridge.checkov import CheckovScan
    from ..reviewed import ReviewedEntry


def _suppressions(path: Path | None, max_lifetime_days: int | None) -> list[ReviewedEntry]:
    """The checkov suppressions to apply; a missing checkov venv is bad input, found before the long work."""
    from ..bridge.checkov import checkov_executable
    from ..bridge.suppressions import load_suppressions

    checkov_executable()
    suppressions_path = path or DEFAULT_CHECKOV_SUPPRESSIONS
    if path is not None or suppressions_path.is_file():
        return load_suppressions(suppressions_path, max_lifetime_days=max_lifetime_days)
    return []


def _checkov_json(scan: CheckovScan) -> dict[str, Any]:
    return {
        "checkov": {
            **scan.counts(),
            "seconds": round(scan.seconds, 2),
            "unmapped": [item.__dict__ for item in scan.unmapped],
        }
    }


@app.command()
def check(
    stack: StackOption,
    program: ProgramOption = None,
    policy_config: PolicyConfigOption = None,
    exemptions: ExemptionsOption = None,
    output_format: FormatText = "text",
    output: OutputOption = None,
    with_checkov: Annotated[
        bool, typer.Option("--with-checkov", help="Also scan with checkov (from .venv-checkov) through the bridge.")
    ] = False,
    checkov_suppressions: Annotated[
        Path | None,
        typer.Option(help="checkov suppressions file; default: checkov-suppressions.yaml of this repo."),
    ] = None,
    max_lifetime_days: Annotated[
        int | None,
        typer.Option(
            help="Latest expiry, in days from today, of an exemption or suppression (7..365); default: the "
            "file's '# max-lifetime-days: N' header, else 90."
        ),
    ] = None,
) -> None:
    """Evaluate every policy against the stack offline; exit 1 on any mandatory violation."""
    from ..gate import run_gate
    from ..report.catalog import catalog_records
    from ..report.locations import component_sources
    from ..report.write import write_report

    chosen = choose_format(output_format, FINDINGS_FORMATS)
    if max_lifetime_days is not None:
        from ..reviewed import check_lifetime_days

        check_lifetime_days(max_lifetime_days, "--max-lifetime-days")
    directory = program_dir(program)
    if not directory.is_dir():
        raise TrustFabricError(f"--program: {directory} is not a directory")
    suppressions = _suppressions(checkov_suppressions, max_lifetime_days) if with_checkov else []
    policies = common.pack_policies()
    scan: CheckovScan | None = None
    with status() as progress:
        result = run_gate(
            directory,
            stack,
            policy_config_file=policy_config,
            exemptions_file=exemptions,
            policies=policies,
            progress=progress,
            max_lifetime_days=max_lifetime_days,
        )
        if with_checkov:
            from ..bridge.checkov import merge_findings, scan_graph
            from ..reviewed import entries_for_stack, stack_names

            suppressions = entries_for_stack(
                suppressions,
                result.graph,
                str(checkov_suppressions or DEFAULT_CHECKOV_SUPPRESSIONS),
                stack_names(directory),
            )
            scan = scan_graph(result.graph, suppressions=suppressions, progress=progress)
            findings, exempted = merge_findings(result.findings, result.exempted, scan)
            result = replace(result, findings=findings, exempted=exempted)
    rules = catalog_records(policies)
    if scan is not None:
        from ..bridge.checkov import catalog_entries

        rules += catalog_entries(scan)
    write_report(
        label=stack,
        resources_count=result.resources_evaluated,
        findings=result.findings,
        exempted=result.exempted,
        output_format=chosen,
        output=output,
        rules=rules,
        component_files=component_sources(result.graph) if chosen is OutputFormat.sarif else None,
        json_extra=_checkov_json(scan) if scan is not None else None,
        text_footer=scan.summary_line() + "\n" if scan is not None else "",
    )
    if result.exit_code:
        raise typer.Exit(result.exit_code)


__all__ = ["check"]
