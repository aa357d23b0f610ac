"""`release gate`: one command a deploy pipeline runs before promoting a service or model version.

Reads every input first (any malformed one is bad input, exit 2, before anything is written), judges the
conditions (`conditions`), then writes the signed decision record (`decision`) into the output directory:
`promote` when every condition passes (exit 0), `block` otherwise (exit 1, each failed condition on its own line).

Usage::

    from trustfabric.release.gate import GateInputs, release_gate

    result = release_gate(GateInputs(evaluation=Path("evaluation.json"), policy_gate=Path("gate.json"),
                                     slo_budget=Path("budget.json")))
    result.outcome, result.failures, result.path
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datasets.thresholds import load_thresholds
from ..evidence.signing import load_private_key
from .conditions import (
    Condition,
    judge_chaos,
    judge_error_budget,
    judge_evaluation,
    judge_load,
    judge_policy_gate,
    load_input,
)
from .decision import DECISION_FORMAT, DEFAULT_DIRECTORY, now_utc, timestamp, write_decision


@dataclass(frozen=True)
class GateInputs:
    evaluation: Path
    """The candidate's evaluation record (`trustfabric datasets evaluate`)."""
    policy_gate: Path
    """`trustfabric check --format json` of the target stack."""
    slo_budget: Path
    """The SLO error budget snapshot (schemas/slo-budget.schema.json)."""
    chaos: Path | None = None
    """The latest chaos experiment results (schemas/chaos-results.schema.json), when there are any."""
    load: Path | None = None
    """The peak-filing-season load test's result (`python -m load.run --out`), when there is one."""
    thresholds: Path | None = None
    """Release thresholds; default the packaged trustfabric/datasets/thresholds.yaml."""
    candidate: str | None = None
    """What is promoted; default the evaluation record's candidate (and it must match when given)."""
    stack: str | None = None
    """The target stack; when given, the policy gate result must be for it."""
    min_budget: float = 0.0
    """An objective needs more than this fraction of its error budget left."""
    max_age_hours: float = 24.0
    """The SLO snapshot may be at most this old."""
    require_chaos: bool = False
    require_load: bool = False
    signing_key: Path | None = None
    out: Path = DEFAULT_DIRECTORY


@dataclass(frozen=True)
class GateResult:
    conditions: list[Condition]
    record: dict[str, Any]
    path: Path

    @property
    def outcome(self) -> str:
        return str(self.record["decision"]["outcome"])

    @property
    def failures(self) -> list[str]:
        return [line for condition in self.conditions for line in condition.failures]


def release_gate(inputs: GateInputs, *, now: dt.datetime | None = None) -> GateResult:
    moment = now or now_utc()
    thresholds = load_thresholds(inputs.thresholds)
    evaluation = load_input(inputs.evaluation, "evaluation", "--evaluation")
    policy_gate = load_input(inputs.policy_gate, "policy-gate", "--policy-gate")
    slo_budget = load_input(inputs.slo_budget, "slo-budget", "--slo-budget")
    chaos = load_input(inputs.chaos, "chaos-results", "--chaos") if inputs.chaos is not None else None
    load = load_input(inputs.load, "load-result", "--load") if inputs.load is not None else None
    key, provenance = load_private_key(inputs.signing_key)
    conditions = [
        judge_evaluation(evaluation, thresholds, inputs.candidate),
        judge_policy_gate(policy_gate, inputs.stack),
        judge_error_budget(slo_budget, min_budget=inputs.min_budget, max_age_hours=inputs.max_age_hours, now=moment),
        judge_chaos(chaos, required=inputs.require_chaos),
        judge_load(load, required=inputs.require_load),
    ]
    record = evaluation.document
    decision = {
        "format": DECISION_FORMAT,
        "candidate": inputs.candidate or record["candidate"],
        "stack": policy_gate.document["stack"],
        "decided_at": timestamp(moment),
        "outcome": "block" if any(condition.failed for condition in conditions) else "promote",
        "dataset": record["dataset"],
        "thresholds": thresholds.as_dict(),
        "conditions": [condition.as_dict() for condition in conditions],
        "inputs": {
            "evaluation": evaluation.reference(),
            "policy_gate": policy_gate.reference(),
            "slo_budget": slo_budget.reference(),
            "chaos": chaos.reference() if chaos is not None else None,
            "load": load.reference() if load is not None else None,
            "thresholds": {"path": thresholds.source, "sha256": thresholds.sha256},
        },
    }
    path, signed = write_decision(decision, key, provenance, inputs.out)
    return GateResult(conditions, signed, path)
