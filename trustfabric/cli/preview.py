"""`trustfabric preview` and `trustfabric diff`: what a stack declares, and what changes.

Contract (outside tests call exactly this; extend it, never break it)::

    trustfabric preview --stack NAME [--program DIR] [--install] [--format text|json]
    trustfabric diff    --stack NAME [--program DIR] [--golden FILE | --against-stack NAME] [--format text|json]
                        [--exit-code]

The program runs in the interpreter the Pulumi CLI would run it in (`trustfabric.engine.interpreter`): this
process for our stacks, else the virtualenv its `Pulumi.yaml` names (`--install` builds it from
`requirements.txt`); which one is said on stderr. Whatever the program prints goes to stderr.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..report.formats import DATA_FORMATS, OutputFormat
from .common import InstallOption, ProgramOption, StackOption, app, format_choice, load_graph

if TYPE_CHECKING:
    from ..graph import Resource, ResourceGraph

FormatOption = Annotated[OutputFormat, format_choice(DATA_FORMATS, "text (a tree) or json.")]


@app.command()
def preview(
    stack: StackOption,
    program: ProgramOption = None,
    output_format: FormatOption = OutputFormat.text,
    install: InstallOption = False,
) -> None:
    """Run the program offline and show every resource it declares: a tree by cell and component, or JSON."""
    graph = load_graph(stack, program, install=install)
    if output_format is OutputFormat.json:
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
    stack: StackOption,
    program: ProgramOption = None,
    golden: Annotated[
        Path | None, typer.Option("--golden", help="Snapshot to compare with; default tests/golden/<stack>.json.")
    ] = None,
    against_stack: Annotated[
        str | None,
        typer.Option("--against-stack", help="Compare with another stack of the program instead of the snapshot."),
    ] = None,
    output_format: Annotated[OutputFormat, format_choice(DATA_FORMATS, "text or json.")] = OutputFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when there are differences.")] = False,
) -> None:
    """Compare the current graph with the committed golden snapshot (or another stack): added, removed, changed."""
    from ..diff import diff_graphs
    from ..engine.project import check_stack_name
    from ..golden import read_snapshot, snapshot_path

    if against_stack is not None:
        current = load_graph(stack, program)
        baseline = load_graph(against_stack, program)
    else:
        check_stack_name(stack)
        path = golden or snapshot_path(stack)
        # Read before the program runs: a missing or malformed snapshot fails at once.
        baseline = read_snapshot(path, missing=f"no snapshot for stack {stack!r}; run make golden")
        current = load_graph(stack, program)
    changes = diff_graphs(baseline, current)
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(changes.as_dict(), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(changes.render_text())
    if exit_code and not changes.empty:
        raise typer.Exit(1)
