"""A control's result never overstates: pass only when every evidence source it names is present and passing.

One gate run of a small foreign program (a KMS key; three policies on, the rest turned off by the policy config)
is judged against the real control catalog with different drill reports, test results and checkov results.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.trustfabric.evidence.conftest import checkov_finding, checkov_results
from tests.trustfabric.helpers import (
    CLEAN_PROGRAM,
    KMS_POLICY,
    STACK,
    pack_policies,
    write_isolated_config,
    write_program,
)
from trustfabric.evidence.controls import Catalog, load_catalog
from trustfabric.evidence.inputs import RunRecord, load_checkov, load_drill_reports, plan_sha256
from trustfabric.evidence.matrix import ControlResult, evaluate_controls
from trustfabric.evidence.status import ControlStatus
from trustfabric.gate import GateResult, load_policy_config, run_gate

KEPT = (
    KMS_POLICY,
    "aws-backup-data-store-covered",
    "stack-dr-readiness-replica-in-paired-region",
    "aws-fis-experiment-template-stop-condition",
    "aws-fis-experiment-template-targets-scoped",
    "aws-scheduler-game-day-outside-blackout",
)
"""The policies left on: the KMS control's, and every policy SOC 2 A1.3 names."""
A13 = "SOC2 A1.3"
KMS_TEST = "tests/policies/aws/kms/test_key_rotation_enabled.py"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
A13_TESTS = (
    "tests/components/delivery/test_delivery_components.py",
    "tests/load/test_harness.py",
    "tests/trustfabric/drills/database/test_aws_restore.py",
    "tests/trustfabric/drills/database/test_aws_pitr.py",
    "tests/trustfabric/drills/database/test_aws_failover.py",
    "tests/trustfabric/drills/database/test_aws_quarterly.py",
    "tests/components/delivery/test_game_days.py",
    "tests/stacks/test_settings_game_days.py",
    "tests/trustfabric/chaos/test_chaos_cli.py",
    "tests/policies/aws/scheduler/test_game_day_schedules.py",
)
"""The test files the catalog names for A1.3 (compliance/controls.yaml): game-day experiments, the load harness
and the AWS drills' row-level restore, PITR, failover data loss and their quarterly report."""
A13_PASSED = {path: RunRecord(path, "pass", "junit.xml", "1 passed") for path in A13_TESTS}
FRESH = "2026-11-20T09:00:00Z"
"""Eleven days before NOW: inside A1.3's quarterly limit (92 days)."""


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, GateResult, frozenset[str]]:
    root = tmp_path_factory.mktemp("results")
    config = write_isolated_config(root / "policy.yaml", keep=KEPT)
    policies = pack_policies()
    gate = run_gate(write_program(root, CLEAN_PROGRAM), STACK, policy_config_file=config, policies=policies)
    levels = load_policy_config(config, policies).levels
    disabled = frozenset(name for name, level in levels.items() if level == "disabled")
    return load_catalog(policies=policies), gate, disabled


def _rows(judged: tuple[Catalog, GateResult, frozenset[str]], **kwargs: Any) -> dict[str, ControlResult]:
    catalog, gate, disabled = judged
    results = evaluate_controls(catalog, gate, pack_policies(), disabled=disabled, **kwargs)
    return {result.control.key: result for result in results}


def _drills(tmp_path: Path, reports: dict[str, dict[str, Any]]) -> list[RunRecord]:
    for name, report in reports.items():
        (tmp_path / name).write_text(json.dumps(report))
    return load_drill_reports(tmp_path)


def test_a13_without_drill_reports_is_evidence_missing_not_pass(judged: Any) -> None:
    """Its policies pass, but the drills it names are absent: the page once showed this as pass."""
    row = _rows(judged)[A13]
    assert sum(len(e.resources) for e in row.evaluations) > 0 and not row.findings
    assert row.status is ControlStatus.EVIDENCE_MISSING
    assert row.reasons == (
        "evidence missing: restore: absent (no report in this package)",
        "evidence missing: failover: absent (no report in this package)",
        "evidence missing: quarterly: absent (no report in this package)",
        *(f"evidence missing: {path}: absent (no result in this package)" for path in A13_TESTS),
    )


def _passing_a13(finished: dict[str, str | None]) -> dict[str, dict[str, Any]]:
    """A1.3's three drills passing; `finished` gives each drill's finishing time (None: the report has none)."""
    reports: dict[str, dict[str, Any]] = {
        "restore-uk.json": {"drill": "restore", "passed": True, "finished_at": finished.get("restore", FRESH)},
        "failover-uk.json": {"drill": "failover", "passed": True, "finished_at": finished.get("failover", FRESH)},
        "quarterly-2026Q3.json": {"drill": "quarterly", "quarter": "2026Q3", "result": "failed"},
        "quarterly-2026Q4.json": {
            "drill": "quarterly",
            "quarter": "2026Q4",
            "result": "passed",
            "generated_at": finished.get("quarterly", FRESH),
        },
    }
    for report in reports.values():
        for key in ("finished_at", "generated_at"):
            if key in report and report[key] is None:
                del report[key]
    return reports


