"""`trustfabric drill ...`: the disaster-recovery drills on the command line.

Each command prints one progress line per step on stderr, the verdict and the report paths on stdout, and exits
0 (drill passed), 1 (drill failed) or 2 (bad input: unknown jurisdiction, unreachable endpoint), with one line on
stderr and no traceback for bad input. The drills themselves are `trustfabric.drills`; only its public API is
used here.

Usage::

    trustfabric drill seed     -j UK --endpoint-url http://127.0.0.1:5000
    trustfabric drill restore  -j UK --endpoint-url http://127.0.0.1:5000 [--keep] [--reports-dir DIR]
    trustfabric drill restore  -j UK --ca-bundle rds-global-bundle.pem      # AWS: RDS rows over IAM + TLS
    trustfabric drill failover -j UK --endpoint-url http://127.0.0.1:5000 [--seed] [--primary-down]
    trustfabric drill failover -j UK --ca-bundle rds-global-bundle.pem      # AWS: + the data-loss figure
    trustfabric drill failback -j UK --endpoint-url http://127.0.0.1:5000
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from ..drills.report import DEFAULT_REPORTS_DIR, DrillOutcome
from ..drills.stores import STORES
from ..errors import TrustFabricError
from .common import app, stderr

T = TypeVar("T")

drill_app = typer.Typer(
    help="Disaster-recovery drills: restore, failover, failback, seed; database rows, PITR; quarterly report.",
    no_args_is_help=True,
)
app.add_typer(drill_app, name="drill")

JurisdictionOption = Annotated[
    str,
    typer.Option("--jurisdiction", "-j", help="Jurisdiction cell: UK, EU, US or CA (the residency table)."),
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        envvar="AWS_ENDPOINT_URL",
        help="AWS endpoint, e.g. a moto server; default: the real AWS endpoints of your credentials.",
    ),
]
ReportsOption = Annotated[Path, typer.Option("--reports-dir", help="Folder for the JSON and Markdown reports.")]
CaBundleOption = Annotated[
    str | None,
    typer.Option("--ca-bundle", help="RDS CA bundle for TLS verify-full (default $TRUSTFABRIC_RDS_CA_BUNDLE)."),
]


def _echo_stderr(line: str) -> None:
    stderr(line)  # a progress line: none with -q


def _guarded(action: Callable[[], T]) -> T:
    """Bad input becomes one line on stderr and exit 2 (here, so it holds under any Typer app)."""
    try:
        return action()
    except TrustFabricError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


def _conclude(outcome: DrillOutcome) -> None:
    report = outcome.report
    typer.echo(f"{report.drill} {report.jurisdiction}: {'PASSED' if report.passed else 'FAILED'}: {report.verdict}")
    typer.echo(f"report: {outcome.json_path}")
    typer.echo(f"report: {outcome.markdown_path}")
    for command in report.next_steps:
        typer.echo(f"next step (reconcile the declared state): {command}")
    sys.stdout.flush()
    raise typer.Exit(outcome.exit_code)


@drill_app.command("restore")
def restore_command(
    jurisdiction: JurisdictionOption,
    endpoint_url: EndpointOption = None,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the resources the drill created.")] = False,
    objects: Annotated[int, typer.Option(help="S3 objects to write and restore.")] = 20,
    items: Annotated[int, typer.Option(help="DynamoDB items to write and restore.")] = 20,
    stores: Annotated[str, typer.Option(help=f"Comma-separated stores to drill: {','.join(STORES)}.")] = ",".join(
        STORES
    ),
    inject_loss: Annotated[
        int, typer.Option(help="Delete N restored objects before verification: proves loss is detected.")
    ] = 0,
    inject_corruption: Annotated[
        int,
        typer.Option(help="Overwrite N restored objects before verification: proves corruption is detected."),
    ] = 0,
    pitr_wait: Annotated[
        float | None,
        typer.Option(
            help="Seconds to wait for the PITR window to cover the last write (default 0 on a stand-in "
            "endpoint, 360 on AWS)."
        ),
    ] = None,
    ledger_entries: Annotated[
        int, typer.Option(help="Journal entries seeded into the RDS instance's ledger schema (3 lines each).")
    ] = 40,
    inject_row_loss: Annotated[
        int, typer.Option(help="Delete N restored ledger rows before verification: proves row loss is detected.")
    ] = 0,
    ca_bundle: CaBundleOption = None,
) -> None:
    """Write known data, back it up, restore into new resources, verify each record by SHA-256; 1 on loss."""
    from ..drills.restore import RestoreOptions, run_restore

    options = RestoreOptions(
        objects=objects,
        items=items,
        stores=tuple(store.strip().lower() for store in stores.split(",") if store.strip()),
        keep=keep,
        inject_loss=inject_loss,
        inject_corruption=inject_corruption,
        pitr_wait_seconds=pitr_wait,
        ledger_rows=ledger_entries,
        inject_row_loss=inject_row_loss,
        ca_bundle=ca_bundle,
    )
    outcome = _guarded(
        lambda: run_restore(jurisdiction, endpoint_url, options=options, reports_dir=reports_dir, echo=_echo_stderr)
    )
    _conclude(outcome)


def _failover(
    direction: str,
    jurisdiction: str,
    endpoint_url: str | None,
    reports_dir: Path,
    seed: bool,
    primary_down: bool,
    database: DatabaseOptions,
) -> None:
    from ..drills.failover import FailoverOptions, run_failover

    options = FailoverOptions(seed=seed, primary_down=primary_down, **database.__dict__)
    outcome = _guarded(
        lambda: run_failover(
            jurisdiction,
            endpoint_url,
            options=options,
            reports_dir=reports_dir,
            direction=direction,
            echo=_echo_stderr,
        )
    )
    _conclude(outcome)


@dataclass(frozen=True)
class DatabaseOptions:
    """The failover drill's data-loss figure: what it writes and how it logs in (`FailoverOptions`)."""

    commits: int
    db_secret_id: str | None
    ca_bundle: str | None
    require_zero_loss: bool


