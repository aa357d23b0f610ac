"""The observability layer of the stacks: the SLO documents are generated once per stack, not once per cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import slogen.documents
from slogen.spec import SloSpec
from trustfabric.engine import run_program


def test_slo_documents_are_generated_once_per_stack(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted where every generation starts, so it holds whenever the stack's modules were first imported.
    loaded: list[Path] = []
    load_slo_dir = slogen.documents.load_slo_dir

    def counting(slo_dir: Path) -> list[SloSpec]:
        loaded.append(slo_dir)
        return load_slo_dir(slo_dir)

    monkeypatch.setattr(slogen.documents, "load_slo_dir", counting)
    graph = run_program(repo_root, "prod")
    cells = [r for r in graph.resources.values() if r.type == "trustfabric:stack:Cell"]
    telemetry = [r for r in graph.resources.values() if r.type == "trustfabric:observability:TelemetryStack"]
    assert len(cells) == len(telemetry) == 4
    assert loaded == [repo_root / "slos"]
