"""Every catalog entry is automated, manual or not applicable, and complete for its mode; the rejections."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.trustfabric.helpers import pack_policies
from trustfabric.evidence.controls import (
    CATALOG_PATH,
    DRILL_KINDS,
    FREQUENCIES,
    coverage,
    entry_problems,
    link_problem,
    load_catalog,
)


def test_every_entry_is_complete_for_its_mode() -> None:
    catalog = load_catalog(policies=pack_policies())
    assert all(entry_problems(control, catalog.roles) == [] for control in catalog.controls)
    report = coverage(catalog)
    assert report.problems() == [] and report.missing_evidence == frozenset()


def test_manual_procedures_are_sections_of_docs_compliance_with_an_owner_role() -> None:
    catalog = load_catalog(policies=pack_policies())
    for control in catalog.controls:
        if control.has_manual_part:
            assert control.procedure.startswith("docs/compliance/"), control.key
            assert link_problem(control.procedure) is None, control.key
            assert control.owner in catalog.roles, control.key
            assert control.frequency in FREQUENCIES, control.key


def test_drill_kinds_are_the_ones_the_drills_produce() -> None:
    from trustfabric.drills.database.recovery import KINDS

    source = Path("trustfabric/drills")
    produced = set(KINDS) | {"failover", "failback"}
    assert '"drill": "quarterly"' in (source / "quarterly.py").read_text()
    assert 'DrillRun("restore"' in (source / "restore.py").read_text()
    assert set(DRILL_KINDS) <= produced | {"quarterly", "restore"}
    for control in load_catalog(policies=pack_policies()).controls:
        assert set(control.drills) <= set(DRILL_KINDS), control.key


def _write(tmp_path: Path, entry: dict[str, object]) -> Path:
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    raw["controls"]["NIST-800-53"]["CA-9"] = {"title": "Invented", "summary": "An invented control.", **entry}
    path = tmp_path / "controls.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"mode": "automated"}, "NIST-800-53 CA-9: automated without a policy, test or drill"),
        (
            {"mode": "manual", "owner": "Head of Security", "procedure": "docs/compliance/vendor-risk.md#assessment"},
            "NIST-800-53 CA-9: manual without frequency, record",
        ),
        (
            {
                "mode": "automated",
                "tests": ["tests/stacks/test_settings.py"],
                "owner": "Head of Security",
            },
            "NIST-800-53 CA-9: manual complement without procedure, frequency, record",
        ),
        ({"mode": "not-applicable"}, "NIST-800-53 CA-9: not-applicable without a justification"),
        (
            {"mode": "not-applicable", "justification": "We have none.", "tests": ["tests/stacks/test_settings.py"]},
            "NIST-800-53 CA-9: not-applicable but names evidence (test:tests/stacks/test_settings.py)",
        ),
        (
            {
                "mode": "manual",
                "owner": "Janitor",
                "procedure": "docs/compliance/vendor-risk.md#assessment",
                "frequency": "annually",
                "record": "a binder",
            },
            "NIST-800-53 CA-9: owner 'Janitor' is not a role of the catalog; allowed: CEO, CTO, Head of Security, "
            "Head of Platform, Head of Engineering, Head of People, Data Protection Officer",
        ),
        (
            {
                "mode": "manual",
                "owner": "CTO",
                "procedure": "runbooks/restore.md",
                "frequency": "annually",
                "record": "a binder",
            },
            "NIST-800-53 CA-9: procedure runbooks/restore.md is not under docs/compliance/",
        ),
        (
            {"mode": "automated", "drills": ["chaos"]},
            "unknown drill: NIST-800-53 CA-9: chaos; allowed: restore, pitr, failover, failback, quarterly",
        ),
    ],
)
def test_an_entry_incomplete_for_its_mode_is_rejected(tmp_path: Path, entry: dict[str, object], problem: str) -> None:
    from tests.trustfabric.helpers import invoke

    path = _write(tmp_path, entry)
    result = invoke("controls", "--catalog", path, "--coverage")
    assert result.exit_code == 1
    assert problem in result.stdout.splitlines()
