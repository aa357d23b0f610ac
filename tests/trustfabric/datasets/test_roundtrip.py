"""The whole path on a local store: synth -> ingest -> evaluate -> diff -> report -> release gate."""

from __future__ import annotations

import json

from ..release.support import write_gate_inputs
from .support import run_cli


def test_synth_to_release_gate(capsys, tmp_path):
    store, history = tmp_path / "store", tmp_path / "history"
    for seed, version in ((21, "2026.1"), (22, "2026.2")):
        code, _, err = run_cli(
            capsys,
            "datasets",
            "synth",
            "--seed",
            seed,
            "--count",
            30,
            "--out",
            tmp_path / version,
            "--name",
            "golden-synthetic",
            "--version",
            version,
        )
        assert code == 0, err
        code, _, err = run_cli(capsys, "datasets", "ingest", tmp_path / version, "--store", store)
        assert code == 0, err

    code, out, err = run_cli(
        capsys,
        "datasets",
        "diff",
        "golden-synthetic@2026.1",
        "golden-synthetic@2026.2",
        "--store",
        store,
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["summary"] == {"added": 0, "removed": 0, "changed": 30, "unchanged": 0}

    def evaluate(name: str, error_rate: str, *only: str) -> tuple[int, dict]:
        results = tmp_path / f"{name}.jsonl"
        run_cli(
            capsys,
            "datasets",
            "synth-results",
            tmp_path / "2026.2",
            "--out",
            results,
            "--seed",
            5,
            "--error-rate",
            error_rate,
            *only,
        )
        code, out, err = run_cli(
            capsys,
            "datasets",
            "evaluate",
            "--results",
            results,
            "--dataset",
            "golden-synthetic@2026.2",
            "--store",
            store,
            "--candidate",
            name,
            "--history",
            history,
            "--out",
            tmp_path / f"{name}.json",
            "--format",
            "json",
        )
        assert code in (0, 1), err
        return code, json.loads(out)

    code, clean = evaluate("model-a", "0")
    assert code == 0 and clean["totals"]["accuracy"] == 1.0
    code, regressed = evaluate("model-b", "1", "--only", "jurisdiction=UK")
    uk = next(row for row in regressed["slices"] if row["value"] == "UK")
    assert code == 1 and uk["accuracy"] == 0.0 and uk["regressed"] is True
    assert regressed["regressions"]["samples"] == uk["samples"]

    code, _, err = run_cli(
        capsys,
        "datasets",
        "report",
        "--evaluation",
        tmp_path / "model-b.json",
        "--history",
        history,
        "--out",
        tmp_path / "report.html",
    )
    assert code == 0, err
    assert 'data-slice="jurisdiction=UK"' in (tmp_path / "report.html").read_text()

    inputs = write_gate_inputs(tmp_path)
    code, out, _ = run_cli(
        capsys, "release", "gate", "--evaluation", tmp_path / "model-b.json", *inputs, "--out", tmp_path / "r"
    )
    assert (
        code == 1
        and "evaluation: slice jurisdiction=UK: accuracy 0.00% is below the threshold 95.00%" in out.splitlines()
    )
    code, out, _ = run_cli(
        capsys, "release", "gate", "--evaluation", tmp_path / "model-a.json", *inputs, "--out", tmp_path / "r"
    )
    assert code == 0 and out.startswith("release gate: PROMOTE model-a (stack prod)")
