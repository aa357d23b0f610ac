"""`trustfabric check`: the policy gate a pull request runs.

Contract (outside tests call exactly this)::

    trustfabric check --stack NAME [--program DIR] [--install] [--policy-config FILE] [--exemptions FILE]
                      [--format text|json|sarif] [--output FILE]
                      [--with-checkov [--checkov-suppressions FILE] [--checkov-results FILE]]
                      [--max-lifetime-days N] [--preview]

The report goes to stdout (or FILE), progress to stderr (and only on a terminal, or with -v), so stdout is pure
JSON or SARIF for `--format json|sarif`. Each finding points at the line that declares its resource
(`trustfabric.report.locations`). Exit 0 when no mandatory violation, 1 when any, 2 for bad input (raised as
TrustFabricError; the main CLI prints it as one line), found before the program runs where it can be: a bad
format, a missing program dir, an output file that cannot be written.

The program runs in the interpreter the Pulumi CLI would run it in: this process for our stacks, else the
virtualenv its `Pulumi.yaml` names (`--install` builds it from `requirements.txt`), said on stderr. Whatever the
program prints goes to stderr. A program that does not run to completion (`sys.exit`, any status) fails the gate
with exit 2 and one line naming it: never an empty, passing report.

`--with-checkov` also scans the stack with checkov through the bridge (`trustfabric.bridge`): its failures join
the policy findings (a failure duplicating one of our policies is shown once, with both ids), suppressed ones
are shown as exempted, and an unsuppressed failure or an expired suppression exits 1. A missing `.venv-checkov`
or a malformed suppressions file is bad input (exit 2). The checkov part of the run is also written to
`reports/checkov/<stack>.json` under the program dir, or `--checkov-results FILE`, where the evidence package
reads it (shape: trustfabric.bridge.results).

`--preview` also prints the stack's resource tree (as `trustfabric preview` does) from the same program run,
before the report: `make check` previews and gates each stack in one run. It goes with `--format text` only.

A gate run is kept under the SHA-256 of every input (`trustfabric.gate.cache`): run again with exactly the same
inputs, `check` reuses it instead of running the program and the policies (said on stderr; checkov's verdicts
are cached the same way), and `trustfabric evidence` builds its package from it. `TRUSTFABRIC_NO_CACHE=1` runs
everything.

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
from ..report.formats import FINDINGS_FORMATS, OutputFormat
from . import common
from .common import (
    ExemptionsOption,
    InstallOption,
    OutputOption,
    PolicyConfigOption,
    ProgramOption,
    StackOption,
    announce_interpreter,
    app,
    check_output_path,
    format_choice,
    program_dir,
    program_interpreter,
    status,
    stderr,
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


FindingsFormat = Annotated[OutputFormat, format_choice(FINDINGS_FORMATS, "text, json or sarif.")]


def _results_path(requested: Path | None, directory: Path, stack: str) -> Path:
    """Where the checkov results go; bad input, before the long work, when they cannot be written there."""
    from ..bridge.results import default_results_path, prepare_results_path

    path = requested or default_results_path(directory, stack)
    prepare_results_path(path, create=requested is None)
    check_output_path(path, "--checkov-results")
    return path


def _checkov_json(scan: CheckovScan, results_file: Path) -> dict[str, Any]:
    from ..bridge.results import scan_summary

    return {"checkov": {**scan_summary(scan), "results_file": str(results_file)}}


@app.command()
def check(
    stack: StackOption,
    program: ProgramOption = None,
    policy_config: PolicyConfigOption = None,
    exemptions: ExemptionsOption = None,
    output_format: FindingsFormat = OutputFormat.text,
    output: OutputOption = None,
    with_checkov: Annotated[
        bool, typer.Option("--with-checkov", help="Also scan with checkov (from .venv-checkov) through the bridge.")
    ] = False,
    checkov_suppressions: Annotated[
        Path | None,
        typer.Option(help="checkov suppressions file; default: checkov-suppressions.yaml of this repo."),
    ] = None,
    checkov_results: Annotated[
        Path | None,
        typer.Option(help="Write the checkov results here; default: reports/checkov/<stack>.json of the program."),
    ] = None,
    max_lifetime_days: Annotated[
        int | None,
        typer.Option(
            help="Latest expiry, in days from today, of an exemption or suppression (7..365); default: the "
            "file's '# max-lifetime-days: N' header, else 90."
        ),
    ] = None,
    show_preview: Annotated[
        bool,
        typer.Option("--preview", help="Also print the stack's resource tree from the same run (text format only)."),
    ] = False,
    install: InstallOption = False,
) -> None:
    """Evaluate every policy against the stack offline; exit 1 on any mandatory violation."""
    from ..gate import run_gate
    from ..gate.cache import gate_run_key, reused_run
    from ..report.catalog import catalog_records
    from ..report.locations import graph_locator
    from ..report.write import write_report

    if show_preview and output_format is not OutputFormat.text:
        raise TrustFabricError(f"--preview: goes with --format text only, not {output_format.value}")
    if max_lifetime_days is not None:
        from ..reviewed import check_lifetime_days

        check_lifetime_days(max_lifetime_days, "--max-lifetime-days")
    directory = program_dir(program)
    if not directory.is_dir():
        raise TrustFabricError(f"--program: {directory} is not a directory")
    check_output_path(output)
    if checkov_results is not None and not with_checkov:
        raise TrustFabricError("--checkov-results: given without --with-checkov")
    suppressions = _suppressions(checkov_suppressions, max_lifetime_days) if with_checkov else []
    results_file = _results_path(checkov_results, directory, stack) if with_checkov else None
    interpreter = program_interpreter(directory, install)
    policies = common.pack_policies()
    scan: CheckovScan | None = None
    key = gate_run_key(
        directory,
        stack,
        policies=policies,
        interpreter=interpreter,
        policy_config_file=policy_config,
        exemptions_file=exemptions,
        suppressions_file=checkov_suppressions,
        max_lifetime_days=max_lifetime_days,
    )
    cached = reused_run(key, stderr)
    with status() as progress:
        if cached is not None:
            result = cached.result
        else:
            result = run_gate(
                directory,
                stack,
                policy_config_file=policy_config,
                exemptions_file=exemptions,
                policies=policies,
                progress=progress,
                max_lifetime_days=max_lifetime_days,
                interpreter=interpreter,
            )
        gate_result = result
        announce_interpreter(interpreter)
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
    if key is not None and (cached is None or (scan is not None and scan.plan_sha256 != cached.plan_sha256)):
        from ..gate.cache import store_run

        store_run(key, gate_result, plan_sha256=scan.plan_sha256 if scan is not None else "")
    if show_preview:
        from .preview import render_tree

        render_tree(result.graph)
    locator = graph_locator(result.graph)
    rules = catalog_records(policies)
    json_extra = None
    if scan is not None and results_file is not None:
        from ..bridge.checkov import catalog_entries
        from ..bridge.results import results_document, write_results

        rules += catalog_entries(scan)
        write_results(results_file, results_document(scan, stack=stack, locator=locator))
        stderr(f"checkov results: {results_file}")
        json_extra = _checkov_json(scan, results_file)
    write_report(
        label=stack,
        resources_count=result.resources_evaluated,
        findings=result.findings,
        exempted=result.exempted,
        output_format=output_format,
        output=output,
        rules=rules,
        locator=locator,
        json_extra=json_extra,
        text_footer=scan.summary_line() + "\n" if scan is not None else "",
    )
    if result.exit_code:
        raise typer.Exit(result.exit_code)


__all__ = ["check"]
