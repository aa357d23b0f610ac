"""`drill pg-failover` / `drill pg-failback`: promote a streaming replica and count what was lost.

On scratch PostgreSQL servers (`trustfabric.drills.database.server`):

1. a primary with the seeded ledger and its row checksums, and a streaming replica built with
   `pg_basebackup -R` (application_name `standby`); with `synchronous=True` the primary runs
   `synchronous_standby_names = 'standby'` and `synchronous_commit = on`, so a commit is acknowledged only
   once the replica has flushed it;
2. a sequence of acknowledged ledger transactions up to the cut, each recorded client-side;
3. **simulated lag** (`lag_commits=N`, asynchronous only): the replica catches up, its WAL receiver is
   stopped (`primary_conninfo = ''` and a reload), then N more transactions are acknowledged by the
   primary alone. (Pausing replay with `pg_wal_replay_pause()` does not lose them: WAL already received is
   replayed at promotion.)
4. the cut: **failover** stops the primary with `pg_ctl stop -m immediate` (a crash: nothing more leaves
   it); **failback** is planned: `-m fast`, which sends every WAL record to the standby before it stops;
5. `SELECT pg_promote()` on the replica, then the acknowledged transactions missing there (the data-loss
   figure), every seeded row against the seed checksums, and one write on the promoted server.

The RTO runs from the cut to the promoted server verified and accepting writes; the measured RPO is the
loss window of `commits.classify`. Judged against tier0's failover objectives (`domain.tiers`): RPO 1 min,
RTO 15 min, and 0 transactions lost under synchronous replication or a planned failback
(`zero_loss_required`).

Usage::

    from trustfabric.drills.database.replica import ReplicaOptions, run_local_failover

    outcome = run_local_failover("UK", ReplicaOptions(synchronous=False, lag_commits=3))
    assert outcome.report.measurements["data_loss"]["acknowledged_missing"] == 3
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trustfabric.errors import TrustFabricError

from ..common import resolve_jurisdiction
from ..report import DEFAULT_REPORTS_DIR, DrillOutcome, DrillRun, Step, StepFailed
from .checksums import LedgerChecksums, RowVerification, take_checksums
from .commits import CommitCheck, CommitLog, write_commits
from .ledger import SCHEMA, STREAM_FIRST_ID, create_schema, seed_ledger, write_entry
from .results import DataLossResult, verify_recovered, write_report
from .server import PostgresError, Server, Workspace, wait_until

DIRECTIONS = ("failover", "failback")
STANDBY_NAME = "standby"
WAIT_SECONDS = 30
DATABASE = "ledger"


@dataclass(frozen=True)
class ReplicaOptions:
    """How the local failover (or failback) drill replicates, writes and breaks."""

    direction: str = "failover"
    """`failover` (the primary crashes) or `failback` (planned: the primary shuts down cleanly)."""
    synchronous: bool = True
    """Synchronous replication (`synchronous_standby_names`, `synchronous_commit = on`): 0 loss expected."""
    commits: int = 20
    """Acknowledged transactions written while the replica streams."""
    lag_commits: int = 0
    """Asynchronous only: commits acknowledged after the standby's WAL receiver stopped (lost at promotion)"""
    entries: int = 100
    """Seeded journal entries."""
    seed: int = 11
    inject_loss: int = 0
    """Delete this many seeded journal lines on the promoted server before verification."""
    require_zero_loss: bool = False
    """Fail on any acknowledged transaction missing, even under asynchronous replication."""

    @property
    def zero_loss_required(self) -> bool:
        return self.synchronous or self.direction == "failback" or self.require_zero_loss


@dataclass
class _State:
    primary: Server | None = None
    replica: Server | None = None
    checksums: LedgerChecksums | None = None
    log: CommitLog | None = None
    cut_at: dt.datetime | None = None
    cut_clock: float = 0.0
    commits: CommitCheck | None = None
    rows: RowVerification | None = None
    serving_clock: float = 0.0


