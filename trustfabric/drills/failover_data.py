"""The failover drill's data-loss figure on AWS: acknowledged transactions written before the cut, counted after
promotion, with the same code path as the local drill (`database.commits`, `database.results`).

Before traffic moves, `write_acknowledged` connects to the ledger database in the region being left (IAM
authentication token, TLS `verify-full`; the login's username from the Secrets Manager secret
`FailoverOptions.db_secret_id`), makes sure the drill ledger schema is there (`database.ledger`: created and
seeded when absent), takes its row checksums and commits `FailoverOptions.commits` ledger transactions, each
recorded client-side with its acknowledgement time; the cut is the moment after the last acknowledgement.
After promotion, `verify_acknowledged` connects to the promoted database in the target region the same way and
runs `database.results.verify_recovered`: the acknowledged transactions missing there (the measured RPO: their
loss window) and every seeded row against the checksums. `data_loss_result` judges them as a
`DataLossResult` (cross-region replication is asynchronous: a failover's loss must stay within tier0's RPO; a
failback is a planned switchover and must lose 0, as must a run with `require_zero_loss`).

With `primary_down` the region being left is never called, so no transaction can be written there: both steps
are skipped with that reason and the report has no data-loss figure (the quarterly report calls the run
incomplete). On a stand-in endpoint (moto) without a `connector` the instances hold no database: skipped too.

Usage::

    run.step("data: acknowledged transactions on the writer", partial(write_acknowledged, state))
    ...
    run.step("data: acknowledged transactions after promotion", partial(verify_acknowledged, state))
    result = data_loss_result(state, rto_seconds=42.0)
"""

from __future__ import annotations

from typing import Any

import psycopg

from trustfabric.errors import TrustFabricError

from .database.aws import iam_endpoint, secret_username
from .database.checksums import take_checksums
from .database.commits import CommitLog, utc_now, write_commits
from .database.drill_login import BOOTSTRAP, require_drill_login
from .database.endpoint import DatabaseEndpoint, connect
from .database.ledger import SCHEMA, STREAM_FIRST_ID, create_schema, seed_ledger
from .database.results import TIER, DataLossResult, verify_recovered
from .failover_state import FailoverState
from .report import Step, StepSkipped

DATABASE = "ledger"
REPLICATION = "asynchronous"
"""Cross-region RDS read replicas and Aurora global databases replicate asynchronously."""


def secret_id(state: FailoverState) -> str:
    """The Secrets Manager secret naming the drill's database login (option, else the cell's default name)."""
    return (
        state.options.db_secret_id or f"trustfabric/{state.options.deployment}/{state.cell.code.lower()}/ledger-drill"
    )


def skip_reason(state: FailoverState) -> str:
    if state.options.primary_down:
        return (
            f"{state.source} declared lost (--primary-down): no acknowledged transactions can be written there, "
            "so this run has no data-loss figure"
        )
    if state.aws.is_custom_endpoint and state.connector is None:
        return "this endpoint's instances hold no database (a stand-in): no data-loss figure"
    return ""


def database_endpoint(state: FailoverState, region: str) -> DatabaseEndpoint:
    """The ledger database's writer endpoint in `region`: the Aurora global cluster's member there, else the
    RDS instance; logged in with an IAM token over TLS verify-full."""
    rds = state.client("rds", region)
    address: dict[str, Any]
    if state.global_cluster is not None:
        member = next(
            m["DBClusterArn"]
            for m in state.global_cluster["GlobalClusterMembers"]
            if f":{region}:" in m["DBClusterArn"]
        )
        cluster = rds.describe_db_clusters(DBClusterIdentifier=member)["DBClusters"][0]
        address = {"Address": cluster["Endpoint"], "Port": cluster["Port"]}
    else:
        address = rds.describe_db_instances(DBInstanceIdentifier=state.names.database)["DBInstances"][0]["Endpoint"]
    return iam_endpoint(
        state.aws, region, address["Address"], int(address["Port"]), DATABASE, secret_id(state), state.options.ca_bundle
    )


def _open(state: FailoverState, endpoint: DatabaseEndpoint) -> Any:
    return (state.connector or connect)(endpoint)


