"""`drill pg-restore` / `drill pg-pitr`: restore the seeded ledger on a real PostgreSQL, prove every row.

Both run on a scratch PostgreSQL (`trustfabric.drills.database.server`) with WAL archiving
(`wal_level=replica`, `archive_mode=on`, `archive_command` copying into the workspace's archive):

1. seed the ledger (`ledger.seed_ledger`) in a new database and take its row checksums (written beside the
   report as `<stem>-seed-checksums.json`);
2. take a base backup (`pg_basebackup -X stream`): the recovery point;
3. **pitr only**: start a steady stream of ledger transactions (`commits.StreamWriter`), each one's
   acknowledgement recorded client-side;
4. the incident at a known time D (the server's `clock_timestamp()` just before it): **restore** drops the
   ledger schema; **pitr** deletes every journal entry (cascading to the lines) while the stream keeps
   writing, waits until `stream_after` transactions begun after that DELETE committed are acknowledged
   (they commit after D, so none may be recovered), then switches WAL and waits until the archive holds it;
5. restore into a NEW server: **restore** from the base backup alone; **pitr** from the base backup plus
   the archive up to `recovery_target_time = D` (`restore_command`, `recovery.signal`,
   `recovery_target_action = promote`);
6. verify every table against the seed checksums (`checksums.verify_rows`; stream rows are judged by the
   commit log instead) and, for pitr, every acknowledged transaction before D (`commits.check_commits`).

RPO: restore, D minus the base backup's end (the age of the recovery point); pitr, D minus the newest
transaction recovered. RTO: D to verified rows. Both judged against tier0's restore objectives
(`domain.tiers`). `inject_loss` deletes that many seeded journal lines from the restored database before
verification: the drill must then report exactly that many rows lost and fail.

Usage::

    from trustfabric.drills.database.recovery import RecoveryOptions, run_local_recovery

    outcome = run_local_recovery("UK", RecoveryOptions(kind="pitr"), reports_dir=Path("reports/drills"))
    assert outcome.report.measurements["rows_lost"] == 0 and outcome.exit_code == 0
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
from .commits import CommitCheck, CommitLog, StreamWriter, utc_now
from .ledger import SCHEMA, STREAM_FIRST_ID, create_schema, seed_ledger
from .results import RecoveryResult, verify_recovered, write_report
from .server import PostgresError, Server, Workspace, wait_until

KINDS = ("restore", "pitr")
RECOVERY_TIMEOUT_SECONDS = 60


def archiving_settings(workspace: Workspace) -> dict[str, str]:
    """A primary whose every WAL segment is copied into the workspace's archive (never overwritten)."""
    archive = workspace.archive_dir
    return {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_command": f"test ! -f {archive}/%f && cp %p {archive}/%f",
        "archive_timeout": "60",
    }


@dataclass(frozen=True)
class RecoveryOptions:
    """What the local restore / PITR drill writes and breaks."""

    kind: str = "pitr"
    """`restore` (base backup only) or `pitr` (base backup plus WAL up to the incident)."""
    entries: int = 200
    """Seeded journal entries (each with 3 lines)."""
    seed: int = 7
    """Seed of the deterministic ledger."""
    stream_before: int = 30
    """PITR: acknowledged stream transactions before the incident."""
    stream_after: int = 5
    """PITR: acknowledged stream transactions begun after the incident's statement committed (must not be
    recovered)."""
    inject_loss: int = 0
    """Delete this many seeded journal lines from the restored database before verification."""


@dataclass
class _State:
    database: str = ""
    checksums: LedgerChecksums | None = None
    backup: Server | None = None
    recovery_point: dt.datetime | None = None
    writer: StreamWriter | None = None
    log: CommitLog | None = None
    incident_at: dt.datetime | None = None
    incident_clock: float = 0.0
    restored: Server | None = None
    rows: RowVerification | None = None
    commits: CommitCheck | None = None
    verified_clock: float = 0.0