class LocalFailoverDrill:
    """One run on servers of the given workspace (stopped at the end of the run)."""

    def __init__(
        self,
        jurisdiction: str,
        options: ReplicaOptions,
        workspace: Workspace,
        reports_dir: Path,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.cell = resolve_jurisdiction(jurisdiction)
        self.options = options
        self.workspace = workspace
        self.reports_dir = reports_dir
        self.echo = echo
        self.state = _State()
        self.name = f"{options.direction}-{secrets.token_hex(3)}"
        self.run_log: DrillRun | None = None

    @property
    def replication(self) -> str:
        return "synchronous" if self.options.synchronous else "asynchronous"

    def start_pair(self) -> None:
        primary = self.workspace.init_server(f"{self.name}-primary", {"wal_level": "replica"})
        primary.start()
        self.state.primary = primary
        with primary.connect() as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        with primary.connect(DATABASE) as connection:
            create_schema(connection)
            self.seed_summary = seed_ledger(connection, self.cell.code, self.options.seed, self.options.entries)
            self.state.checksums = take_checksums(connection, SCHEMA, primary.endpoint(DATABASE).describe())
        replica = self.workspace.base_backup(
            primary, f"{self.name}-standby", standby=True, application_name=STANDBY_NAME
        )
        self.state.replica = replica
        replica.start()

    def streaming(self, step: Step) -> None:
        primary = self.state.primary
        assert primary is not None
        with primary.connect() as connection:
            if self.options.synchronous:
                # Only now that the standby exists: a synchronous primary waits for it on every commit.
                connection.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{STANDBY_NAME}'")
                connection.execute("ALTER SYSTEM SET synchronous_commit = 'on'")
                connection.execute("SELECT pg_reload_conf()")

            def ready() -> bool:
                row = connection.execute(
                    "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = %s",
                    (STANDBY_NAME,),
                ).fetchone()
                want = "sync" if self.options.synchronous else "async"
                return bool(row and row[0] == "streaming" and row[1] == want)

            wait_until(ready, WAIT_SECONDS, what=f"{self.replication} streaming to {STANDBY_NAME}")
        step.details.update(replication=self.replication, standby=STANDBY_NAME, **self.seed_summary.as_dict())

    def write(self, step: Step) -> None:
        primary = self.state.primary
        assert primary is not None
        self.state.log = CommitLog()
        with primary.connect(DATABASE) as connection:
            write_commits(connection, self.state.log, range(STREAM_FIRST_ID, STREAM_FIRST_ID + self.options.commits))
        step.details["acknowledged"] = len(self.state.log.acknowledged())

    def lag(self, step: Step) -> None:
        primary, replica, log = self.state.primary, self.state.replica, self.state.log
        assert primary is not None and replica is not None and log is not None
        with primary.connect() as connection:
            lsn = connection.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with replica.connect() as connection:
            wait_until(
                lambda: connection.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()[0],
                WAIT_SECONDS,
                what="replica caught up",
            )
            connection.execute("ALTER SYSTEM SET primary_conninfo = ''")
            connection.execute("SELECT pg_reload_conf()")
            wait_until(
                lambda: connection.execute("SELECT count(*) FROM pg_stat_wal_receiver").fetchone()[0] == 0,
                WAIT_SECONDS,
                what="WAL receiver stopped",
            )
        first = STREAM_FIRST_ID + self.options.commits
        with primary.connect(DATABASE) as connection:
            write_commits(connection, log, range(first, first + self.options.lag_commits))
        step.details.update(
            wal_receiver="stopped (primary_conninfo = '')",
            acknowledged_by_primary_only=self.options.lag_commits,
        )

    def cut(self, step: Step) -> None:
        primary = self.state.primary
        assert primary is not None
        mode = "immediate" if self.options.direction == "failover" else "fast"
        self.state.cut_at = dt.datetime.now(dt.UTC)
        self.state.cut_clock = time.monotonic()
        primary.stop(mode)
        step.details.update(stop_mode=mode, cut_at=self.state.cut_at.isoformat(timespec="milliseconds"))

    def promote(self, step: Step) -> None:
        replica = self.state.replica
        assert replica is not None
        with replica.connect() as connection:
            promoted = connection.execute("SELECT pg_promote(true, %s)", (WAIT_SECONDS,)).fetchone()[0]
            if not promoted:
                raise StepFailed(f"pg_promote did not finish within {WAIT_SECONDS}s")
            in_recovery = connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        if in_recovery:
            raise StepFailed("the standby is still in recovery after pg_promote")
        step.details["promoted"] = replica.endpoint(DATABASE).describe()

    def inject(self, step: Step) -> None:
        replica = self.state.replica
        assert replica is not None
        with replica.connect(DATABASE) as connection:
            deleted = connection.execute(
                f"DELETE FROM {SCHEMA}.journal_lines WHERE (entry_id, line_no) IN (SELECT entry_id, "
                "line_no FROM "
                f"{SCHEMA}.journal_lines WHERE entry_id < %s ORDER BY entry_id, line_no LIMIT %s) "
                "RETURNING entry_id, line_no",
                (STREAM_FIRST_ID, self.options.inject_loss),
            ).fetchall()
        step.details["deleted"] = [f"[{entry}, {line}]" for entry, line in deleted]

    def verify(self, step: Step) -> None:
        replica, log, expected = self.state.replica, self.state.log, self.state.checksums
        assert replica is not None and log is not None and expected is not None and self.state.cut_at is not None
        endpoint = replica.endpoint(DATABASE)
        with replica.connect(DATABASE) as connection:
            self.state.rows, self.state.commits = verify_recovered(
                connection, expected, log, self.state.cut_at, target=False, source=endpoint.describe()
            )
            write_entry(connection, STREAM_FIRST_ID + len(log.commits) + 1000, memo="first write after promotion")
        self.state.serving_clock = time.monotonic()
        commits = self.state.commits.as_dict() if self.state.commits else None
        step.details.update(commits=commits, rows=self.state.rows.summary())
        problems = self.result().problems()
        if problems:
            raise StepFailed("; ".join(problems[:2]))

    def result(self) -> DataLossResult:
        state = self.state
        rto = state.serving_clock - state.cut_clock if state.serving_clock and state.cut_clock else None
        endpoint = state.replica.endpoint(DATABASE).describe() if state.replica else ""
        return DataLossResult(
            direction=self.options.direction,
            endpoint=endpoint,
            replication=self.replication,
            commits=state.commits,
            rto_seconds=rto,
            rows=state.rows,
            zero_loss_required=self.options.zero_loss_required,
        )

    def cleanup(self, step: Step) -> None:
        stopped = []
        for server in (self.state.replica, self.state.primary):
            if server is not None and server.running:
                server.stop("immediate")
                stopped.append(server.name)
        step.details["stopped"] = stopped

    def run(self) -> DrillOutcome:
        self.start_pair()
        primary = self.state.primary
        assert primary is not None
        run = DrillRun(
            self.options.direction,
            self.cell.code,
            f"{primary.endpoint().describe()} (local scratch server)",
            echo=self.echo,
        )
        self.run_log = run
        run.measure("database", "PostgreSQL")
        run.measure("replication", self.replication)
        streaming, written = (
            f"replication: {self.replication} streaming replica",
            "stream: acknowledged transactions",
        )
        run.step(streaming, self.streaming)
        run.step(written, self.write, needs=[streaming])
        lag = "replication: stop the replica's WAL receiver, then more commits (simulated lag)"
        run.step(lag, self.lag, needs=[written], skip="" if self.options.lag_commits else "no lag requested")
        cut = (
            "incident: primary crashes (stop -m immediate)"
            if self.options.direction == "failover"
            else ("planned: primary shuts down cleanly (stop -m fast)")
        )
        run.step(cut, self.cut, needs=[written])
        promoted = "promote: SELECT pg_promote() on the standby"
        run.step(promoted, self.promote, needs=[cut])
        run.step(
            "fault injection: delete rows on the promoted server",
            self.inject,
            needs=[promoted],
            skip="" if self.options.inject_loss else "no fault injection requested",
        )
        run.step("verify: acknowledged transactions, every row, a write", self.verify, needs=[promoted])
        run.step("cleanup: stop both servers", self.cleanup)
        result = self.result()
        run.measurements.update(result.measurements())
        run.note(
            "the measured RPO is the loss window: the newest acknowledged transaction missing minus "
            "the newest one "
            "that survived before it (0 when none is missing); the RTO runs from the cut to a verified write"
        )
        problems = result.problems()
        failed = run.failed_steps
        if failed:
            problems.append(f"{len(failed)} step(s) failed, first: {failed[0].name}: {failed[0].reason}")
        problems = list(dict.fromkeys(problems))
        passed = not problems
        lost = len(result.commits.missing) if result.commits else None
        verdict = (
            f"{lost} acknowledged transaction(s) missing after promotion ({self.replication}); RPO "
            f"{result.rpo_seconds:.3f}s and RTO {result.rto_seconds:.3f}s within tier0 failover "
            "targets; every row verified"
            if passed and result.rpo_seconds is not None and result.rto_seconds is not None
            else "; ".join(problems)
        )
        report = run.finish(passed, verdict)
        json_path, markdown_path = write_report(report, self.reports_dir, result.rows)
        return DrillOutcome(report, json_path, markdown_path)


def validate(options: ReplicaOptions) -> None:
    if options.direction not in DIRECTIONS:
        raise TrustFabricError(f"direction {options.direction!r}; allowed: {', '.join(DIRECTIONS)}")
    if options.lag_commits < 0 or options.commits < 1:
        raise TrustFabricError("--commits must be at least 1 and --lag-commits 0 or more")
    if options.lag_commits and options.synchronous:
        raise TrustFabricError("--lag-commits needs --asynchronous: a synchronous primary waits for its standby")
    if options.lag_commits and options.direction == "failback":
        raise TrustFabricError("--lag-commits applies to failover only: a failback is a planned switchover")
    if (
        not 1 <= options.entries < STREAM_FIRST_ID
        or options.inject_loss < 0
        or options.inject_loss > options.entries * 3
    ):
        raise TrustFabricError(
            f"--entries must be between 1 and {STREAM_FIRST_ID - 1} and --inject-loss between 0 and 3 x --entries"
        )


def run_local_failover(
    jurisdiction: str,
    options: ReplicaOptions | None = None,
    *,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    workspace: Workspace | None = None,
) -> DrillOutcome:
    """Run the local failover (or failback) drill on a new primary and replica, both stopped at the end."""
    options = options or ReplicaOptions()
    resolve_jurisdiction(jurisdiction)
    validate(options)
    own = workspace is None
    workspace = workspace or Workspace.create()
    drill = LocalFailoverDrill(jurisdiction, options, workspace, reports_dir, echo)
    try:
        return drill.run()
    except PostgresError as error:
        raise TrustFabricError(f"local PostgreSQL: {error}") from None
    finally:
        for server in (drill.state.replica, drill.state.primary):
            if server is not None and server.running:
                server.stop("immediate")
        if own:
            workspace.close()