def ready_drill_login(state: FailoverState, step: Step) -> None:
    """Before anything moves: the login's secret is readable in both regions, and the login logs in to the writer
    with an IAM token and holds what the drill needs (`database.drill_login`); else one line naming what is
    missing and the bootstrap that provisions it."""
    reason = skip_reason(state)
    if reason:
        raise StepSkipped(reason)
    secret_username(state.client("secretsmanager", state.target), secret_id(state))
    endpoint = database_endpoint(state, state.source)
    try:
        connection = _open(state, endpoint)
    except psycopg.OperationalError as error:
        detail = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise TrustFabricError(
            f"database login {endpoint.user} cannot log in to {endpoint.describe()} ({detail}); "
            f"if it was never provisioned, run {BOOTSTRAP}"
        ) from None
    try:
        require_drill_login(connection, endpoint.describe())
    finally:
        connection.close()
    step.details.update(database=endpoint.describe(), login=endpoint.user)


def write_acknowledged(state: FailoverState, step: Step) -> None:
    """Seed the drill schema if absent, take its checksums, commit the acknowledged transactions, cut."""
    reason = skip_reason(state)
    if reason:
        raise StepSkipped(reason)
    endpoint = database_endpoint(state, state.source)
    connection = _open(state, endpoint)
    try:
        exists = connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,)).fetchone()
        if not exists:
            create_schema(connection)
            seed_ledger(connection, state.cell.code, seed=11, entries=100)
        first = connection.execute(
            f"SELECT greatest(coalesce(max(entry_id) + 1, %s), %s) FROM {SCHEMA}.journal_entries",
            (STREAM_FIRST_ID, STREAM_FIRST_ID),
        ).fetchone()[0]
        state.checksums = take_checksums(connection, source=endpoint.describe())
        log = CommitLog()
        write_commits(connection, log, range(int(first), int(first) + state.options.commits))
    finally:
        connection.close()
    state.commit_log = log
    state.cut_at = utc_now()
    step.details.update(
        database=endpoint.describe(),
        seeded_now=not exists,
        acknowledged=len(log.acknowledged()),
        cut_at=state.cut_at.isoformat(timespec="milliseconds"),
    )


def verify_acknowledged(state: FailoverState, step: Step) -> None:
    """On the promoted database: which acknowledged transactions survived, and every seeded row."""
    reason = skip_reason(state)
    if reason:
        raise StepSkipped(reason)
    if state.commit_log is None or state.checksums is None or state.cut_at is None:
        raise StepSkipped("no acknowledged transactions were written before the cut")
    endpoint = database_endpoint(state, state.target)
    connection = _open(state, endpoint)
    try:
        state.rows, state.commits = verify_recovered(
            connection, state.checksums, state.commit_log, state.cut_at, target=False, source=endpoint.describe()
        )
    finally:
        connection.close()
    state.promoted_endpoint = endpoint.describe()
    assert state.commits is not None
    step.details.update(
        database=endpoint.describe(),
        acknowledged=state.commits.acknowledged,
        acknowledged_missing=len(state.commits.missing),
        loss_window_seconds=round(state.commits.loss_window_seconds, 3),
        rows=state.rows.summary(),
    )


def data_loss_result(state: FailoverState, rto_seconds: float | None) -> DataLossResult | None:
    """The run's data-loss figure judged against tier0 (None when the transactions were not checked)."""
    if state.commits is None:
        return None
    return DataLossResult(
        direction=state.direction,
        endpoint=state.promoted_endpoint,
        replication=REPLICATION,
        commits=state.commits,
        rto_seconds=rto_seconds,
        rows=state.rows,
        zero_loss_required=state.direction == "failback" or state.options.require_zero_loss,
        environment="aws",
    )


def data_loss_measurements(result: DataLossResult) -> tuple[dict[str, Any], list[str]]:
    """The fields the failover report adds (its own `rto_seconds` stays the drill's) and the data problems."""
    measured = result.measurements()
    keep = (
        "data_loss", "commits", "acknowledged_missing", "database_endpoint", "rows", "rows_lost", "rows_changed",
        "rows_unexpected", "tables_missing",
    )  # fmt: skip
    problems = [problem for problem in result.problems() if not problem.startswith(f"{TIER} RTO")]
    return {key: measured[key] for key in keep if key in measured}, problems


__all__ = ["data_loss_measurements", "data_loss_result", "verify_acknowledged", "write_acknowledged"]