def test_a13_passes_when_every_drill_it_names_passed(judged: Any, tmp_path: Path) -> None:
    drills = _drills(tmp_path, _passing_a13({}))
    row = _rows(judged, drills=drills, tests=A13_PASSED, now=NOW)[A13]
    assert row.status is ControlStatus.PASS
    [quarterly] = [record for record in row.drills if record.name == "quarterly"]
    assert (quarterly.period, quarterly.status) == ("2026Q4", "pass")
    assert row.reasons[-(3 + len(A13_TESTS)) :] == (
        "restore passed",
        "failover passed",
        "quarterly passed",
        *(f"{path} passed" for path in A13_TESTS),
    )


def test_drills_older_than_the_frequency_are_stale_never_pass(judged: Any, tmp_path: Path) -> None:
    """A1.3 is quarterly (92 days): its newest drill report finished 93 days before now."""
    old = (NOW - dt.timedelta(days=93)).isoformat()
    drills = _drills(tmp_path, _passing_a13({"restore": old, "failover": old, "quarterly": old}))
    row = _rows(judged, drills=drills, tests=A13_PASSED, now=NOW)[A13]
    assert row.status is ControlStatus.STALE and not row.status.satisfied
    assert row.reasons[0].startswith("stale: SOC2 A1.3: newest evidence 2026-08-30T12:00:00Z is 93 days old")
    assert row.reasons[0].endswith("limit 92 days (quarterly)")


def test_one_fresh_drill_keeps_the_control_current(judged: Any, tmp_path: Path) -> None:
    old = (NOW - dt.timedelta(days=200)).isoformat()
    drills = _drills(tmp_path, _passing_a13({"restore": old, "failover": old}))
    assert _rows(judged, drills=drills, tests=A13_PASSED, now=NOW)[A13].status is ControlStatus.PASS


def test_drill_reports_without_a_time_are_stale(judged: Any, tmp_path: Path) -> None:
    drills = _drills(tmp_path, _passing_a13({"restore": None, "failover": None, "quarterly": None}))
    row = _rows(judged, drills=drills, tests=A13_PASSED, now=NOW)[A13]
    assert row.status is ControlStatus.STALE
    assert row.reasons[0] == "stale: SOC2 A1.3: no evidence with a time"


def test_the_newest_quarter_decides(judged: Any, tmp_path: Path) -> None:
    drills = _drills(
        tmp_path,
        {
            "restore-uk.json": {"drill": "restore", "passed": True},
            "failover-uk.json": {"drill": "failover", "passed": True},
            "quarterly-2026Q3.json": {"drill": "quarterly", "quarter": "2026Q3", "result": "passed"},
            "quarterly-2026Q4.json": {
                "drill": "quarterly",
                "quarter": "2026Q4",
                "result": "failed",
                "summary": "UK restore: missing",
            },
        },
    )
    row = _rows(judged, drills=drills)[A13]
    assert row.status is ControlStatus.FAIL
    assert row.reasons == (f"quarterly failed ({tmp_path / 'quarterly-2026Q4.json'})",)


def test_an_unreadable_drill_report_is_evidence_missing(judged: Any, tmp_path: Path) -> None:
    (tmp_path / "restore.json").write_text("{not json")
    drills = load_drill_reports(tmp_path)
    row = _rows(judged, drills=drills)["SOC2 A1.2"]
    assert row.status is ControlStatus.EVIDENCE_MISSING
    assert row.reasons[0].startswith("evidence missing: restore: unknown (unreadable: ")


def test_one_absent_test_result_keeps_a_control_from_passing(judged: Any) -> None:
    passed = {path: RunRecord(path, "pass", "junit.xml", "1 passed") for path in ("tests/trustfabric/test_golden.py",)}
    rows = _rows(judged, tests=passed)
    assert rows["SOC2 CC7.1"].status is ControlStatus.EVIDENCE_MISSING
    assert rows["SOC2 CC7.1"].reasons == (
        "evidence missing: tests/trustfabric/audit/test_audit_security.py: absent (no result in this package)",
    )
    skipped = {KMS_TEST: RunRecord(KMS_TEST, "unknown", "junit.xml", "3 skipped")}
    assert _rows(judged, tests=skipped)["CIS-AWS-3.0 3.6"].reasons == (
        f"evidence missing: {KMS_TEST}: unknown (3 skipped)",
    )