CommitsOption = Annotated[
    int, typer.Option("--commits", help="Acknowledged ledger transactions written before the cut.")
]
DbSecretOption = Annotated[
    str | None,
    typer.Option(
        "--db-secret-id",
        help="Secrets Manager secret with the drill's database login (default "
        "trustfabric/<deployment>/<cell>/ledger-drill); it logs in with an IAM token.",
    ),
]
ZeroLossOption = Annotated[
    bool, typer.Option("--require-zero-loss", help="Fail on any acknowledged transaction lost (failback: always).")
]
SeedOption = Annotated[
    bool, typer.Option("--seed", help="Create the fixture environment first (stand-in endpoints only).")
]


@drill_app.command("failover")
def failover_command(
    jurisdiction: JurisdictionOption,
    endpoint_url: EndpointOption = None,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
    seed: SeedOption = False,
    primary_down: Annotated[
        bool, typer.Option("--primary-down", help="Declare the primary region lost: never call it.")
    ] = False,
    failback: Annotated[
        bool, typer.Option("--failback", help="Run the failback instead (same as `failback`).")
    ] = False,
    commits: CommitsOption = 20,
    db_secret_id: DbSecretOption = None,
    ca_bundle: CaBundleOption = None,
    require_zero_loss: ZeroLossOption = False,
) -> None:
    """Readiness, Route53 failover records to the standby, promotion, RTO and data loss vs target; prints the
    reconcile."""
    database = DatabaseOptions(commits, db_secret_id, ca_bundle, require_zero_loss)
    direction = "failback" if failback else "failover"
    _failover(direction, jurisdiction, endpoint_url, reports_dir, seed, primary_down, database)


@drill_app.command("failback")
def failback_command(
    jurisdiction: JurisdictionOption,
    endpoint_url: EndpointOption = None,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
    seed: SeedOption = False,
    commits: CommitsOption = 20,
    db_secret_id: DbSecretOption = None,
    ca_bundle: CaBundleOption = None,
) -> None:
    """The reverse of failover: traffic and the writer back to the primary region, replica re-established."""
    database = DatabaseOptions(commits, db_secret_id, ca_bundle, require_zero_loss=True)
    _failover("failback", jurisdiction, endpoint_url, reports_dir, seed, False, database)


@drill_app.command("seed")
def seed_command(
    jurisdiction: JurisdictionOption,
    endpoint_url: EndpointOption = None,
    allow_real_account: Annotated[
        bool,
        typer.Option("--allow-real-account", help="Seed even on the AWS default endpoints (production names)."),
    ] = False,
) -> None:
    """Create a cell's fixture environment (buckets, tables, zone, health checks, database) on a stand-in."""
    from ..drills.seed import seed_environment

    report = _guarded(
        lambda: seed_environment(jurisdiction, endpoint_url, allow_real_account=allow_real_account, echo=_echo_stderr)
    )
    typer.echo(f"seed {report.jurisdiction}: {'done' if report.passed else 'FAILED'}: {report.verdict}")
    raise typer.Exit(report.exit_code)


__all__ = ["drill_app"]
