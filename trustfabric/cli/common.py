"""What every command shares: the Typer app, the common options, the progress spinner, the policy pack.

This package is the only part of the toolchain that imports the policy pack (`pack_policies`); everything else
is handed the policies. Heavy imports (the Pulumi SDK, provider SDKs, the pack) happen inside commands, so
`trustfabric --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..paths import default_program_dir
from ..report.formats import OutputFormat, find_format

if TYPE_CHECKING:
    from ..graph import ResourceGraph


def command_group(name: str, help_text: str, *, no_args_is_help: bool = True, **options: Any) -> typer.Typer:
    """A Typer app as every group of this CLI is one: plain help text, no completion, no pretty tracebacks."""
    return typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=no_args_is_help,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        **options,
    )


app = command_group(
    "trustfabric", "Preview, diff and policy-gate Pulumi stacks offline: no cloud account, no Pulumi CLI."
)

Progress = Callable[[str], None]

StackOption = Annotated[str, typer.Option("--stack", "-s", help="Stack name: reads Pulumi.<NAME>.yaml.")]
ProgramOption = Annotated[
    Path | None,
    typer.Option("--program", help="Pulumi program dir (Pulumi.yaml); default: the current dir or this repository."),
]
PolicyConfigOption = Annotated[
    Path | None,
    typer.Option(help="Policy config (JSON or YAML): enforcement levels and properties per policy."),
]
ExemptionsOption = Annotated[
    Path | None, typer.Option(help="Exemptions file; default: policies/exemptions.yaml of this repo.")
]
FormatText = Annotated[str, typer.Option("--format", help="text, json or sarif.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")]


def format_choice(allowed: Sequence[OutputFormat], help_text: str) -> Any:
    """A `--format` option Typer parses into an OutputFormat among `allowed` (a usage error names them)."""

    def parse(value: str) -> OutputFormat:
        output_format = find_format(value, allowed)
        if output_format is None:
            choices = ", ".join(repr(output_format.value) for output_format in allowed)
            raise typer.BadParameter(f"{value!r} is not one of {choices}.")
        return output_format

    metavar = f"[{'|'.join(output_format.value for output_format in allowed)}]"
    return typer.Option("--format", parser=parse, metavar=metavar, help=help_text)


def pack_policies() -> list[Any]:
    """Every policy of the pack (`policies.registry.all_policies()`), imported on first use."""
    from policies.registry import all_policies

    return list(all_policies())


def program_dir(program: Path | None) -> Path:
    """`--program`, or the default program dir (the current dir when it is a Pulumi project, else this repo)."""
    return program or default_program_dir()


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def status(message: str = "starting") -> Iterator[Progress]:
    """A spinner on stderr while long work runs, only on a terminal (logs and pipes stay clean); yields a
    function that changes its message."""
    if sys.stderr.isatty():
        from rich.console import Console

        with Console(stderr=True).status(message) as spinner:
            yield lambda text: spinner.update(text)
    else:
        yield lambda _text: None


def load_graph(stack: str, program: Path | None) -> ResourceGraph:
    """Run the program offline for `stack` (behind the spinner)."""
    from ..engine import run_program

    directory = program_dir(program)
    with status(f"running {directory} for stack {stack} under the offline engine"):
        return run_program(directory, stack)


__all__ = [
    "ExemptionsOption",
    "FormatText",
    "OutputOption",
    "PolicyConfigOption",
    "ProgramOption",
    "StackOption",
    "app",
    "command_group",
    "format_choice",
    "load_graph",
    "pack_policies",
    "program_dir",
    "status",
    "stderr",
]
