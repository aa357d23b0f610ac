"""Inputs of the release gate: a clean policy gate result, a healthy error budget snapshot, passed chaos runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any


def now_text(hours_ago: float = 0) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def policy_gate(violations: list[dict[str, Any]] | None = None, stack: str = "prod") -> dict[str, Any]:
    return {"stack": stack, "resources": 412, "violations": violations or [], "exempted": [], "summary": {}}


def violation(policy: str, enforcement: str = "mandatory", name: str = "ledger-key") -> dict[str, Any]:
    return {
        "policy": policy,
        "enforcement": enforcement,
        "severity": "high",
        "message": f"{name} breaks {policy}",
        "resource": {
            "urn": f"urn:pulumi:prod::trust-fabric::aws:kms/key:Key::{name}",
            "type": "aws:kms/key:Key",
            "name": name,
        },
        "controls": [],
        "source": "policy",
    }


def slo_budget(remaining: dict[str, float] | None = None, hours_ago: float = 1) -> dict[str, Any]:
    remaining = remaining or {"api-latency": 0.62, "filing-success": 0.35}
    return {
        "format": "trustfabric.release/slo-budget/v1",
        "generated_at": now_text(hours_ago),
        "source": "prometheus: slo:error_budget_remaining:ratio30d",
        "objectives": [
            {
                "slo": name,
                "objective": f"{name} objective",
                "target": 0.999,
                "window": "30d",
                "remaining_budget_fraction": value,
            }
            for name, value in remaining.items()
        ],
    }


def chaos(runs: list[tuple[str, str, bool, str]] | None = None) -> dict[str, Any]:
    """runs: (experiment id, ended_at, stop condition triggered, verdict)."""
    runs = runs or [("az-outage-uk", "2026-12-01T10:30:00Z", False, "passed")]
    return {
        "format": "trustfabric.release/chaos-results/v1",
        "generated_at": now_text(),
        "experiments": [
            {
                "id": i,
                "started_at": "2026-12-01T10:00:00Z",
                "ended_at": end,
                "stop_condition_triggered": stop,
                "verdict": verdict,
            }
            for i, end, stop, verdict in runs
        ],
    }


def load_result(failing: tuple[str, ...] = ()) -> dict[str, Any]:
    """A load test result (`python -m load.run --out`) whose SLO thresholds in `failing` were missed."""
    slos = {"api-latency": "api", "filing-success": "filing", "ingestion-availability": "ingestion"}
    return {
        "format": "trustfabric.load/result/v1",
        "generated_at": now_text(),
        "profile": {"jurisdiction": "UK", "deadline": "31 January", "seconds": 300},
        "host": "https://api.uk.example",
        "passed": not failing,
        "verdicts": [
            {
                "slo": slo,
                "service": service,
                "threshold": f"at most 0.1000% of {service} requests failing",
                "max_error_ratio": 0.001,
                "observed_ratio": 0.25 if slo in failing else 0.0,
                "requests": 400,
                "passed": slo not in failing,
            }
            for slo, service in slos.items()
        ],
    }


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def write_gate_inputs(root: Path, **overrides: Any) -> list[str]:
    """--policy-gate, --slo-budget and --chaos options over healthy defaults (overridden by document)."""
    gate = write_json(root / "policy-gate.json", overrides.get("policy_gate", policy_gate()))
    budget = write_json(root / "slo-budget.json", overrides.get("slo_budget", slo_budget()))
    options = ["--policy-gate", str(gate), "--slo-budget", str(budget)]
    if overrides.get("chaos", chaos()) is not None:
        options += ["--chaos", str(write_json(root / "chaos.json", overrides.get("chaos", chaos())))]
    return options
