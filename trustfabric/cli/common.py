"""What every command shares: the Typer app, its global options, the common options, progress output on
stderr, the policy pack.

Global options come before the command (`trustfabric -q check ...`): `--version` prints `trustfabric <version>`;
`-q/--quiet` leaves only errors on stderr (no progress, no information lines); `-v/--verbose` adds a line per
progress step, on a terminal or not. Every command writes its progress through `status` (a spinner on a
terminal), `stderr` (an information line) and `verbose` (a line only with -v), so each honours them.

This package is the only part of the toolchain that imports the policy pack (`pack_policies`); everything else
is handed the policies. Heavy imports (the Pulumi SDK, provider SDKs, the pack) happen inside commands, so
`trustfabric --help` stays fast.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import TrustFabricError
from ..paths import default_program_dir
from ..report.formats import OutputFormat, choose_format

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


class Verbosity(IntEnum):
    """How much a command says on stderr besides errors."""

    quiet = -1
    normal = 0
    verbose = 1


_verbosity = Verbosity.normal


def set_verbosity(level: Verbosity) -> None:
    global _verbosity
    _verbosity = level


def verbosity() -> Verbosity:
    return _verbosity


def _print_version(value: bool) -> None:
    if value:
        from ..report.sarif import package_version

        print(f"trustfabric {package_version()}")
        raise typer.Exit(0)


@app.callback()
def global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print `trustfabric <version>` and exit."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr: no progress lines.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="A progress line per step on stderr.")] = False,
) -> None:
    """Preview, diff and policy-gate Pulumi stacks offline: no cloud account, no Pulumi CLI."""
    if quiet and verbose:
        raise TrustFabricError("-q/--quiet and -v/--verbose: give one of them, not both")
    set_verbosity(Verbosity.quiet if quiet else Verbosity.verbose if verbose else Verbosity.normal)


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
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")]


def format_choice(allowed: Sequence[OutputFormat], help_text: str) -> Any:
    """A `--format` option parsed into an OutputFormat among `allowed`; any other value is the one-line error
    every command gives (`--format: 'xml' is not allowed; allowed: text, json`, exit 2, see report.formats)."""

    def parse(value: str) -> OutputFormat:
        return choose_format(str(value), allowed)

    metavar = f"[{'|'.join(output_format.value for output_format in allowed)}]"
    return typer.Option("--format", parser=parse, metavar=metavar, help=help_text)


def check_output_path(path: Path | None, option: str = "--output") -> None:
    """Bad input (exit 2) unless `path` can be written: its directory exists and takes a new file, and it is not
    a directory. Checked before the long work, so a typo costs nothing."""
    if path is None:
        return
    if path.is_dir():
        raise TrustFabricError(f"{option}: {path} is a directory; name a file")
    directory = path.parent
    if not directory.is_dir():
        raise TrustFabricError(f"{option}: {path}: directory {directory} does not exist")
    try:
        # A real write, not os.access: it also holds for root, read-only mounts and full disks.
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".trustfabric-"):
            pass
    except OSError as error:
        raise TrustFabricError(f"{option}: {path}: cannot write in {directory}: {error.strerror or error}") from None


def pack_policies() -> list[Any]:
    """Every policy of the pack (`policies.registry.all_policies()`), imported on first use."""
    from policies.registry import all_policies

    return list(all_policies())


def program_dir(program: Path | None) -> Path:
    """`--program`, or the default program dir (the current dir when it is a Pulumi project, else this repo)."""
    return program or default_program_dir()


def stderr(message: str) -> None:
    """An information line on stderr (a file written, a warning); none with -q."""
    if _verbosity > Verbosity.quiet:
        print(message, file=sys.stderr, flush=True)


def verbose(message: str) -> None:
    """A progress line on stderr, only with -v."""
    if _verbosity >= Verbosity.verbose:
        print(message, file=sys.stderr, flush=True)


@contextmanager
def status(message: str | None = None) -> Iterator[Progress]:
    """A spinner on stderr while long work runs, only on a terminal (logs and pipes stay clean) and never with
    -q; yields a function that changes its message. With -v each message is also a line of its own."""
    if message is not None:
        verbose(message)
    if _verbosity > Verbosity.quiet and sys.stderr.isatty():
        from rich.console import Console

        with Console(stderr=True).status(message or "starting") as spinner:

            def update(text: str) -> None:
                spinner.update(text)
                if _verbosity >= Verbosity.verbose:
                    spinner.console.print(text, markup=False, highlight=False)

            yield update
    else:
        yield verbose


def load_graph(stack: str, program: Path | None) -> ResourceGraph:
    """Run the program offline for `stack` (behind the spinner)."""
    from ..engine import run_program

    directory = program_dir(program)
    with status(f"running {directory} for stack {stack} under the offline engine"):
        return run_program(directory, stack)


__all__ = [
    "ExemptionsOption",
    "OutputOption",
    "PolicyConfigOption",
    "ProgramOption",
    "StackOption",
    "Verbosity",
    "app",
    "check_output_path",
    "command_group",
    "format_choice",
    "load_graph",
    "pack_policies",
    "program_dir",
    "set_verbosity",
    "status",
    "stderr",
    "verbose",
    "verbosity",
]
