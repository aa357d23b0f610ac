"""Step Functions definitions of the ModelOps pipelines: Amazon States Language templates kept as data in
`components/modelops/definitions/*.asl.json`, rendered with the cell's values and checked before use.

- `approval_gate.asl.json`: runs on every approval-status change of a model package of the cell. A version set
  to Approved passes only when the principal that approved it is the cell's model-approver role and the evaluation
  record in the lineage store meets every threshold of its model family; otherwise the gate sets it back to
  Rejected with the reason. Every decision is published as a `trustfabric.modelops` event (the audit trail) and
  the execution history is logged to a CMK-encrypted log group.
- `evaluation.asl.json`: the nightly evaluation of every model family of the cell against the jurisdiction's
  golden dataset, in network-isolated processing jobs inside the cell's VPC, results in the lineage store.
- `retraining.asl.json`: on a drift alarm, an isolated training job, then the new version registered
  `PendingManualApproval` in its group: retrained versions go through the approval gate, never straight to serving.

A template holds placeholders: a string that is exactly `"${name}"` becomes the value given for `name` (any JSON
value: a list of subnets, the gate's per-model choices); `${name}` inside a longer string is replaced by the
text of a string value. A placeholder without a value, or a value without a placeholder, is an error.

Usage::

    definition = approval_gate_definition(
        approver_session_pattern="arn:aws:sts::123456789012:assumed-role/trustfabric-prod-uk-model-approver/*",
        lineage_bucket="trustfabric-prod-uk-ml-lineage-eu-west-2-123456789012",
        thresholds={"trustfabric-prod-uk-tax-computation": {"accuracy": 0.99}},
    )
    assert structure_problems(json.loads(definition)) == []
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
TEMPLATES = ("approval_gate", "evaluation", "retraining")
"""Every template, by file stem."""
BELOW_THRESHOLD = "BelowThreshold"
"""The gate's state for a version missing a metric or below a threshold."""
GATE_PASSED = "MarkGatePassed"
"""The gate's state that marks a version the deploy pipeline may pick up."""

_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")
_TERMINAL_TYPES = ("Succeed", "Fail", "Choice")


@cache
def template(name: str) -> str:
    """The template's text; raises ValueError for an unknown name."""
    if name not in TEMPLATES:
        raise ValueError(f"definitions: {name!r} is not a template; allowed: {', '.join(TEMPLATES)}")
    return (DEFINITIONS_DIR / f"{name}.asl.json").read_text(encoding="utf-8")


def placeholders(name: str) -> set[str]:
    """The placeholder names a template holds."""
    return set(_PLACEHOLDER.findall(template(name)))


def render(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The template with every placeholder replaced; raises ValueError naming a missing or unused value."""
    wanted = placeholders(name)
    missing = sorted(wanted - set(values))
    if missing:
        raise ValueError(f"definitions: {name}: no value for {', '.join(missing)}")
    unused = sorted(set(values) - wanted)
    if unused:
        raise ValueError(f"definitions: {name}: {', '.join(unused)} not in the template")

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(item) for item in node]
        if isinstance(node, str):
            whole = _PLACEHOLDER.fullmatch(node)
            if whole:
                return values[whole.group(1)]
            return _PLACEHOLDER.sub(lambda match: _text(name, match.group(1), values[match.group(1)]), node)
        return node

    filled: dict[str, Any] = fill(json.loads(template(name)))
    return filled


def _text(name: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"definitions: {name}: {key} is inside a string and must be a string, got {value!r}")
    return value


def _targets(state: Mapping[str, Any]) -> list[str]:
    """Every state a state may move to (Next, Choice rules and Default, Catch)."""
    found = [state["Next"]] if "Next" in state else []
    found += [choice["Next"] for choice in state.get("Choices", []) if isinstance(choice, dict) and "Next" in choice]
    if "Default" in state:
        found.append(state["Default"])
    found += [catcher["Next"] for catcher in state.get("Catch", []) if "Next" in catcher]
    return found


def structure_problems(machine: Mapping[str, Any], where: str = "") -> list[str]:
    """What the ASL parser does not check: every transition names a state of the same scope, every state is
    reachable from StartAt, and every state ends or moves on. Map iterators and Parallel branches included."""
    problems: list[str] = []
    states = machine.get("States")
    if not isinstance(states, dict) or not states:
        return [f"{where}States: missing or empty"]
    start = machine.get("StartAt")
    if start not in states:
        problems.append(f"{where}StartAt: {start!r} is not a state")
    for state_name, state in states.items():
        for target in _targets(state):
            if target not in states:
                problems.append(f"{where}{state_name}: moves to {target!r}, which is not a state")
        if state.get("Type") not in _TERMINAL_TYPES and "Next" not in state and state.get("End") is not True:
            problems.append(f"{where}{state_name}: neither Next nor End")
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            problems += structure_problems(processor, f"{where}{state_name}.ItemProcessor.")
        for index, branch in enumerate(state.get("Branches", [])):
            problems += structure_problems(branch, f"{where}{state_name}.Branches[{index}].")
    reached: set[str] = set()
    pending = [start] if start in states else []
    while pending:
        current = str(pending.pop())
        if current in reached:
            continue
        reached.add(current)
        pending += [target for target in _targets(states[current]) if target in states]
    problems += [f"{where}{name}: not reachable from StartAt" for name in states if name not in reached]
    return problems


def _state_name(group: str) -> str:
    return f"Evaluate-{group}"


def approval_gate_definition(
    *, approver_session_pattern: str, lineage_bucket: str, thresholds: Mapping[str, Mapping[str, float]]
) -> str:
    """The gate's definition: `thresholds` maps each model package group of the cell to its metric minimums.

    Each group gets a Choice state `Evaluate-<group>` that sends the version to `BelowThreshold` when a metric
    is missing from its evaluation record or lower than its minimum, and to `MarkGatePassed` otherwise."""
    if not thresholds:
        raise ValueError("definitions: approval_gate: thresholds: must not be empty")
    choices = [
        {"Variable": "$.package.ModelPackageGroupName", "StringEquals": group, "Next": _state_name(group)}
        for group in thresholds
    ]
    machine = render(
        "approval_gate",
        {
            "approver_session_pattern": approver_session_pattern,
            "lineage_bucket": lineage_bucket,
            "model_choices": choices,
        },
    )
    for group, minimums in thresholds.items():
        if not minimums:
            raise ValueError(f"definitions: approval_gate: thresholds[{group!r}]: must not be empty")
        rules = [
            {
                "Or": [  # evaluated in order: a missing metric never reaches the numeric comparison
                    {"Not": {"Variable": f"$.evaluation.metrics.{metric}", "IsPresent": True}},
                    {"Not": {"Variable": f"$.evaluation.metrics.{metric}", "IsNumeric": True}},
                    {"Variable": f"$.evaluation.metrics.{metric}", "NumericLessThan": minimum},
                ],
                "Next": BELOW_THRESHOLD,
            }
            for metric, minimum in sorted(minimums.items())
        ]
        machine["States"][_state_name(group)] = {"Type": "Choice", "Choices": rules, "Default": GATE_PASSED}
    return _checked("approval_gate", machine)


def pipeline_definition(name: str, values: Mapping[str, Any]) -> str:
    """The evaluation or retraining definition rendered with `values`, checked, as JSON text."""
    return _checked(name, render(name, values))


def _checked(name: str, machine: dict[str, Any]) -> str:
    problems = structure_problems(machine)
    if problems:
        raise ValueError(f"definitions: {name}: {problems[0]}")
    return json.dumps(machine, sort_keys=True)
