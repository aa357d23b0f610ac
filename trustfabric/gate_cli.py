"""`trustfabric check`: the policy gate a pull request runs.

Contract (outside tests call exactly this)::

    trustfabric check --stack NAME [--program DIR] [--policy-config FILE] [--exemptions FILE]
                      [--format text|json|sarif] [--output FILE]

The report goes to stdout (or FILE), progress to stderr (and only on a terminal), so stdout is pure JSON or
SARIF for `--format json|sarif`. Exit 0 when no mandatory violation, 1 when any, 2 for bad input (raised as
TrustFabricError; the main CLI prints it as one line).

Usage::

    import typer
    from trustfabric.gate_cli import register

    app = typer.Typer()
    register(app)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .errors import TrustFabricError

REPO_ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("text", "json", "sarif")


def default_program_dir() -> Path:
    """The current directory when it is a Pulumi project, else this repository's root."""
    cwd = Path.cwd()
    if (cwd / "Pulumi.yaml").is_file() or (cwd / "Pulumi.yml").is_file():
        return cwd
    return REPO_ROOT


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
) -> None:
    """Evaluate every policy against the stack offline; exit 1 on any mandatory violation."""
    from .catalog import catalog
    from .gate import registered_policies, run_gate
    from .report import component_sources, render_json, render_sarif, render_text

    if output_format not in FORMATS:
        raise TrustFabricError(f"--format: {output_format!r} is not allowed; allowed: {', '.join(FORMATS)}")
    program_dir = program or default_program_dir()
    if not program_dir.is_dir():
        raise TrustFabricError(f"--program: {program_dir} is not a directory")
    with _status() as progress:
        result = run_gate(
            program_dir,
            stack,
            policy_config_file=policy_config,
            exemptions_file=exemptions,
            progress=progress,
        )
    if output_format == "json":
        text = render_json(stack, result.resources_evaluated, result.findings, result.exempted)
    elif output_format == "sarif":
        text = render_sarif(
            result.findings,
            catalog(registered_policies()),
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
