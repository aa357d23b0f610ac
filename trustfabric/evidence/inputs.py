"""Evidence beside the gate: drill reports, JUnit test results and checkov results, read as records.

- `load_drill_reports(dir)`: every `*.json` drill report; a quarterly report (`drill: quarterly`, written by
  `trustfabric drill report --quarter`) is the record named `quarterly`, and its quarter is kept so the newest
  quarter decides.
- `load_junit(path, root)`: per test file, pass when its cases passed, fail when any failed, unknown when none ran;
  `junit_commit(path)` the commit the report says it tested (a package takes only its own commit's results).
- `load_checkov(reports_dir, stack, plan_digest)`: `reports/checkov/<stack>.json`, written by
  `trustfabric check --stack <stack> --with-checkov`. Its shape::

      {"stack": "prod", "generated_at": "2026-01-02T03:04:05Z", "checkov_version": "3.3.30",
       "plan_sha256": "<sha256 of the bridged plan.json>",
       "checkov": {"resources": 412, "passed": 1200, "failed": 3, "suppressed": 2, "mandatory": 1, ...},
       "findings": [<Finding.as_dict()>...], "suppressed": [<Finding.as_dict()>...]}

  (`time` and `version` are read as well as `generated_at` and `checkov_version`). Results of another stack,
  or of another plan than this run's (`plan_sha256`, compared with `plan_sha256(graph)` when the file has
  one), or a file that is not this shape, are not evidence of this run: the record says why, never a pass.

Usage::

    drills = load_drill_reports(Path("reports/drills"))
    checkov = load_checkov(Path("reports"), "prod", plan_sha256(gate.graph))
    print(checkov.status, checkov.detail)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bridge.checkov import DUPLICATES
from ..bridge.tfplan import build_plan
from ..graph import ResourceGraph

PASSED = {"pass", "passed", "success", "succeeded", "ok", "green"}
FAILED = {"fail", "failed", "failure", "error", "errored", "red"}
QUARTERLY = "quarterly"
CHECKOV_DIR = "checkov"


@dataclass(frozen=True)
class RunRecord:
    """A drill report or a test file's result: name, pass / fail / absent / unknown, and where it came from."""

    name: str
    status: str
    source: str
    detail: str = ""
    period: str = ""
    """The quarter of a quarterly drill report (`2026Q4`); the newest one decides."""
    time: dt.datetime | None = None
    """When a drill report says it finished (`finished_at`, or `generated_at` of a quarterly report)."""

    def as_dict(self) -> dict[str, str]:
        data = {"name": self.name, "status": self.status, "source": self.source, "detail": self.detail}
        if self.period:
            data["period"] = self.period
        if self.time is not None:
            data["time"] = self.time.isoformat().replace("+00:00", "Z")
        return data


def _status_word(value: Any) -> str:
    if isinstance(value, bool):
        return "pass" if value else "fail"
    text = str(value).strip().lower()
    if text in PASSED:
        return "pass"
    if text in FAILED:
        return "fail"
    return "unknown"


def load_drill_reports(directory: Path) -> list[RunRecord]:
    """Every `*.json` drill report in `directory` (absent directory: none). Unreadable files are `unknown`."""
    if not directory.is_dir():
        return []
    records: list[RunRecord] = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            records.append(RunRecord(path.stem, "unknown", str(path), f"unreadable: {error}"))
            continue
        if not isinstance(data, dict):
            records.append(RunRecord(path.stem, "unknown", str(path), "not a JSON object"))
            continue
        name = str(data.get("drill") or data.get("name") or path.stem)
        status = "unknown"
        for key in ("status", "result", "outcome", "passed", "ok", "success"):
            if key in data:
                status = _status_word(data[key])
                break
        detail = str(data.get("summary") or data.get("message") or "")
        period = str(data.get("quarter") or "") if name == QUARTERLY else ""
        records.append(RunRecord(name, status, str(path), detail, period, _report_time(data)))
    return records


def _report_time(data: dict[str, Any]) -> dt.datetime | None:
    """The report's finishing time (ISO 8601; naive means UTC), or None when it has none or it does not parse."""
    for key in ("finished_at", "generated_at"):
        value = data.get(key)
        if isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return None


def drills_by_name(records: list[RunRecord]) -> dict[str, RunRecord]:
    """One record per drill name: for quarterly reports the newest quarter; for other drills a failure wins,
    else the newest report (its time decides the control's freshness)."""
    chosen: dict[str, RunRecord] = {}
    for record in records:
        previous = chosen.get(record.name)
        if previous is None:
            chosen[record.name] = record
        elif record.name == QUARTERLY:
            if record.period > previous.period:
                chosen[record.name] = record
        elif record.status == "fail" or (previous.status != "fail" and _newer(record.time, previous.time)):
            chosen[record.name] = record
    return chosen


def _newer(time: dt.datetime | None, than: dt.datetime | None) -> bool:
    return time is not None and (than is None or time > than)


def _test_file(case: ElementTree.Element, root: Path) -> str:
    file_attribute = case.get("file")
    if file_attribute:
        return file_attribute
    parts = (case.get("classname") or "").split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (root / candidate).is_file():
            return candidate
    return "/".join(parts) + ".py"


def junit_commit(path: Path) -> str | None:
    """The commit a JUnit report says it tested (the `commit` test-suite property our tests/conftest.py records);
    None when it names none or cannot be read."""
    try:
        tree = ElementTree.parse(path)
    except (OSError, ElementTree.ParseError):
        return None
    for prop in tree.iter("property"):
        if prop.get("name") == "commit" and prop.get("value"):
            return str(prop.get("value"))
    return None