class LocalRecoveryDrill:
    """One run; `primary` (a running server with `archiving_settings`) may be shared between runs."""

    def __init__(
        self,
        jurisdiction: str,
        options: RecoveryOptions,
        workspace: Workspace,
        primary: Server,
        reports_dir: Path,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.cell = resolve_jurisdiction(jurisdiction)
        self.options = options
        self.workspace = workspace
        self.primary = primary
        self.reports_dir = reports_dir
        endpoint = f"{primary.endpoint().describe()} (local scratch server)"
        self.run_log = DrillRun(options.kind, self.cell.code, endpoint, echo=echo)
        self.state = _State(database=f"drill_{options.kind}_{secrets.token_hex(4)}")
        self.name = f"{options.kind}-{secrets.token_hex(3)}"

    @property
    def pitr(self) -> bool:
        return self.options.kind == "pitr"

    def seed(self, step: Step) -> None:
        with self.primary.connect() as connection:
            connection.execute(f'CREATE DATABASE "{self.state.database}"')
        with self.primary.connect(self.state.database) as connection:
            create_schema(connection)
            summary = seed_ledger(connection, self.cell.code, self.options.seed, self.options.entries)
            checksums = take_checksums(connection, SCHEMA, self.primary.endpoint(self.state.database).describe())
        self.state.checksums = checksums
        path = self.reports_dir / f"{self.run_log.drill}-{self.cell.code}-{self.name}-seed-checksums.json"
        checksums.write(path)
        step.details.update(database=self.state.database, **summary.as_dict(), seed_checksums=str(path))

    def base_backup(self, step: Step) -> None:
        self.state.backup = self.workspace.base_backup(self.primary, f"{self.name}-base", standby=False)
        self.state.recovery_point = dt.datetime.now(dt.UTC)
        step.details.update(backup=str(self.state.backup.data_dir), finished_at=self.state.recovery_point.isoformat())

    def stream(self, step: Step) -> None:
        writer = StreamWriter(self.primary.endpoint(self.state.database), STREAM_FIRST_ID, interval_seconds=0.005)
        self.state.writer = writer.start()
        writer.wait_for(self.options.stream_before)
        step.details.update(acknowledged_before_incident=len(writer.log.acknowledged()))

    def incident(self, step: Step) -> None:
        with self.primary.connect(self.state.database) as connection:
            self.state.incident_at = connection.execute("SELECT clock_timestamp()").fetchone()[0]
            self.state.incident_clock = time.monotonic()
            if self.pitr:
                # DELETE, not TRUNCATE: its ACCESS EXCLUSIVE locks would deadlock with the stream's inserts.
                connection.execute(f"DELETE FROM {SCHEMA}.journal_entries")
                what = "DELETE FROM journal_entries (cascading to journal_lines) while the stream writes"
            else:
                connection.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
                what = f"DROP SCHEMA {SCHEMA} CASCADE"
        # The statement has committed (autocommit), so D is past: a stream transaction begun from here on
        # commits after D and must not be recovered. Counting acknowledgements instead would be wrong: one the
        # server committed before D may not be recorded yet (its thread descheduled under load).
        after_incident = utc_now()
        step.details.update(incident_at=self.state.incident_at.isoformat(timespec="microseconds"), statement=what)
        writer = self.state.writer
        if writer is not None:
            writer.wait_for(self.options.stream_after, sent_after=after_incident)
            self.state.log = writer.stop()
            step.details.update(
                stream_sent=len(self.state.log.commits),
                stream_sent_after_incident=len([c for c in self.state.log.commits if c.sent_at > after_incident]),
                stream_error=writer.error,
            )
            self._archive_wal(step)

    def _archive_wal(self, step: Step) -> None:
        with self.primary.connect() as connection:
            segment = connection.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]

            def archived() -> bool:
                last = connection.execute("SELECT last_archived_wal FROM pg_stat_archiver").fetchone()[0]
                return bool(last and last[8:] >= segment[8:])

            wait_until(archived, RECOVERY_TIMEOUT_SECONDS, what=f"archive of WAL segment {segment}")
        step.details["archived_through"] = segment

    def restore(self, step: Step) -> None:
        backup = self.state.backup
        assert backup is not None
        settings: dict[str, str] = {}
        if self.pitr:
            assert self.state.incident_at is not None
            settings = {
                "restore_command": f"cp {self.workspace.archive_dir}/%f %p",
                "recovery_target_time": self.state.incident_at.isoformat(),
                "recovery_target_action": "promote",
                "recovery_target_inclusive": "false",
            }
        restored = self.workspace.copy_server(backup, f"{self.name}-restored", settings)
        if self.pitr:
            signal = restored.data_dir / "recovery.signal"
            signal.touch()
            self.workspace.postgres.own(signal)
        self.state.restored = restored
        restored.start(timeout=RECOVERY_TIMEOUT_SECONDS)
        with restored.connect() as connection:
            wait_until(
                lambda: not connection.execute("SELECT pg_is_in_recovery()").fetchone()[0],
                RECOVERY_TIMEOUT_SECONDS,
                what="end of recovery (promotion)",
            )
        step.details.update(
            server=restored.endpoint().describe(),
            **{k: v for k, v in settings.items() if k.startswith("recovery")},
        )

    def inject(self, step: Step) -> None:
        assert self.state.restored is not None
        with self.state.restored.connect(self.state.database) as connection:
            deleted = connection.execute(
                f"DELETE FROM {SCHEMA}.journal_lines WHERE (entry_id, line_no) IN "
                f"(SELECT entry_id, line_no FROM {SCHEMA}.journal_lines WHERE entry_id < %s "
                "ORDER BY entry_id, line_no LIMIT %s) RETURNING entry_id, line_no",
                (STREAM_FIRST_ID, self.options.inject_loss),
            ).fetchall()
        step.details["deleted"] = [f"[{entry}, {line}]" for entry, line in deleted]

    def verify(self, step: Step) -> None:
        restored, expected = self.state.restored, self.state.checksums
        assert restored is not None and expected is not None
        endpoint = restored.endpoint(self.state.database)
        with restored.connect(self.state.database) as connection:
            self.state.rows, self.state.commits = verify_recovered(
                connection,
                expected,
                self.state.log,
                self.state.incident_at,
                target=True,
                source=endpoint.describe(),
            )
        self.state.verified_clock = time.monotonic()
        step.details["rows"] = self.state.rows.summary()
        if self.state.commits is not None:
            step.details["commits"] = self.state.commits.as_dict()
        result = self.result()
        if result.problems():
            raise StepFailed("; ".join(result.problems()[:2]))

    def result(self) -> RecoveryResult:
        state = self.state
        rto = state.verified_clock - state.incident_clock if state.verified_clock and state.incident_clock else None
        if self.pitr:
            rpo = state.commits.recovered_gap_seconds if state.commits else None
        elif state.incident_at and state.recovery_point:
            rpo = max(0.0, (state.incident_at - state.recovery_point).total_seconds())
        else:
            rpo = None
        endpoint = state.restored.endpoint(state.database).describe() if state.restored else ""
        return RecoveryResult(
            kind=self.options.kind,
            endpoint=endpoint,
            rpo_seconds=rpo,
            rto_seconds=rto,
            rows=state.rows,
            commits=state.commits,
            target_time=state.incident_at if self.pitr else None,
            recovery_point=state.recovery_point,
        )

    def cleanup(self, step: Step) -> None:
        if self.state.writer is not None:
            self.state.writer.stop()
        for server in (self.state.restored,):
            if server is not None:
                server.stop("immediate")
        with self.primary.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.state.database}" WITH (FORCE)')
        step.details["stopped"] = [self.state.restored.name] if self.state.restored else []

    def run(self) -> DrillOutcome:
        run = self.run_log
        run.measure("database", "PostgreSQL")
        seeded, backed_up = "ledger: create schema, seed, checksums", "backup: pg_basebackup (recovery point)"
        run.step(seeded, self.seed)
        run.step(backed_up, self.base_backup, needs=[seeded])
        streaming = "stream: acknowledged ledger transactions"
        if self.pitr:
            run.step(streaming, self.stream, needs=[backed_up])
        incident = "incident: " + ("delete the journal at a known time" if self.pitr else "drop the ledger schema")
        run.step(incident, self.incident, needs=[backed_up] + ([streaming] if self.pitr else []))
        restored = "restore: new server from the base backup" + (" and WAL to the target time" if self.pitr else "")
        run.step(restored, self.restore, needs=[incident])
        run.step(
            "fault injection: delete restored rows",
            self.inject,
            needs=[restored],
            skip="" if self.options.inject_loss else "no fault injection requested",
        )
        run.step(
            "verify: every row against the seed checksums" + (", every acknowledged transaction" if self.pitr else ""),
            self.verify,
            needs=[restored],
        )
        run.step("cleanup: stop the restored server, drop the drill database", self.cleanup)
        result = self.result()
        run.measurements.update(result.measurements())
        run.note(
            "rows: sha256 of to_jsonb(row)::text per row and of the row hashes in primary-key order "
            "per table; "
            "stream transactions are judged by the client's commit log, not by the seed checksums"
        )
        problems = result.problems()
        failed = run.failed_steps
        if failed:
            problems.append(f"{len(failed)} step(s) failed, first: {failed[0].name}: {failed[0].reason}")
        problems = list(dict.fromkeys(problems))
        passed = not problems
        rows = result.rows
        verdict = (
            f"{rows.summary() if rows else ''}; RPO {result.rpo_seconds:.3f}s and time to restore "
            f"{result.rto_seconds:.3f}s within tier0 targets"
            if passed and result.rpo_seconds is not None and result.rto_seconds is not None
            else "; ".join(problems)
        )
        report = run.finish(passed, verdict)
        json_path, markdown_path = write_report(report, self.reports_dir, rows)
        return DrillOutcome(report, json_path, markdown_path)


