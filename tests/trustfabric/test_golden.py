"""Each stack's resource graph matches its reviewed snapshot; a change needs `make golden` and a reviewer."""

from __future__ import annotations

import pytest

from trustfabric.diff import diff_graphs
from trustfabric.golden import load_snapshot, render, snapshot_path, stacks


def test_every_stack_has_a_snapshot(repo_root):
    assert stacks(repo_root) == ["dev", "dr", "prod"]
    for stack in stacks(repo_root):
        assert snapshot_path(stack).is_file(), f"no snapshot for {stack}: run make golden"


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_graph_matches_the_golden_snapshot(stack_graph, stack):
    graph = stack_graph(stack)
    committed = snapshot_path(stack).read_text(encoding="utf-8")
    if render(graph) != committed:
        changes = diff_graphs(load_snapshot(stack), graph)
        pytest.fail(f"stack {stack} changed; review and run `make golden`:\n{changes.render_text()}")