def load_junit(path: Path, root: Path) -> dict[str, RunRecord]:
    """Per test file (repository-relative path) its result in a JUnit XML report: fail when any case failed."""
    try:
        tree = ElementTree.parse(path)
    except (OSError, ElementTree.ParseError) as error:
        return {"": RunRecord(str(path), "unknown", str(path), f"unreadable: {error}")}
    counts: dict[str, Counter[str]] = {}
    for case in tree.iter("testcase"):
        test_file = _test_file(case, root)
        outcome = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        counts.setdefault(test_file, Counter())[outcome] += 1
    records = {}
    for test_file, counter in counts.items():
        status = "fail" if counter["failed"] else ("pass" if counter["passed"] else "unknown")
        detail = ", ".join(f"{counter[key]} {key}" for key in ("passed", "failed", "skipped") if counter[key])
        records[test_file] = RunRecord(test_file, status, str(path), detail)
    return records


# ------------------------------------------------------------------------------------------------------------
# checkov


def plan_sha256(graph: ResourceGraph) -> str:
    """SHA-256 of the bridged Terraform plan exactly as `scan_graph` writes plan.json for checkov."""
    text = json.dumps(build_plan(graph).plan, indent=1, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CheckovEvidence:
    """checkov's results for the stack, when a file for this run exists (status pass, fail, absent or unknown)."""

    path: Path
    status: str
    detail: str
    counts: dict[str, Any] = field(default_factory=dict)
    findings: tuple[dict[str, Any], ...] = ()
    """Counted failures (mandatory); advisory notes such as unscanned types are not failures."""
    suppressed: tuple[dict[str, Any], ...] = ()
    version: str = ""
    generated_at: str = ""
    plan_sha256: str = ""

    @property
    def present(self) -> bool:
        return self.status in ("pass", "fail")

    def controls_of(self, entry: dict[str, Any], policy_controls: dict[str, tuple[str, ...]]) -> set[str]:
        """The controls a checkov result bears on: its own, and those of our policies judging the same property."""
        controls = {str(key) for key in entry.get("controls") or () if isinstance(key, str)}
        for policy in DUPLICATES.get(str(entry.get("policy", "")), ()):
            controls.update(policy_controls.get(policy, ()))
        return controls

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "status": self.status,
            "detail": self.detail,
            "counts": self.counts,
            "version": self.version,
            "generated_at": self.generated_at,
            "plan_sha256": self.plan_sha256,
            "findings": len(self.findings),
            "suppressed": len(self.suppressed),
        }


def _finding_list(data: dict[str, Any], key: str) -> list[dict[str, Any]] | None:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) and "policy" in item for item in value):
        return None
    return value


def load_checkov(reports_dir: Path, stack: str, plan_digest: str | None = None) -> CheckovEvidence:
    """`reports_dir/checkov/<stack>.json` as evidence of this run (see the module docstring)."""
    path = reports_dir / CHECKOV_DIR / f"{stack}.json"
    if not path.is_file():
        return CheckovEvidence(path, "absent", f"no checkov results ({path})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return CheckovEvidence(path, "unknown", f"{path}: unreadable: {error}")
    counts = data.get("checkov") if isinstance(data, dict) else None
    findings = _finding_list(data, "findings") if isinstance(data, dict) else None
    suppressed = _finding_list(data, "suppressed") if isinstance(data, dict) else None
    if not isinstance(counts, dict) or findings is None or suppressed is None:
        return CheckovEvidence(path, "unknown", f"{path}: not checkov results (checkov, findings, suppressed)")
    if data.get("stack") != stack:
        return CheckovEvidence(path, "unknown", f"{path}: results of stack {data.get('stack')!r}, not {stack!r}")
    recorded = str(data.get("plan_sha256") or "")
    if plan_digest is not None and recorded and recorded != plan_digest:
        return CheckovEvidence(
            path,
            "unknown",
            f"{path}: results of another plan (sha256 {recorded[:12]}, this run's plan {plan_digest[:12]}); "
            f"run trustfabric check --stack {stack} --with-checkov again",
            plan_sha256=recorded,
        )
    counted = tuple(item for item in findings if item.get("enforcement", "mandatory") == "mandatory")
    status = "fail" if counted else "pass"
    numbers = {key: value for key, value in counts.items() if isinstance(value, int | float)}
    summary = ", ".join(f"{numbers[key]} {key}" for key in ("passed", "failed", "suppressed") if key in numbers)
    detail = f"checkov {data.get('checkov_version') or data.get('version') or '?'}: {summary or 'no counts'}"
    if counted:
        detail += f"; {len(counted)} unsuppressed failure(s)"
    if not recorded:
        detail += "; the results name no plan sha256, so they are not tied to this run's plan"
    return CheckovEvidence(
        path,
        status,
        detail,
        counts=numbers,
        findings=counted,
        suppressed=tuple(suppressed),
        version=str(data.get("checkov_version") or data.get("version") or ""),
        generated_at=str(data.get("generated_at") or data.get("time") or ""),
        plan_sha256=recorded,
    )


__all__ = [
    "CHECKOV_DIR",
    "QUARTERLY",
    "CheckovEvidence",
    "RunRecord",
    "drills_by_name",
    "junit_commit",
    "load_checkov",
    "load_drill_reports",
    "load_junit",
    "plan_sha256",
]