def validate(options: RecoveryOptions) -> None:
    if options.kind not in KINDS:
        raise TrustFabricError(f"kind {options.kind!r}; allowed: {', '.join(KINDS)}")
    if not 1 <= options.entries < STREAM_FIRST_ID:
        raise TrustFabricError(f"--entries must be between 1 and {STREAM_FIRST_ID - 1}")
    if options.inject_loss < 0 or options.inject_loss > options.entries * 3:
        raise TrustFabricError(f"--inject-loss must be between 0 and {options.entries * 3} (the seeded journal lines)")
    if options.stream_before < 1 or options.stream_after < 1:
        raise TrustFabricError("--stream-before and --stream-after must be at least 1")


def run_local_recovery(
    jurisdiction: str,
    options: RecoveryOptions | None = None,
    *,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    workspace: Workspace | None = None,
    primary: Server | None = None,
) -> DrillOutcome:
    """Run the local restore or PITR drill; with no `workspace`/`primary`, on servers of its own (stopped and
    removed at the end)."""
    options = options or RecoveryOptions()
    resolve_jurisdiction(jurisdiction)
    validate(options)
    own = workspace is None
    workspace = workspace or Workspace.create()
    try:
        if primary is None:
            primary = workspace.init_server(f"primary-{secrets.token_hex(2)}", archiving_settings(workspace))
            primary.start()
        return LocalRecoveryDrill(jurisdiction, options, workspace, primary, reports_dir, echo).run()
    except PostgresError as error:
        raise TrustFabricError(f"local PostgreSQL: {error}") from None
    finally:
        if own:
            workspace.close()
