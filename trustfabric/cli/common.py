"""What every command shares: the Typer app, its global options, the common options, progress output on
stderr, the policy pack.

Global options come before the command (`trustfabric -q check ...`): `--version` prints `trustfabric <version>`;
`-q/--quiet` leaves only errors on stderr (no progress, no information lines); `-v/--verbose` adds a line per
progress step, on a terminal or not; `--debug` prints an error's traceback before its one line. Every command
writes its progress through `status` (a spinner on a terminal), `stderr` (an information line) and `verbose` (a
line only with -v), so each honours them.

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
    from ..engine.interpreter import Interpreter
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
_debug = False


def set_debug(enabled: bool) -> None:
    global _debug
    _debug = enabled


def debug_enabled() -> bool:
    """`--debug`: an error also prints its traceback."""
    return _debug


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
    debug: Annotated[
        bool, typer.Option("--debug", help="On an error, also print its traceback (for reporting a crash).")
    ] = False,
) -> None:
    """Preview, diff and policy-gate Pulumi stacks offline: no cloud account, no Pulumi CLI."""
    set_debug(debug)
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
InstallOption = Annotated[
    bool,
    typer.Option(
        "--install",
        help="Build the program's virtualenv from its requirements.txt first (Pulumi.yaml runtime.options."
        "virtualenv, else a cached one), as pulumi install does, and run the program there.",
    ),
]


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


def program_interpreter(directory: Path, install: bool = False) -> Interpreter:
    """The interpreter the Pulumi CLI would run the program in (`trustfabric.engine.interpreter`): this process
    for our stacks and programs naming none, else the program's virtualenv, built first with `--install`."""
    from ..engine import choose_interpreter, load_project

    project = load_project(directory)
    if not install:
        return choose_interpreter(project)
    with status(f"building the virtualenv of {directory} from its requirements.txt"):
        return choose_interpreter(project, install=True)


def announce_interpreter(interpreter: Interpreter) -> None:
    """Say which interpreter ran the program when it was not this process (the program's own virtualenv)."""
    if not interpreter.in_process:
        stderr(f"program interpreter: {interpreter.description}")


def load_graph(stack: str, program: Path | None, *, install: bool = False) -> ResourceGraph:
    """Run the program offline for `stack` (behind the spinner), in the interpreter it names."""
    from ..engine import run_program

    directory = program_dir(program)
    interpreter = program_interpreter(directory, install)
    with status(f"running {directory} for stack {stack} under the offline engine"):
        graph = run_program(directory, stack, interpreter=interpreter)
    announce_interpreter(interpreter)
    return graph


__all__ = [
    "ExemptionsOption",
    "InstallOption",
    "OutputOption",
    "PolicyConfigOption",
    "ProgramOption",
    "StackOption",
    "Verbosity",
    "announce_interpreter",
    "app",
    "check_output_path",
    "command_group",
    "debug_enabled",
    "format_choice",
    "load_graph",
    "pack_policies",
    "program_dir",
    "program_interpreter",
    "set_debug",
    "set_verbosity",
    "status",
    "stderr",
    "verbose",
    "verbosity",
]
