"""The `trustfabric` command line: preview, diff and gate Pulumi stacks offline.

Contract (outside tests call exactly this; extend it, never break it)::

    trustfabric preview --stack NAME [--program DIR] [--format text|json]
    trustfabric check   --stack NAME [--program DIR] [--policy-config FILE] [--format text|json|sarif]

Exit codes: 0 success, 1 a mandatory violation (check) or a difference (diff --exit-code), 2 bad input, with one
line on stderr naming what is wrong and no traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer._click.exceptions import ClickException

from .errors import TrustFabricError

if TYPE_CHECKING:
    from .graph import Resource, ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[1]

app = typer.Typer(
    name="trustfabric",
    help="Preview, diff and policy-gate Pulumi stacks offline: no cloud account, no Pulumi CLI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class PreviewFormat(StrEnum):
    text = "text"
    json = "json"


def default_program_dir() -> Path:
    """The current directory when it is a Pulumi project, else this repository's root."""
    cwd = Path.cwd()
    if (cwd / "Pulumi.yaml").is_file() or (cwd / "Pulumi.yml").is_file():
        return cwd
    return REPO_ROOT


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while long work runs (only on a terminal: logs and pipes stay clean)."""
    if sys.stderr.isatty():
        from rich.console import Console

        with Console(stderr=True).status(message):
            yield
    else:
        yield


def load_graph(stack: str, program: Path | None) -> ResourceGraph:
    from .engine import run_program

    program_dir = program or default_program_dir()
    with progress(f"running {program_dir} for stack {stack} under the offline engine"):
        return run_program(program_dir, stack)


StackOption = typer.Option(..., "--stack", "-s", help="Stack name: reads Pulumi.<NAME>.yaml.")
ProgramOption = typer.Option(
    None, "--program", help="Pulumi program dir (Pulumi.yaml); default: the current dir or this repository."
)


@app.command()
def preview(
    stack: str = StackOption,
    program: Path | None = ProgramOption,
    output_format: PreviewFormat = typer.Option(PreviewFormat.text, "--format", help="text (a tree) or json."),
) -> None:
    """Run the program offline and show every resource it declares: a tree by cell and component, or JSON."""
    graph = load_graph(stack, program)
    if output_format is PreviewFormat.json:
        sys.stdout.write(graph.to_json())
        return
    render_tree(graph)


def _label(resource: Resource) -> str:
    if resource.type == "trustfabric:stack:Cell":
        props = resource.outputs
        return f"cell {resource.name} ({props.get('jurisdiction', '?')}, {props.get('region', '?')})"
    return f"{resource.type} {resource.name}"


def render_tree(graph: ResourceGraph) -> None:
    """cell -> component -> resources, with counts per type, then a summary line."""
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    children: dict[str | None, list[Resource]] = defaultdict(list)
    for resource in graph:
        parent = resource.parent if resource.parent in graph.resources else None
        children[parent].append(resource)

    def add(node: Tree, parent: str | None) -> None:
        kids = children.get(parent, [])
        by_type: dict[str, list[Resource]] = defaultdict(list)
        for kid in kids:
            if kid.custom and not children.get(kid.urn):
                by_type[kid.type].append(kid)
        for kid in sorted(kids, key=lambda r: (r.type, r.name)):
            if not kid.custom or children.get(kid.urn):
                add(node.add(escape(_label(kid))), kid.urn)
        for type_, items in sorted(by_type.items()):
            regions = sorted({r.region for r in items if r.region})
            names = ", ".join(sorted(r.name for r in items)[:4]) + (", ..." if len(items) > 4 else "")
            where = f" [{', '.join(regions)}]" if regions else ""
            node.add(escape(f"{type_} x{len(items)}{where}: {names}"))

    root = Tree(escape(f"stack {graph.stack} ({graph.project})"))
    add(root, None)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    console.print(root)
    custom = graph.custom_resources
    providers = [r for r in graph if r.is_provider]
    components = [r for r in graph if not r.custom]
    regions = sorted({r.region for r in custom if r.region})
    types = Counter(r.type for r in custom)
    console.print(
        f"{len(custom)} resources of {len(types)} types, {len(components)} components, "
        f"{len(providers)} providers, in {len(regions)} regions ({', '.join(regions) or '-'})",
        markup=False,
    )


@app.command()
def diff(
    stack: str = StackOption,
    program: Path | None = ProgramOption,
    golden: Path | None = typer.Option(
        None, "--golden", help="Snapshot to compare with; default tests/golden/<stack>.json."
    ),
    against_stack: str | None = typer.Option(
        None, "--against-stack", help="Compare with another stack of the program instead of the snapshot."
    ),
    output_format: PreviewFormat = typer.Option(PreviewFormat.text, "--format", help="text or json."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when there are differences."),
) -> None:
    """Compare the current graph with the committed golden snapshot (or another stack): added, removed, changed."""
    from .diff import diff_graphs
    from .golden import load_snapshot, snapshot_path

    current = load_graph(stack, program)
    if against_stack is not None:
        baseline = load_graph(against_stack, program)
    else:
        path = golden or snapshot_path(stack)
        if not path.is_file():
            raise TrustFabricError(f"{path}: no snapshot for stack {stack!r}; run make golden")
        from .graph import ResourceGraph

        try:
            baseline = ResourceGraph.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError) as error:
            raise TrustFabricError(f"{path}: not a resource graph snapshot: {error}") from None
        if golden is None:
            baseline = load_snapshot(stack)
    changes = diff_graphs(baseline, current)
    if output_format is PreviewFormat.json:
        sys.stdout.write(json.dumps(changes.as_dict(), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(changes.render_text())
    if exit_code and not changes.empty:
        raise typer.Exit(1)


# Modules that contribute commands through `register(app)`.
EXTENSIONS: tuple[str, ...] = ("gate_cli", "audit_cli", "drills.cli", "evidence", "datasets.cli", "release.cli")


_registered: set[str] = set()


def _register_extensions() -> None:
    """Commands contributed by other modules of the toolchain (imported only when the CLI starts, once each)."""
    import importlib

    for name in EXTENSIONS:
        if name not in _registered:
            importlib.import_module(f"{__package__}.{name}").register(app)
            _registered.add(name)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one-line errors, exit 2 for bad input, never a traceback for user mistakes."""
    _register_extensions()
    try:
        result = app(args=argv, prog_name="trustfabric", standalone_mode=False)
    except ClickException as error:
        # Typer's own usage errors (missing option, bad choice, unknown command): one line, no usage box.
        message = error.format_message().replace("Value error, ", "")
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        sys.exit(130)
    except TrustFabricError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
    except BrokenPipeError:
        # A pager or `head` closed the pipe: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
