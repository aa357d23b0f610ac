"""`trustfabric check`: the policy gate a pull request runs.

Contract (outside tests call exactly this)::

    trustfabric check --stack NAME [--program DIR] [--policy-config FILE] [--exemptions FILE]
                      [--format text|json|sarif] [--output FILE]
                      [--with-checkov [--checkov-suppressions FILE]]

The report goes to stdout (or FILE), progress to stderr (and only on a terminal), so stdout is pure JSON or
SARIF for `--format json|sarif`. Exit 0 when no mandatory violation, 1 when any, 2 for bad input (raised as
TrustFabricError; the main CLI prints it as one line).

`--with-checkov` also scans the stack with checkov through the bridge (`trustfabric.bridge`): its failures join
the policy findings (a failure duplicating one of our policies is shown once, with both ids), suppressed ones
are shown as exempted, and an unsuppressed failure or an expired suppression exits 1. A missing `.venv-checkov`
or a malformed suppressions file is bad input (exit 2).

Usage::

    import typer
    from trustfabric.gate_cli import register

    app = typer.Typer()
    register(app)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .errors import TrustFabricError

if TYPE_CHECKING:
    from .bridge.checkov import CheckovScan
    from .bridge.suppressions import Suppression

REPO_ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("text", "json", "sarif")
DEFAULT_CHECKOV_SUPPRESSIONS = REPO_ROOT / "checkov-suppressions.yaml"


def default_program_dir() -> Path:
    """The current directory when it is a Pulumi project, else this repository's root (as `preview`)."""
    from .cli import default_program_dir as preview_default

    return preview_default()


@contextmanager
def _status() -> Iterator[Callable[[str], None]]:
    """A spinner on stderr while the gate works, only on a terminal (logs and pipes stay clean)."""
    if sys.stderr.isatty():
        from rich.console import Console

        with Console(stderr=True).status("starting") as status:
            yield lambda message: status.update(message)
    else:
        yield lambda _message: None


def check(
    stack: Annotated[str, typer.Option("--stack", "-s", help="Stack name: reads Pulumi.<NAME>.yaml.")],
    program: Annotated[
        Path | None,
        typer.Option(help="Pulumi program dir (Pulumi.yaml); default: the current dir or this repository."),
    ] = None,
    policy_config: Annotated[
        Path | None,
        typer.Option(help="Policy config (JSON or YAML): enforcement levels and properties per policy."),
    ] = None,
    exemptions: Annotated[
        Path | None, typer.Option(help="Exemptions file; default: policies/exemptions.yaml of this repo.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text, json or sarif.")] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")
    ] = None,
    with_checkov: Annotated[
        bool, typer.Option("--with-checkov", help="Also scan with checkov (from .venv-checkov) through the bridge.")
    ] = False,
    checkov_suppressions: Annotated[
        Path | None,
        typer.Option(help="checkov suppressions file; default: checkov-suppressions.yaml of this repo."),
    ] = None,
) -> None:
    """Evaluate every policy against the stack offline; exit 1 on any mandatory violation."""
    from .catalog import catalog
    from .gate import registered_policies, run_gate
    from .report import component_sources, json_document, render_sarif, render_text

    if output_format not in FORMATS:
        raise TrustFabricError(f"--format: {output_format!r} is not allowed; allowed: {', '.join(FORMATS)}")
    program_dir = program or default_program_dir()
    if not program_dir.is_dir():
        raise TrustFabricError(f"--program: {program_dir} is not a directory")
    suppressions: list[Suppression] = []
    if with_checkov:
        from .bridge.checkov import checkov_executable
        from .bridge.suppressions import load_suppressions

        checkov_executable()  # a missing venv is bad input, reported before the long work starts
        suppressions_path = checkov_suppressions or DEFAULT_CHECKOV_SUPPRESSIONS
        if checkov_suppressions is not None or suppressions_path.is_file():
            suppressions = load_suppressions(suppressions_path)
    scan: CheckovScan | None = None
    with _status() as progress:
        result = run_gate(
            program_dir,
            stack,
            policy_config_file=policy_config,
            exemptions_file=exemptions,
            progress=progress,
        )
        if with_checkov:
            from .bridge.checkov import merge_findings, scan_graph

            scan = scan_graph(result.graph, suppressions=suppressions, progress=progress)
            findings, exempted = merge_findings(result.findings, result.exempted, scan)
            result = replace(result, findings=findings, exempted=exempted)
    if output_format == "json":
        document = json_document(stack, result.resources_evaluated, result.findings, result.exempted)
        if scan is not None:
            document["checkov"] = {
                **scan.counts(),
                "seconds": round(scan.seconds, 2),
                "unmapped": [item.__dict__ for item in scan.unmapped],
            }
        text = json.dumps(document, indent=2, default=str) + "\n"
    elif output_format == "sarif":
        from .bridge.checkov import catalog_entries

        text = render_sarif(
            result.findings,
            [*catalog(registered_policies()), *(catalog_entries(scan) if scan is not None else [])],
            stack=stack,
            exempted=result.exempted,
            component_files=component_sources(result.graph),
        )
    else:
        to_terminal = output is None and sys.stdout.isatty()
        text = render_text(
            result.findings,
            exempted=result.exempted,
            stack=stack,
            resources_count=result.resources_evaluated,
            markup=to_terminal,
        )
        if scan is not None:
            text += scan.summary_line() + "\n"
        if to_terminal:
            from rich.console import Console

            Console(highlight=False, soft_wrap=True).print(text, end="")
            text = ""
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise TrustFabricError(f"--output: {output}: cannot write: {error.strerror or error}") from None
    elif text:
        sys.stdout.write(text)
        sys.stdout.flush()
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add the `check` command to the trustfabric CLI (once, however often it is called)."""
    if any(command.name == "check" for command in app.registered_commands):
        return
    app.command(name="check")(check)


__all__ = ["FORMATS", "check", "default_program_dir", "register"]
