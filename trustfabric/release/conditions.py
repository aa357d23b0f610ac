"""The conditions of a release: evaluation, policy gate, error budget, chaos, load; each judged from its input file.

Every input is read, checked against its schema (`schemas/`) and hashed (the decision record carries the
sha256 of each). A condition is `pass`, `fail` (with one line per failure, each naming the condition) or
`absent` (only chaos and load may be absent, unless required).

- **evaluation**: the candidate's evaluation record (`datasets evaluate`). Judged again here against the
  release thresholds (`--thresholds`, default the packaged ones), not the thresholds the record was made with:
  every slice at or above its threshold and none regressed beyond the tolerance. Its verdicts file, when beside
  it, must match the record's hash.
- **policy-gate**: `trustfabric check --format json` of the target stack: no mandatory (or remediate) violation.
- **error-budget**: the SLO snapshot: every objective has more than `min_budget` of its error budget left, and
  the snapshot is at most `max_age_hours` old.
- **chaos**: the latest run of each experiment in the results file passed and its stop condition did not fire.
- **load**: the peak-filing-season load test (`python -m load.run --out`) met every SLO threshold it judged.

Usage::

    from trustfabric.release.conditions import judge_evaluation, load_input

    loaded = load_input(Path("evaluation.json"), "evaluation", "--evaluation")
    condition = judge_evaluation(loaded, thresholds, candidate=None)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datasets.history import verdicts_path
from ..datasets.schema import DATASET_SCHEMAS, SchemaSet, load_json
from ..datasets.thresholds import Thresholds, judge, percent
from ..errors import TrustFabricError

RELEASE_SCHEMAS = SchemaSet("trustfabric.release", extra=[DATASET_SCHEMAS])


@dataclass(frozen=True)
class LoadedInput:
    path: Path
    sha256: str
    document: dict[str, Any]

    def reference(self) -> dict[str, str]:
        return {"path": str(self.path), "sha256": self.sha256}


@dataclass(frozen=True)
class Condition:
    name: str
    status: str
    """pass, fail or absent."""
    summary: str
    failures: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "summary": self.summary, "failures": list(self.failures)}


def load_input(path: Path, schema: str, option: str) -> LoadedInput:
    """Read, hash and validate one input file (TrustFabricError naming the option, file and JSON path)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TrustFabricError(f"{option}: {path}: cannot read: {error.strerror or error}") from None
    document = load_json(data, source=str(path))
    if not isinstance(document, dict):
        raise TrustFabricError(f"{path}: $: expected a JSON object")
    RELEASE_SCHEMAS.validate(schema, document, source=str(path))
    return LoadedInput(path, hashlib.sha256(data).hexdigest(), document)


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def judge_evaluation(loaded: LoadedInput, thresholds: Thresholds, candidate: str | None) -> Condition:
    record = loaded.document
    if candidate is not None and record["candidate"] != candidate:
        raise TrustFabricError(
            f"--evaluation: {loaded.path}: the record is for candidate {record['candidate']!r}, not {candidate!r}"
        )
    verdicts = verdicts_path(loaded.path)
    if verdicts.is_file():
        with verdicts.open("rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest()
        if actual != record["verdicts"]["sha256"]:
            raise TrustFabricError(
                f"{verdicts}: sha256 {actual} does not match the record's verdicts: tampered or stale"
            )
    failures = [f"evaluation: {line}" for line in judge(record["slices"], thresholds)]
    totals = record["totals"]
    dataset = record["dataset"]
    summary = (
        f"{record['candidate']} on {dataset['name']}@{dataset['version']}: {percent(totals['accuracy'])} "
        f"({totals['passed']}/{totals['samples']}), {len(record['slices'])} slices judged"
    )
    return Condition("evaluation", "fail" if failures else "pass", summary, failures)


def judge_policy_gate(loaded: LoadedInput, stack: str | None) -> Condition:
    document = loaded.document
    if stack is not None and document["stack"] != stack:
        raise TrustFabricError(
            f"--policy-gate: {loaded.path}: the gate result is for stack {document['stack']!r}, not {stack!r}"
        )
    mandatory: dict[str, list[str]] = defaultdict(list)
    for violation in document["violations"]:
        if violation["enforcement"] in ("mandatory", "remediate"):
            mandatory[violation["policy"]].append(
                str(violation["resource"].get("name") or violation["resource"].get("urn") or "stack")
            )
    failures = []
    for policy, resources in sorted(mandatory.items()):
        shown = ", ".join(sorted(resources)[:5]) + (", ..." if len(resources) > 5 else "")
        noun = "violation" if len(resources) == 1 else "violations"
        failures.append(
            f"policy gate: stack {document['stack']}: {policy}: {len(resources)} mandatory {noun} ({shown})"
        )
    advisory = sum(1 for v in document["violations"] if v["enforcement"] not in ("mandatory", "remediate"))
    summary = (
        f"stack {document['stack']}: {document['resources']} resources, "
        f"{sum(len(r) for r in mandatory.values())} mandatory and {advisory} advisory violations"
    )
    return Condition("policy-gate", "fail" if failures else "pass", summary, failures)


def judge_error_budget(loaded: LoadedInput, *, min_budget: float, max_age_hours: float, now: dt.datetime) -> Condition:
    document = loaded.document
    failures = []
    age_hours = (now - _parse_time(document["generated_at"])).total_seconds() / 3600
    if age_hours > max_age_hours:
        failures.append(
            f"error budget: the snapshot was generated {age_hours:.1f} h ago, more than {max_age_hours:g} h; "
            "export a current one"
        )
    for objective in document["objectives"]:
        remaining = float(objective["remaining_budget_fraction"])
        if remaining <= min_budget:
            state = "exhausted" if remaining <= 0 else f"at or below the minimum {percent(min_budget)}"
            failures.append(
                f"error budget: {objective['slo']} ({objective['objective']}, target {objective['target']:g} over "
                f"{objective['window']}): {percent(max(remaining, -1.0))} of the budget left ({state})"
            )
    lowest = min(float(o["remaining_budget_fraction"]) for o in document["objectives"])
    summary = f"{len(document['objectives'])} objectives, lowest remaining budget {percent(lowest)}"
    return Condition("error-budget", "fail" if failures else "pass", summary, failures)


def judge_chaos(loaded: LoadedInput | None, *, required: bool) -> Condition:
    if loaded is None:
        if required:
            return Condition(
                "chaos", "fail", "no chaos results", ["chaos: no results were given and --require-chaos is set"]
            )
        return Condition("chaos", "absent", "no chaos results given (not required)")
    latest: dict[str, dict[str, Any]] = {}
    for run in loaded.document["experiments"]:
        kept = latest.get(run["id"])
        if kept is None or _parse_time(run["ended_at"]) >= _parse_time(kept["ended_at"]):
            latest[run["id"]] = run
    failures = []
    for experiment_id, run in sorted(latest.items()):
        reasons = []
        if run["verdict"] != "passed":
            reasons.append(f"verdict {run['verdict']}")
        if run["stop_condition_triggered"]:
            reasons.append("stop condition triggered")
        if reasons:
            failures.append(f"chaos: experiment {experiment_id} (ended {run['ended_at']}): {', '.join(reasons)}")
    summary = f"{len(latest)} experiments, latest run of each judged"
    return Condition("chaos", "fail" if failures else "pass", summary, failures)


def judge_load(loaded: LoadedInput | None, *, required: bool) -> Condition:
    if loaded is None:
        if required:
            return Condition("load", "fail", "no load result", ["load: no result was given and --require-load is set"])
        return Condition("load", "absent", "no load result given (not required)")
    document = loaded.document
    failures = [
        f"load: {verdict['slo']} ({verdict['service']}): {verdict['threshold']}; "
        + ("no requests" if verdict["observed_ratio"] is None else f"observed {percent(verdict['observed_ratio'])}")
        for verdict in document["verdicts"]
        if not verdict["passed"]
    ]
    if not document["passed"] and not failures:
        failures.append("load: the result is marked failed although every threshold passed")
    profile = document["profile"]
    summary = (
        f"{len(document['verdicts'])} SLO thresholds, {profile['jurisdiction']} profile against {document['host']} "
        f"({document['generated_at']})"
    )
    return Condition("load", "fail" if failures else "pass", summary, failures)
