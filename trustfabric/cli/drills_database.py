"""`trustfabric drill checksum-rows|verify-rows|pg-restore|pg-pitr|pg-failover|aws-pitr|provision-login`: the
database drills.

`verify-rows` is what on-call runs after a real or drilled restore: it connects to the restored endpoint,
checksums every table of the ledger schema and compares it with a checksums file (`checksum-rows` writes
one; every local drill writes `<report stem>-seed-checksums.json`). On AWS it logs in with an IAM token over
TLS verify-full (`--iam-secret-id`, `--region`, `--ca-bundle`); elsewhere with the password in the
environment variable `--password-env` names (never on the command line). Exit 0 when every row matches,
1 when a row is lost, changed or unexpected or a table is missing, 2 for bad input (one line on stderr).

Usage::

    trustfabric drill checksum-rows --host H --dbname ledger --user drill --out seed-checksums.json
    trustfabric drill verify-rows --host trustfabric-prod-uk-ledger-restored.cluster-....rds.amazonaws.com \\
        --dbname ledger --iam-secret-id trustfabric/prod/uk/ledger-drill --region eu-west-2 \\
        --seed-checksums seed-checksums.json
    trustfabric drill pg-pitr -j UK          # the local point-in-time restore drill on a scratch server
    trustfabric drill pg-failover -j UK --asynchronous --lag-commits 3
    trustfabric drill aws-pitr -j UK --ca-bundle rds-global-bundle.pem   # RestoreDBClusterToPointInTime on AWS
    trustfabric drill aws-pitr -j UK --start      # job 1: seed, write, request the restore (recorded)
    trustfabric drill aws-pitr -j UK --finish     # job 2: wait, verify, report, delete
    trustfabric drill provision-login --host <writer endpoint> --dbname ledger --region eu-west-2 \\
        --master-secret-id <MasterUserSecret ARN>     # once per ledger database: the drills' login
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..drills.database.ledger import DRILL_USER
from ..drills.database.ledger import SCHEMA as DRILL_SCHEMA
from ..errors import TrustFabricError
from ..report.formats import DATA_FORMATS, choose_format
from .common import stderr
from .drills import drill_app

T = TypeVar("T")
DEFAULT_REPORTS_DIR = Path("reports/drills")

HostOption = Annotated[str, typer.Option("--host", help="Database host (the restored cluster's endpoint).")]
PortOption = Annotated[int, typer.Option("--port", help="Database port.")]
DbnameOption = Annotated[str, typer.Option("--dbname", help="Database holding the ledger schema.")]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Database user (with --iam-secret-id: read from the secret).")
]
PasswordEnvOption = Annotated[
    str, typer.Option("--password-env", help="Environment variable holding the password (not with IAM).")
]
SslmodeOption = Annotated[
    str, typer.Option("--sslmode", help="libpq sslmode without IAM (IAM always uses verify-full).")
]
SecretOption = Annotated[
    str | None,
    typer.Option("--iam-secret-id", help="Secrets Manager secret with the username: log in with an IAM token."),
]
RegionOption = Annotated[str | None, typer.Option("--region", help="AWS region of the database (IAM).")]
CaBundleOption = Annotated[
    str | None,
    typer.Option("--ca-bundle", help="RDS CA bundle for verify-full (default $TRUSTFABRIC_RDS_CA_BUNDLE)."),
]
SchemaOption = Annotated[str, typer.Option("--schema", help="Schema whose every table is checksummed.")]
JurisdictionOption = Annotated[
    str,
    typer.Option("--jurisdiction", "-j", help="Jurisdiction cell: UK, EU, US or CA (the residency table)."),
]
ReportsOption = Annotated[Path, typer.Option("--reports-dir", help="Folder for the JSON and Markdown reports.")]
EntriesOption = Annotated[int, typer.Option("--entries", help="Seeded journal entries (3 lines each).")]
InjectOption = Annotated[
    int,
    typer.Option("--inject-loss", help="Delete N restored rows before verification: proves loss is caught."),
]


def _guarded(action: Callable[[], T]) -> T:
    """Bad input (and an unreachable database) becomes one line on stderr and exit 2."""
    try:
        return action()
    except TrustFabricError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


def _endpoint(
    host: str,
    port: int,
    dbname: str,
    user: str | None,
    password_env: str,
    sslmode: str,
    secret_id: str | None,
    region: str | None,
    ca_bundle: str | None,
) -> Any:
    from ..drills.database.endpoint import SSL_MODES, DatabaseEndpoint

    if secret_id:
        if not region:
            raise TrustFabricError("--iam-secret-id needs --region (the database's AWS region)")
        from ..drills.common import Aws
        from ..drills.database.aws import ca_bundle_path, iam_endpoint

        ca_bundle_path(ca_bundle)  # bad input before any AWS call
        return iam_endpoint(Aws.connect(probe_region=region), region, host, port, dbname, secret_id, ca_bundle)
    if not user:
        raise TrustFabricError("--user is required without --iam-secret-id")
    if sslmode not in SSL_MODES:
        raise TrustFabricError(f"--sslmode: {sslmode!r} is not allowed; allowed: {', '.join(SSL_MODES)}")
    return DatabaseEndpoint(
        host,
        port,
        dbname,
        user,
        password=os.environ.get(password_env),
        sslmode=sslmode,
        sslrootcert=ca_bundle,
    )


@contextmanager
def _connected(endpoint: Any) -> Iterator[Any]:
    import psycopg

    from ..drills.database.endpoint import connect

    try:
        connection = connect(endpoint)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise TrustFabricError(f"cannot connect to {endpoint.describe()}: {reason}") from None
    try:
        yield connection
    finally:
        connection.close()


def checksum_rows_command(
    out: Annotated[Path, typer.Option("--out", help="Checksums file to write (JSON).")],
    host: HostOption = "127.0.0.1",
    port: PortOption = 5432,
    dbname: DbnameOption = "ledger",
    user: UserOption = None,
    password_env: PasswordEnvOption = "PGPASSWORD",
    sslmode: SslmodeOption = "verify-full",
    iam_secret_id: SecretOption = None,
    region: RegionOption = None,
    ca_bundle: CaBundleOption = None,
    schema: SchemaOption = DRILL_SCHEMA,
) -> None:
    """Checksum every table of the schema (row count, table hash, every row's hash) into a file."""
    from ..drills.database.checksums import take_checksums

    def action() -> None:
        endpoint = _endpoint(host, port, dbname, user, password_env, sslmode, iam_secret_id, region, ca_bundle)
        with _connected(endpoint) as connection:
            checksums = take_checksums(connection, schema, endpoint.describe())
        checksums.write(out)
        rows = sum(table.rows for table in checksums.tables.values())
        typer.echo(f"{len(checksums.tables)} tables, {rows} rows of {endpoint.describe()} schema {schema}: {out}")

    _guarded(action)


def verify_rows_command(
    seed_checksums: Annotated[
        Path, typer.Option("--seed-checksums", help="Checksums taken before the incident (checksum-rows).")
    ],
    host: HostOption = "127.0.0.1",
    port: PortOption = 5432,
    dbname: DbnameOption = "ledger",
    user: UserOption = None,
    password_env: PasswordEnvOption = "PGPASSWORD",
    sslmode: SslmodeOption = "verify-full",
    iam_secret_id: SecretOption = None,
    region: RegionOption = None,
    ca_bundle: CaBundleOption = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Verify every row of a restored database against a checksums file; exit 1 on any difference."""
    from ..drills.database.checksums import LedgerChecksums, verify_rows

    def action() -> Any:
        choose_format(output_format, DATA_FORMATS)
        expected = LedgerChecksums.read(seed_checksums)
        endpoint = _endpoint(host, port, dbname, user, password_env, sslmode, iam_secret_id, region, ca_bundle)
        with _connected(endpoint) as connection:
            return verify_rows(connection, expected, actual_source=endpoint.describe())

    result = _guarded(action)
    if output_format == "json":
        typer.echo(json.dumps({**result.as_dict(), "ok": result.ok}, indent=2, sort_keys=True))
    else:
        typer.echo(result.to_markdown(), nl=False)
        verdict = "MATCH" if result.ok else "DIFFERS"
        typer.echo(f"{verdict}: {result.summary()} ({result.actual_source} vs {seed_checksums})")
    sys.stdout.flush()
    raise typer.Exit(0 if result.ok else 1)


def provision_login_command(
    host: HostOption = "127.0.0.1",
    port: PortOption = 5432,
    dbname: DbnameOption = "ledger",
    master_secret_id: Annotated[
        str | None,
        typer.Option(
            "--master-secret-id",
            help="Secrets Manager secret of the cluster's master user (its MasterUserSecret ARN): log in with it.",
        ),
    ] = None,
    region: RegionOption = None,
    ca_bundle: CaBundleOption = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Administrative user without --master-secret-id (local servers).")
    ] = None,
    password_env: PasswordEnvOption = "PGPASSWORD",
    sslmode: SslmodeOption = "verify-full",
    login: Annotated[str, typer.Option("--login", help="The drill login to provision.")] = DRILL_USER,
    check: Annotated[bool, typer.Option("--check", help="Only report what the login lacks; change nothing.")] = False,
) -> None:
    """Create or complete the drills' database login (LOGIN, rds_iam, the drill schema's grants); exit 1 when it
    still lacks something."""
    from ..drills.database.drill_login import missing_grants, provision

    def action() -> list[str]:
        if master_secret_id:
            if not region:
                raise TrustFabricError("--master-secret-id needs --region (the database's AWS region)")
            from ..drills.common import Aws
            from ..drills.database.aws import ca_bundle_path, secret_endpoint

            ca_bundle_path(ca_bundle)
            aws = Aws.connect(probe_region=region)
            endpoint = secret_endpoint(aws, region, host, port, dbname, master_secret_id, ca_bundle)
        else:
            endpoint = _endpoint(host, port, dbname, user, password_env, sslmode, None, None, ca_bundle)
        with _connected(endpoint) as connection:
            return missing_grants(connection, login) if check else provision(connection, login)

    missing = _guarded(action)
    if missing:
        typer.echo(f"{login} on {host}/{dbname}: lacks {'; '.join(missing)}")
    else:
        typer.echo(f"{login} on {host}/{dbname}: complete")
    sys.stdout.flush()
    raise typer.Exit(1 if missing else 0)


def _verdict(outcome: Any) -> int:
    report = outcome.report
    typer.echo(f"{report.drill} {report.jurisdiction}: {'PASSED' if report.passed else 'FAILED'}: {report.verdict}")
    typer.echo(f"report: {outcome.json_path}")
    typer.echo(f"report: {outcome.markdown_path}")
    return int(outcome.exit_code)


def _conclude(outcome: Any) -> None:
    code = _verdict(outcome)
    sys.stdout.flush()
    raise typer.Exit(code)


def _echo_stderr(line: str) -> None:
    stderr(line)  # a progress line: none with -q


def _recovery(kind: str, jurisdiction: str, entries: int, inject_loss: int, reports_dir: Path) -> None:
    from ..drills.database.recovery import RecoveryOptions, run_local_recovery

    options = RecoveryOptions(kind=kind, entries=entries, inject_loss=inject_loss)
    _conclude(_guarded(lambda: run_local_recovery(jurisdiction, options, reports_dir=reports_dir, echo=_echo_stderr)))


def pg_restore_command(
    jurisdiction: JurisdictionOption,
    entries: EntriesOption = 200,
    inject_loss: InjectOption = 0,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
) -> None:
    """Local: seed a ledger, base-backup it, drop it, restore into a new server, verify every row."""
    _recovery("restore", jurisdiction, entries, inject_loss, reports_dir)


def pg_pitr_command(
    jurisdiction: JurisdictionOption,
    entries: EntriesOption = 200,
    inject_loss: InjectOption = 0,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
) -> None:
    """Local: WAL archiving, a transaction stream, the journal deleted at a known time, restored to then."""
    _recovery("pitr", jurisdiction, entries, inject_loss, reports_dir)


def pg_failover_command(
    jurisdiction: JurisdictionOption,
    asynchronous: Annotated[
        bool, typer.Option("--asynchronous", help="Asynchronous replication (default: synchronous, 0 loss).")
    ] = False,
    lag_commits: Annotated[
        int, typer.Option("--lag-commits", help="Asynchronous: N commits the standby never receives.")
    ] = 0,
    failback: Annotated[
        bool, typer.Option("--failback", help="A planned switchover: clean shutdown, 0 loss required.")
    ] = False,
    commits: Annotated[int, typer.Option("--commits", help="Acknowledged transactions before the cut.")] = 20,
    require_zero_loss: Annotated[
        bool, typer.Option("--require-zero-loss", help="Fail on any lost transaction, even asynchronous.")
    ] = False,
    entries: EntriesOption = 100,
    inject_loss: InjectOption = 0,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
) -> None:
    """Local: a primary and a streaming replica, acknowledged commits, the cut, pg_promote(), data loss."""
    from ..drills.database.replica import ReplicaOptions, run_local_failover

    options = ReplicaOptions(
        direction="failback" if failback else "failover",
        synchronous=not asynchronous,
        commits=commits,
        lag_commits=lag_commits,
        entries=entries,
        inject_loss=inject_loss,
        require_zero_loss=require_zero_loss,
    )
    _conclude(_guarded(lambda: run_local_failover(jurisdiction, options, reports_dir=reports_dir, echo=_echo_stderr)))


def _finish_pitr(jurisdiction: str, endpoint_url: str | None, options: Any, reports_dir: Path) -> None:
    from ..drills.database.aws_pitr import AwsPitrPending, run_aws_pitr_finish

    finishing = _guarded(
        lambda: run_aws_pitr_finish(
            jurisdiction, endpoint_url, options=options, reports_dir=reports_dir, echo=_echo_stderr
        )
    )
    results = _guarded(finishing.finish_pending)
    code = 0
    if not results:
        typer.echo(f"pitr {finishing.cell.code}: nothing to finish (no restore recorded by --start)")
    for result in results:
        if isinstance(result, AwsPitrPending):
            request = result.request
            typer.echo(
                f"pitr {request.jurisdiction}: PENDING: {request.target_cluster} is {result.status} after "
                f"{result.waited_seconds / 60:.0f} min of waiting; still recorded as {request.name}: run --finish again"
            )
            code = max(code, 1)
            continue
        code = max(code, _verdict(result))
    sys.stdout.flush()
    raise typer.Exit(code)


def aws_pitr_command(
    jurisdiction: JurisdictionOption,
    endpoint_url: Annotated[
        str | None,
        typer.Option("--endpoint-url", envvar="AWS_ENDPOINT_URL", help="AWS endpoint (default: the real one)."),
    ] = None,
    ca_bundle: CaBundleOption = None,
    entries: EntriesOption = 100,
    commits: Annotated[int, typer.Option("--commits", help="Acknowledged transactions before the target.")] = 20,
    after_target: Annotated[
        int, typer.Option("--after-target", help="Transactions committed after the target (must not return).")
    ] = 5,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the clusters and secrets the drill created.")] = False,
    start: Annotated[
        bool,
        typer.Option("--start", help="Only seed, write and request the restore; recorded in the account for --finish."),
    ] = False,
    finish: Annotated[
        bool,
        typer.Option(
            "--finish", help="Wait for each restore --start requested, verify, report and delete (a later job)."
        ),
    ] = False,
    wait_minutes: Annotated[
        float, typer.Option("--wait-minutes", help="Longest wait for each cluster and instance.")
    ] = 180,
    reports_dir: ReportsOption = DEFAULT_REPORTS_DIR,
) -> None:
    """AWS: a scratch Aurora cluster, acknowledged transactions, RestoreDBClusterToPointInTime, achieved RPO;
    in one go, or in two jobs (--start, then --finish)."""
    from ..drills.database.aws_pitr import AwsPitrOptions, run_aws_pitr

    if start and finish:
        typer.echo("error: --start and --finish: choose one", err=True)
        raise typer.Exit(2)
    options = AwsPitrOptions(
        entries=entries,
        commits=commits,
        after_target=after_target,
        ca_bundle=ca_bundle,
        keep=keep,
        timeout_seconds=wait_minutes * 60,
    )
    if finish:
        _finish_pitr(jurisdiction, endpoint_url, options, reports_dir)
    drill = _guarded(
        lambda: run_aws_pitr(jurisdiction, endpoint_url, options=options, reports_dir=reports_dir, echo=_echo_stderr)
    )
    if not start:
        _conclude(drill.run())
    started = drill.start()
    if started.outcome is not None:
        _conclude(started.outcome)
    assert started.request is not None
    request = started.request
    typer.echo(
        f"pitr {request.jurisdiction}: STARTED: RestoreDBClusterToPointInTime of {request.source_cluster} to "
        f"{request.restore_time.isoformat(timespec='milliseconds')} requested into {request.target_cluster}; "
        f"recorded as {request.name}"
    )
    typer.echo(f"next step (a later job): trustfabric drill aws-pitr -j {request.jurisdiction} --finish")
    sys.stdout.flush()
    raise typer.Exit(0)


COMMANDS: dict[str, Callable[..., Any]] = {
    "checksum-rows": checksum_rows_command,
    "verify-rows": verify_rows_command,
    "pg-restore": pg_restore_command,
    "pg-pitr": pg_pitr_command,
    "pg-failover": pg_failover_command,
    "aws-pitr": aws_pitr_command,
    "provision-login": provision_login_command,
}


for _name, _command in COMMANDS.items():
    drill_app.command(_name)(_command)
