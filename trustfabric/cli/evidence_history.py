"""`trustfabric evidence timeline|sample|ledger`: the evidence ledger over an audit period.

Contract::

    trustfabric evidence timeline --control KEY [--since DATE] [--until DATE] [--ledger DIR] [--format text|json]
    trustfabric evidence sample --period START..END --n N --seed S [--control KEY ...] [--ledger DIR] [--format text|json]
    trustfabric evidence ledger verify DIR --public-key FILE
    trustfabric evidence ledger append PACKAGE [--ledger DIR] [--signing-key FILE | --kms-key-id ARN]

KEY is "FRAMEWORK ID" (e.g. "SOC2 CC6.1"); dates are YYYY-MM-DD; --ledger defaults to evidence/ledger.
Exit codes: timeline and sample 0 (1 when the ledger holds no run for the control or period); `ledger verify` 0
valid, 1 tampered (one line per problem, each naming the entry); 2 for bad input. The package appends its run
itself (`trustfabric.evidence.ledger.append_run`); `ledger append` adds an existing signed package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TrustFabricError
from ..report.formats import DATA_FORMATS, OutputFormat, choose_format
from .common import command_group
from .evidence import evidence_app

LedgerOption = Annotated[Path, typer.Option("--ledger", help="The evidence ledger directory.")]
FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]

ledger_app = command_group("ledger", "Verify the evidence ledger, or append a signed package to it.")
evidence_app.add_typer(ledger_app, name="ledger")


def _ledger(path: Path) -> Path:
    if not path.is_dir():
        raise TrustFabricError(f"--ledger: {path} is not a directory")
    return path


@evidence_app.command("timeline")
def timeline(
    control: Annotated[str, typer.Option("--control", help='Control key, e.g. "SOC2 CC6.1".')],
    since: Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")] = None,
    ledger: LedgerOption = Path("evidence/ledger"),
    output_format: FormatOption = "text",
) -> None:
    """How one control fared in every run of the ledger between two dates."""
    from ..evidence.history import parse_date, result_counts
    from ..evidence.history import timeline as control_timeline

    chosen = choose_format(output_format, DATA_FORMATS)
    start = parse_date(since, "--since") if since else None
    end = parse_date(until, "--until") if until else None
    rows = control_timeline(_ledger(ledger), control, since=start, until=end)
    counts = result_counts(rows)
    if chosen is OutputFormat.json:
        document = {"control": control, "since": since, "until": until, "runs": [r.as_dict() for r in rows]}
        sys.stdout.write(json.dumps({**document, "results": counts}, indent=2, sort_keys=True) + "\n")
    else:
        lines = [
            f"{control}: {len(rows)} runs" + (f" from {since}" if since else "") + (f" to {until}" if until else "")
        ]
        lines += [f"  {r.time}  {r.result:<15} {r.stack:<6} run {r.run_id}  commit {r.commit[:12]}" for r in rows]
        lines.append(", ".join(f"{count} {result}" for result, count in counts.items()) or "no runs")
        sys.stdout.write("\n".join(lines) + "\n")
    if not rows:
        raise typer.Exit(1)


@evidence_app.command("sample")
def sample(
    period_text: Annotated[str, typer.Option("--period", help="START..END, e.g. 2026-01-01..2026-06-30.")],
    n: Annotated[int, typer.Option("--n", help="Runs to draw per control.")],
    seed: Annotated[str, typer.Option("--seed", help="Seed of the draw: the same seed draws the same runs.")],
    control: Annotated[list[str] | None, typer.Option("--control", help="Only these controls (repeatable).")] = None,
    ledger: LedgerOption = Path("evidence/ledger"),
    output_format: FormatOption = "text",
) -> None:
    """A reproducible random sample of runs per control in the period, with each sampled run's evidence files."""
    from ..evidence.history import period
    from ..evidence.history import sample as draw

    chosen = choose_format(output_format, DATA_FORMATS)
    start, end = period(period_text)
    drawn = draw(_ledger(ledger), start, end, n=n, seed=seed, controls=control or None)
    if chosen is OutputFormat.json:
        document = {
            "period": period_text,
            "n": n,
            "seed": seed,
            "controls": {key: [r.as_dict() for r in runs] for key, runs in drawn.items()},
        }
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        lines = [f"sample of {n} runs per control, {period_text}, seed {seed!r}"]
        for key, runs in drawn.items():
            lines.append(f"{key}: {len(runs)} runs")
            for r in runs:
                lines.append(f"  {r.time}  {r.result:<15} run {r.run_id}  package {r.package or '-'}")
                lines += [f"    {name}  sha256:{digest}" for name, digest in sorted(r.evidence.items())]
        sys.stdout.write("\n".join(lines) + "\n")
    if not any(drawn.values()):
        raise typer.Exit(1)


@ledger_app.command("verify")
def verify(
    directory: Annotated[Path, typer.Argument(help="The ledger directory.")],
    public_key: Annotated[
        Path, typer.Option("--public-key", help="The signer's public key (PEM: Ed25519, or a KMS key's saved half).")
    ],
) -> None:
    """Check every entry's signature, the hash chain and the signed head; name every edited, missing or
    reordered entry, and a ledger re-signed with another key."""
    from ..evidence.ledger import read_entries, verify_ledger
    from ..evidence.signing import load_public_key

    key = load_public_key(public_key)
    problems = verify_ledger(directory, key)
    if problems:
        sys.stdout.write("".join(f"{line}\n" for line in problems))
        raise typer.Exit(1)
    entries = read_entries(directory)
    last = entries[-1].body if entries else {}
    sys.stdout.write(
        f"valid: {len(entries)} entries chained and signed; head {last.get('time', '-')} "
        f"(stack {last.get('stack', '-')}, commit {str(last.get('commit', '-'))[:12]})\n"
    )


@ledger_app.command("append")
def append(
    package: Annotated[Path, typer.Argument(help="A signed evidence package directory.")],
    ledger: LedgerOption = Path("evidence/ledger"),
    signing_key: Annotated[
        Path | None, typer.Option(help="Ed25519 private key (PEM); default: env TRUSTFABRIC_EVIDENCE_KEY.")
    ] = None,
    kms_key_id: Annotated[
        str | None, typer.Option("--kms-key-id", help="Asymmetric KMS key (SIGN_VERIFY) that signs through kms:Sign.")
    ] = None,
) -> None:
    """Append a package's run to the ledger (created when absent) and re-sign its head."""
    from ..evidence.ledger import append_run
    from ..evidence.signing import Signer, load_signer

    signer: Signer
    if kms_key_id:
        if signing_key is not None:
            raise TrustFabricError("ledger append: --signing-key and --kms-key-id exclude each other; choose one")
        from ..evidence.kms import KmsSigner

        signer = KmsSigner.open(kms_key_id)
    else:
        signer = load_signer(signing_key)
        if signer.provenance == "ephemeral":
            raise TrustFabricError(
                "--signing-key: required (or TRUSTFABRIC_EVIDENCE_KEY): the ledger needs a lasting key"
            )
    entry = append_run(ledger, package, signer)
    sys.stdout.write(f"appended entry {entry['sequence']:06d} (run {entry['run_id']}, {entry['time']}) to {ledger}\n")


__all__ = ["append", "ledger_app", "sample", "timeline", "verify"]
