"""Malformed SLO specs through the generator's command (`python -m slogen`): one line naming the file and the
field, exit code 2, for unknown or misspelled keys, missing runbooks and YAML that PyYAML would accept."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from slogen.cli import main
from tests.robustness.conftest import REPO_ROOT, Outcome, assert_bad_input

SPEC = (REPO_ROOT / "slos" / "ingestion-availability.yaml").read_text(encoding="utf-8")


def replaced(old: str, new: str) -> str:
    assert old in SPEC, old
    return SPEC.replace(old, new, 1)


CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("root-key-misspelled", replaced("spec:", "specs:"), ("specs", "did you mean 'spec'")),
    ("root-key-unknown", SPEC + "status: draft\n", ("status", "unknown key; allowed: apiVersion")),
    ("metadata-key-unknown", replaced("metadata:", "metadata:\n  nmae: x"), ("metadata.nmae", "did you mean 'name'")),
    ("spec-key-misspelled", replaced("  runbook:", "  runbok:"), ("spec.runbok", "did you mean 'runbook'")),
    ("spec-key-unknown", replaced("  tier:", "  severity: high\n  tier:"), ("spec.severity", "unknown key")),
    (
        "ratio-key-misspelled",
        replaced("      total:", "      totl:"),
        ("spec.indicator.ratio.totl", "did you mean 'total'"),
    ),
    ("test-labels-unknown", replaced("      testLabels:", "      testLabels:\n        ugly: {}"), ("testLabels.ugly",)),
    ("window-key-misspelled", replaced("isRolling", "isRoling"), ("spec.timeWindow[0].isRoling", "did you mean")),
    ("objective-key-misspelled", replaced("target:", "targt:"), ("spec.objectives[0].targt", "did you mean 'target'")),
    (
        "runbook-missing",
        replaced("runbooks/slo-ingestion-availability.md", "runbooks/slo-nowhere.md"),
        ("spec.runbook", "runbooks/slo-nowhere.md", "does not exist"),
    ),
    ("duplicate-key", SPEC + "kind: SLO\n", ("kind", "duplicate key")),
    ("duplicate-nested-key", replaced("  tier:", "  owner: someone-else\n  tier:"), ("spec.owner", "duplicate key")),
    ("non-utf8", SPEC.encode().replace(b"Document", b"Docum\xe9nt", 1), ("not UTF-8",)),
    (
        "deep-nesting",
        replaced("  tier:", "  tier: " + "[" * 200 + "]" * 200 + "\n  tiers:"),
        ("spec.tier", "nested deeper"),
    ),
    (
        "target-5000-digits",
        replaced("target: 0.999", "target: " + "9" * 5000),
        ("spec.objectives[0].target", "5000 digits"),
    ),
    ("target-boolean", replaced("target: 0.999", "target: true"), ("spec.objectives[0].target",)),
    (
        "target-10000-characters",
        replaced("target: 0.999", "target: " + "x" * 10_000),
        ("spec.objectives[0].target", "..."),
    ),
    ("tier-a-date", replaced("tier: tier0", "tier: 2026-02-30"), ("spec.tier", "not a valid date")),
]


def run_slogen(args: list[str]) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return Outcome(code, out.getvalue(), err.getvalue())


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A copy of slos/ and runbooks/, as the generator reads them."""
    shutil.copytree(REPO_ROOT / "slos", tmp_path / "slos")
    shutil.copytree(REPO_ROOT / "runbooks", tmp_path / "runbooks")
    return tmp_path


@pytest.mark.parametrize(("text", "names"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_malformed_slo_spec_is_one_line(repository: Path, text: str | bytes, names: tuple[str, ...]):
    spec = repository / "slos" / "ingestion-availability.yaml"
    spec.write_bytes(text if isinstance(text, bytes) else text.encode())
    outcome = run_slogen(["--out", str(repository / "out"), "--slo-dir", str(repository / "slos")])
    assert_bad_input(outcome, "ingestion-availability.yaml", *names)


def test_the_copied_specs_generate(repository: Path):
    outcome = run_slogen(["--out", str(repository / "out"), "--slo-dir", str(repository / "slos")])
    assert (outcome.code, outcome.stderr) == (0, "")
