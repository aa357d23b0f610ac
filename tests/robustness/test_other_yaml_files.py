"""Every other YAML file the toolchain reads is read strictly too: incident records and dataset thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.conftest import REPO_ROOT, assert_bad_input, run_cli

INCIDENT = "INC-2026-03-02-001"
RECORD = f"""id: {INCIDENT}
title: Ledger writes failing in the UK cell
severity: sev1
service: ledger
jurisdictions: [UK]
personal_data: false
impact_started_at: null
timeline:
  - {{at: '2026-03-02T08:00:00Z', event: detected}}
"""
THRESHOLDS = (REPO_ROOT / "trustfabric" / "datasets" / "thresholds.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (RECORD + "severity: sev3\n", ("severity", "duplicate key 'severity' (first at line 3)")),
        (RECORD.replace("event: detected}", "event: detected, event: resolved}"), ("timeline[0].event", "duplicate")),
        (RECORD + "notes: " + "[" * 200 + "]" * 200 + "\n", ("notes", "nested deeper")),
    ],
    ids=["duplicate-key", "duplicate-in-timeline", "deep-nesting"],
)
def test_a_malformed_incident_record_is_one_line(tmp_path: Path, text: str, names: tuple[str, ...]):
    (tmp_path / f"{INCIDENT}.yaml").write_text(text, encoding="utf-8")
    outcome = run_cli(["incident", "status", INCIDENT, "--dir", tmp_path, "--now", "2026-03-02T09:00:00Z"])
    assert_bad_input(outcome, f"{INCIDENT}.yaml", *names)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (THRESHOLDS + "overall: 0.5\n", ("overall", "duplicate key 'overall'")),
        (THRESHOLDS.replace("    CA: 0.95\n", "    CA: 0.95\n    UK: 0.10\n"), ("slices.jurisdiction.UK", "duplicate")),
        (THRESHOLDS.encode().replace(b"0.95", b"0.9\xb5", 1), ("cannot read: not UTF-8 text",)),
    ],
    ids=["duplicate-key", "duplicate-slice", "non-utf8"],
)
def test_malformed_dataset_thresholds_are_one_line(tmp_path: Path, text: str | bytes, names: tuple[str, ...]):
    path = tmp_path / "thresholds.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    outcome = run_cli(
        ["datasets", "evaluate", "--results", tmp_path / "r.jsonl", "--dataset", "x", "--thresholds", path]
    )
    assert_bad_input(outcome, "thresholds.yaml", *names)
