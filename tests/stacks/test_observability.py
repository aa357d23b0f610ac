"""The observability layer of the stacks: the SLO documents are generated once per stack, not once per cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import slogen.documents
from trustfabric.engine import run_program


def test_slo_documents_are_generated_once_per_stack(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path | str] = []
    generate = slogen.documents.generate

    def counting(slo_dir: Path | str = slogen.documents.DEFAULT_SLO_DIR, runbook_base_url: str = "") -> object:
        calls.append(slo_dir)
        return generate(slo_dir, runbook_base_url)

    monkeypatch.setattr(slogen.documents, "generate", counting)
    graph = run_program(repo_root, "prod")
    cells = [r for r in graph.resources.values() if r.type == "trustfabric:stack:Cell"]
    telemetry = [r for r in graph.resources.values() if r.type == "trustfabric:observability:TelemetryStack"]
    assert len(cells) == len(telemetry) == 4
    assert calls == [repo_root / "slos"]