def test_a_policy_turned_off_is_evidence_missing(judged: Any) -> None:
    row = _rows(judged, tests={"tests/trustfabric/test_golden.py": RunRecord("g", "pass", "j")})["ISO27001:2022 A.5.9"]
    assert row.status is ControlStatus.EVIDENCE_MISSING
    assert row.reasons == (
        "evidence missing: aws-governance-tags-required: disabled by the policy config; it judged nothing",
        "evidence missing: kubernetes-governance-labels-required: disabled by the policy config; it judged nothing",
    )


def test_every_source_passing_is_pass(judged: Any) -> None:
    row = _rows(judged, tests={KMS_TEST: RunRecord(KMS_TEST, "pass", "junit.xml", "4 passed")})["CIS-AWS-3.0 3.6"]
    assert row.status is ControlStatus.PASS


# ------------------------------------------------------------------------------------------------------------
# checkov results (reports/checkov/<stack>.json)


def _checkov(judged: Any, tmp_path: Path, data: dict[str, Any], stack: str = STACK) -> Any:
    (tmp_path / "checkov").mkdir(exist_ok=True)
    (tmp_path / "checkov" / f"{stack}.json").write_text(json.dumps(data))
    return load_checkov(tmp_path, stack, plan_sha256(judged[1].graph))


def test_a_checkov_failure_fails_the_controls_of_the_policy_judging_the_same_property(
    judged: Any, tmp_path: Path
) -> None:
    checkov = _checkov(judged, tmp_path, checkov_results(STACK, findings=(checkov_finding("CKV_AWS_7", "vault-key"),)))
    assert (checkov.status, checkov.detail) == (
        "fail",
        "checkov 3.3.30: 40 passed, 1 failed, 0 suppressed; 1 unsuppressed failure(s); the results name no plan "
        "sha256, so they are not tied to this run's plan",
    )
    rows = _rows(judged, checkov=checkov, tests={KMS_TEST: RunRecord(KMS_TEST, "pass", "junit.xml")})
    for key in ("CIS-AWS-3.0 3.6", "SOC2 CC6.1"):
        assert rows[key].status is ControlStatus.FAIL, key
        assert "checkov CKV_AWS_7 on vault-key failed" in rows[key].reasons
    assert rows["SOC2 CC6.1"].as_dict()["checkov"]["failures"][0]["policy"] == "CKV_AWS_7"


def test_a_suppressed_checkov_failure_is_exempted(judged: Any, tmp_path: Path) -> None:
    exemption = {"approver": "security@example.com", "expires": "2999-12-31", "reason": "imported key material"}
    checkov = _checkov(
        judged,
        tmp_path,
        checkov_results(
            STACK,
            suppressed=(checkov_finding("CKV_AWS_7", "vault-key", exemption=exemption),),
            plan_sha256=plan_sha256(judged[1].graph),
        ),
    )
    assert checkov.status == "pass"
    row = _rows(judged, checkov=checkov, tests={KMS_TEST: RunRecord(KMS_TEST, "pass", "junit.xml")})["CIS-AWS-3.0 3.6"]
    assert row.status is ControlStatus.EXEMPTED
    assert row.reasons == ("1 exempted finding(s): approved by security@example.com until 2999-12-31",)


def test_checkov_results_of_another_plan_or_stack_are_not_evidence(judged: Any, tmp_path: Path) -> None:
    path = tmp_path / "checkov" / f"{STACK}.json"
    other_plan = _checkov(judged, tmp_path, checkov_results(STACK, plan_sha256="0" * 64))
    ours = plan_sha256(judged[1].graph)
    assert (other_plan.status, other_plan.detail) == (
        "unknown",
        f"{path}: results of another plan (sha256 000000000000, this run's plan {ours[:12]}); "
        f"run trustfabric check --stack {STACK} --with-checkov again",
    )
    other_stack = _checkov(judged, tmp_path, checkov_results("prod"))
    assert (other_stack.status, other_stack.detail) == ("unknown", f"{path}: results of stack 'prod', not 'test'")
    (tmp_path / "checkov" / f"{STACK}.json").write_text('{"stack": "test"}')
    malformed = load_checkov(tmp_path, STACK, ours)
    assert (malformed.status, malformed.detail) == (
        "unknown",
        f"{path}: not checkov results (checkov, findings, suppressed)",
    )
    absent = load_checkov(tmp_path / "nowhere", STACK, ours)
    assert (absent.status, absent.detail) == (
        "absent",
        f"no checkov results ({tmp_path / 'nowhere' / 'checkov' / 'test.json'})",
    )
    rows = _rows(judged, checkov=other_plan, tests={KMS_TEST: RunRecord(KMS_TEST, "pass", "junit.xml")})
    assert rows["CIS-AWS-3.0 3.6"].status is ControlStatus.PASS  # results of another plan change nothing
