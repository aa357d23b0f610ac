"""`trustfabric release`: the release gate and the check of its signed decisions.

Commands::

    trustfabric release gate --evaluation FILE --policy-gate FILE --slo-budget FILE [--chaos FILE] [--load FILE]
                             [--candidate NAME] [--stack NAME] [--thresholds FILE] [--min-error-budget F]
                             [--max-snapshot-age-hours H] [--require-chaos] [--require-load]
                             [--signing-key FILE]
                             [--out DIR] [--format text|json]
    trustfabric release verify RECORD [--public-key FILE]

`gate` exits 0 when every condition passes (promote), 1 when any fails (block; each failure on its own line),
2 for bad input; the signed decision record is written either way. `verify` exits 1 when the signature does not
hold or an input changed.

Importing this module adds the group to the CLI's app (`trustfabric.cli`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TrustFabricError
from .common import app

release_app = typer.Typer(help="Decide whether a service or model version may be promoted.", no_args_is_help=True)
app.add_typer(release_app, name="release")


@release_app.command("gate")
def gate_command(
    evaluation: Annotated[
        Path, typer.Option("--evaluation", help="The candidate's evaluation record (datasets evaluate).")
    ],
    policy_gate: Annotated[
        Path, typer.Option("--policy-gate", help="`trustfabric check --format json` of the target stack.")
    ],
    slo_budget: Annotated[Path, typer.Option("--slo-budget", help="SLO error budget snapshot (JSON).")],
    chaos: Annotated[
        Path | None, typer.Option("--chaos", help="Latest chaos experiment results (JSON), if any.")
    ] = None,
    load: Annotated[
        Path | None,
        typer.Option("--load", help="The load test's result (`python -m load.run --out FILE`), if any."),
    ] = None,
    candidate: Annotated[
        str | None, typer.Option("--candidate", help="What is promoted; must match the evaluation record's.")
    ] = None,
    stack: Annotated[
        str | None, typer.Option("--stack", help="Target stack; must match the policy gate result's.")
    ] = None,
    thresholds: Annotated[
        Path | None, typer.Option("--thresholds", help="Release thresholds; default the packaged thresholds.yaml.")
    ] = None,
    min_error_budget: Annotated[
        float, typer.Option("--min-error-budget", help="Each SLO needs more than this fraction of its budget left.")
    ] = 0.0,
    max_snapshot_age_hours: Annotated[
        float, typer.Option("--max-snapshot-age-hours", help="How old the SLO snapshot may be.")
    ] = 24.0,
    require_chaos: Annotated[
        bool, typer.Option("--require-chaos", help="Block when no chaos results are given.")
    ] = False,
    require_load: Annotated[
        bool, typer.Option("--require-load", help="Block when no load test result is given.")
    ] = False,
    signing_key: Annotated[
        Path | None, typer.Option("--signing-key", help="Ed25519 private key (PEM); default an ephemeral key.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory of decision records.")] = Path("reports/release"),
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Block or allow a promotion: evaluation, policy gate, error budget, chaos, load; writes a signed decision."""
    from ..release.gate import GateInputs, release_gate

    if output_format not in ("text", "json"):
        raise TrustFabricError(f"--format: {output_format!r} is not allowed; allowed: text, json")
    if not 0 <= min_error_budget < 1:
        raise TrustFabricError(f"--min-error-budget: {min_error_budget} is not allowed; a fraction from 0 to below 1")
    if max_snapshot_age_hours <= 0:
        raise TrustFabricError(f"--max-snapshot-age-hours: {max_snapshot_age_hours} is not allowed; more than 0")
    result = release_gate(
        GateInputs(
            evaluation=evaluation,
            policy_gate=policy_gate,
            slo_budget=slo_budget,
            chaos=chaos,
            load=load,
            thresholds=thresholds,
            candidate=candidate,
            stack=stack,
            min_budget=min_error_budget,
            max_age_hours=max_snapshot_age_hours,
            require_chaos=require_chaos,
            require_load=require_load,
            signing_key=signing_key,
            out=out,
        )
    )
    decision = result.record["decision"]
    if output_format == "json":
        sys.stdout.write(json.dumps(result.record, indent=2, sort_keys=True) + "\n")
    else:
        verb = "PROMOTE" if result.outcome == "promote" else "BLOCK"
        lines = [f"release gate: {verb} {decision['candidate']} (stack {decision['stack']})"]
        for condition in result.conditions:
            lines.append(f"  {condition.status.upper():<6} {condition.name}: {condition.summary}")
        lines += result.failures
        key = result.record["signature"]["key"]
        lines.append(
            f"decision: {result.path} (signed, {key} key {result.record['signature']['public_key_fingerprint'][:19]})"
        )
        sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    if result.outcome != "promote":
        raise typer.Exit(1)


@release_app.command("verify")
def verify_command(
    record: Annotated[Path, typer.Argument(help="A decision record written by `release gate`.")],
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="Expected signer (PEM); default the key embedded in the record.")
    ] = None,
) -> None:
    """Check a decision record's signature and that its inputs (where still present) are unchanged."""
    from ..evidence.signing import load_ed25519_public_key
    from ..release.decision import verify_decision

    problems = verify_decision(record, load_ed25519_public_key(public_key) if public_key is not None else None)
    for problem in problems:
        print(problem)
    if problems:
        raise typer.Exit(1)
    which = (
        "the given key"
        if public_key is not None
        else "its embedded key (integrity only: pass --public-key to check the signer)"
    )
    print(f"{record}: signature verifies with {which}; inputs unchanged")


__all__ = ["release_app"]
