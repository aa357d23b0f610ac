"""`trustfabric privacy ...`: the right-to-be-forgotten workflow on the command line.

`erase` locates a data subject's records in a cell's records bucket and ledger events table, erases (or
pseudonymises) what the law permits, puts what statutory retention requires under a legal hold until it ends
(and says so, with the statute), and writes an erasure certificate into the ledger and `reports/privacy/`.
`status` prints a request's ledger entry. Exit codes: 0 done, 1 an action failed (the request is `incomplete`),
2 bad input (unknown jurisdiction, malformed subject or request id, no ledger table, unreachable endpoint), with
one line on stderr and no traceback.

Usage::

    trustfabric privacy erase  -j UK --subject cust-42 --endpoint-url http://127.0.0.1:5000
    trustfabric privacy status -j UK --request-id er-20261205t101500-a1b2c3 --endpoint-url http://127.0.0.1:5000
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from ..errors import TrustFabricError
from .common import app, command_group, stderr

T = TypeVar("T")

privacy_app = command_group("privacy", "Right to be forgotten: erase a data subject, or show a request's state.")
app.add_typer(privacy_app, name="privacy")

JurisdictionOption = Annotated[
    str, typer.Option("--jurisdiction", "-j", help="Jurisdiction cell: UK, EU, US or CA (the residency table).")
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        envvar="AWS_ENDPOINT_URL",
        help="AWS endpoint, e.g. a moto server; default: the real AWS endpoints of your credentials.",
    ),
]
DeploymentOption = Annotated[str, typer.Option(help="The deployment whose stores to search (prod for prod and dr).")]
RegionOption = Annotated[
    str | None, typer.Option(help="Region of the cell's stores; default the primary (the standby after failover).")
]


def _guarded(action: Callable[[], T]) -> T:
    try:
        return action()
    except TrustFabricError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrustFabricError(f"--as-of: {value!r} is not a date; allowed: YYYY-MM-DD") from None


@privacy_app.command("erase")
def erase_command(
    jurisdiction: JurisdictionOption,
    subject: Annotated[str, typer.Option("--subject", help="The data subject's id, as the application stores it.")],
    endpoint_url: EndpointOption = None,
    deployment: DeploymentOption = "prod",
    region: RegionOption = None,
    request_id: Annotated[
        str | None, typer.Option("--request-id", help="The request's id (er-...); default a fresh one.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge retention on this day (YYYY-MM-DD); default today.")
    ] = None,
    reports_dir: Annotated[Path, typer.Option("--reports-dir", help="Folder for the certificate.")] = Path(
        "reports/privacy"
    ),
) -> None:
    """Erase a data subject where the law permits; hold statutory records until their retention ends."""
    from ..privacy import ErasureRequest, erase

    outcome = _guarded(
        lambda: erase(
            ErasureRequest(jurisdiction, subject, deployment, region, request_id, _as_of(as_of)),
            endpoint_url=endpoint_url,
            reports_dir=reports_dir,
            echo=stderr,
        )
    )
    for line in outcome.summary_lines():
        typer.echo(line)
    sys.stdout.flush()
    raise typer.Exit(outcome.exit_code)


@privacy_app.command("status")
def status_command(
    jurisdiction: JurisdictionOption,
    request_id: Annotated[str, typer.Option("--request-id", help="The request's id (er-...).")],
    endpoint_url: EndpointOption = None,
    deployment: DeploymentOption = "prod",
    region: RegionOption = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show an erasure request's state, counts and certificate digest from the ledger."""
    from ..privacy import status

    if output_format not in ("text", "json"):
        typer.echo(f"error: --format: {output_format!r} is not allowed; allowed: text, json", err=True)
        raise typer.Exit(2)
    entry = _guarded(
        lambda: status(jurisdiction, request_id, deployment=deployment, region=region, endpoint_url=endpoint_url)
    )
    if output_format == "json":
        typer.echo(json.dumps(json.loads(entry.certificate), indent=2, sort_keys=True))
        return
    counts = ", ".join(f"{name} {count}" for name, count in entry.counts.items())
    typer.echo(f"erasure {entry.request_id} ({entry.jurisdiction}): {entry.state}: {counts}")
    typer.echo(f"requested {entry.requested_at}, completed {entry.completed_at}")
    for record in json.loads(entry.certificate).get("records", []):
        if record.get("outcome") == "held":
            typer.echo(f"  held until {record['retain_until']}: {record['location']}: {record['reason']}")
    typer.echo(f"certificate sha256 {entry.certificate_sha256}")


__all__ = ["privacy_app"]
