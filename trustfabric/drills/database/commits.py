"""Acknowledged transactions: a client-side commit log, a steady writer, and what survived a recovery.

The PITR and failover drills write a stream of ledger entries, one transaction each, and record client-side
for every entry when the COMMIT was sent and when the server acknowledged it. After a recovery they read which
entries exist and classify every one:

- **missing**: acknowledged (at or before the target, when there is one) and absent: data lost;
- **beyond target**: sent after the recovery target and present: the restore went past the target;
- **incomplete**: present without all of its lines: a torn transaction (never expected from PostgreSQL);
- anything else (in flight at the target or the cut, not acknowledged) may be either present or absent.

Two figures follow. `recovered_gap_seconds`: the target (or the cut) minus the acknowledgement time of the
newest entry recovered, i.e. how close to the target the recovery came (the PITR drill's achieved RPO).
`loss_window_seconds`: 0 when nothing acknowledged is missing, else the newest missing entry's
acknowledgement time minus that of the newest entry that survived before the oldest missing one (the
failover drill's measured RPO: the span of acknowledged writes lost). Times are the client's clock (UTC); in
AWS, keep the drill host's clock synchronised (chrony / Amazon Time Sync) so they compare with the server's.

Usage::

    writer = StreamWriter(endpoint, first_id=STREAM_FIRST_ID, interval_seconds=0.01)
    writer.start()
    ...                               # the incident happens while it writes
    log = writer.stop()
    check = check_commits(restored_connection, log, target=incident_at)
    assert not check.missing
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from .endpoint import DatabaseEndpoint, connect
from .ledger import SCHEMA, write_entry

LISTED = 20
STREAM_LINES = 2
"""Lines per stream entry (`ledger.write_entry`)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Commit:
    """One stream transaction as the client saw it."""

    entry_id: int
    sent_at: dt.datetime
    acked_at: dt.datetime | None
    """When the server acknowledged the COMMIT; None when it never did (error, connection lost)."""


@dataclass
class CommitLog:
    """Every stream transaction in the order it was sent."""

    commits: list[Commit] = field(default_factory=list)

    def acknowledged(self, by: dt.datetime | None = None, *, sent_after: dt.datetime | None = None) -> list[Commit]:
        """Commits acknowledged (at or before `by`, when given; sent after `sent_after`, when given).

        A commit is recorded only once its acknowledgement reached the client, so a count taken at some moment
        can miss a transaction the server had already committed; `sent_after` counts only transactions that
        began after a moment, which cannot have committed before it.
        """
        return [
            c
            for c in self.commits
            if c.acked_at is not None
            and (by is None or c.acked_at <= by)
            and (sent_after is None or c.sent_at > sent_after)
        ]

    @property
    def entry_ids(self) -> list[int]:
        return [commit.entry_id for commit in self.commits]

    def record(self, entry_id: int, sent_at: dt.datetime, acked_at: dt.datetime | None) -> None:
        self.commits.append(Commit(entry_id, sent_at, acked_at))


def write_commits(connection: Any, log: CommitLog, entry_ids: Iterable[int], tenant_id: int = 1) -> None:
    """Write entries one transaction each, recording each acknowledgement (errors: recorded, then raised)."""
    for entry_id in entry_ids:
        sent = utc_now()
        try:
            write_entry(connection, entry_id, tenant_id=tenant_id)
        except psycopg.Error:
            log.record(entry_id, sent, None)
            raise
        log.record(entry_id, sent, utc_now())


class StreamWriter:
    """A background thread committing one entry every `interval_seconds` until stopped or disconnected."""

    def __init__(
        self, endpoint: DatabaseEndpoint, first_id: int, interval_seconds: float = 0.01, tenant_id: int = 1
    ) -> None:
        self.endpoint = endpoint
        self.next_id = first_id
        self.interval = interval_seconds
        self.tenant_id = tenant_id
        self.log = CommitLog()
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-stream", daemon=True)

    def start(self) -> StreamWriter:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            with connect(self.endpoint) as connection:
                while not self._stop.is_set():
                    write_commits(connection, self.log, [self.next_id], self.tenant_id)
                    self.next_id += 1
                    self._stop.wait(self.interval)
        except psycopg.Error as error:
            self.error = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error) else ''}"

    def wait_for(self, acknowledged: int, timeout: float = 30.0, *, sent_after: dt.datetime | None = None) -> None:
        """Block until at least this many commits were acknowledged (of those sent after `sent_after`, when
        given; bounded; RuntimeError on timeout)."""
        deadline = utc_now() + dt.timedelta(seconds=timeout)
        while len(self.log.acknowledged(sent_after=sent_after)) < acknowledged:
            if self.error or not self._thread.is_alive():
                raise RuntimeError(f"stream writer stopped: {self.error or 'ended'}")
            if utc_now() > deadline:
                raise RuntimeError(f"stream writer acknowledged fewer than {acknowledged} commits in {timeout}s")
            self._stop.wait(0.01)

    def stop(self, timeout: float = 10.0) -> CommitLog:
        self._stop.set()
        self._thread.join(timeout)
        return self.log


@dataclass(frozen=True)
class CommitCheck:
    """Which stream transactions survived a recovery."""

    reference: dt.datetime
    """The recovery target (PITR) or the moment the primary was lost (failover)."""
    sent: int
    acknowledged: int
    """Acknowledged at or before the reference."""
    present: int
    missing: tuple[int, ...]
    beyond_target: tuple[int, ...]
    incomplete: tuple[int, ...]
    newest_recovered_at: dt.datetime | None
    """Acknowledgement time of the newest entry present."""
    recovered_gap_seconds: float | None
    loss_window_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference.isoformat(timespec="milliseconds"),
            "sent": self.sent,
            "acknowledged": self.acknowledged,
            "present": self.present,
            "acknowledged_missing": len(self.missing),
            "missing": list(self.missing[:LISTED]),
            "beyond_target": list(self.beyond_target[:LISTED]),
            "incomplete": list(self.incomplete[:LISTED]),
            "newest_recovered_at": self.newest_recovered_at.isoformat(timespec="milliseconds")
            if self.newest_recovered_at
            else None,
            "recovered_gap_seconds": None
            if self.recovered_gap_seconds is None
            else round(self.recovered_gap_seconds, 3),
            "loss_window_seconds": round(self.loss_window_seconds, 3),
        }


def present_entries(connection: Any, entry_ids: list[int]) -> dict[int, int]:
    """Entry id -> line count, for the given entries that exist in the connected database."""
    rows = connection.execute(
        f"SELECT e.entry_id, count(l.line_no) FROM {SCHEMA}.journal_entries e "
        f"LEFT JOIN {SCHEMA}.journal_lines l USING (entry_id) WHERE e.entry_id = ANY(%s) GROUP BY e.entry_id",
        (entry_ids,),
    ).fetchall()
    return {int(entry): int(lines) for entry, lines in rows}


def classify(log: CommitLog, present: dict[int, int], reference: dt.datetime, *, target: bool) -> CommitCheck:
    """Classify every logged commit against what is present (see the module docstring)."""
    acknowledged = log.acknowledged(by=reference)
    acknowledged_ids = {c.entry_id for c in acknowledged}
    missing = tuple(c.entry_id for c in acknowledged if c.entry_id not in present)
    beyond = tuple(c.entry_id for c in log.commits if target and c.sent_at > reference and c.entry_id in present)
    incomplete = tuple(sorted(entry for entry, lines in present.items() if lines != STREAM_LINES))
    recovered = [c for c in log.commits if c.entry_id in present and c.acked_at is not None]
    newest = max((c.acked_at for c in recovered if c.acked_at is not None), default=None)
    gap = None if newest is None else max(0.0, (reference - newest).total_seconds())
    window = 0.0
    if missing:
        first_missing = next(i for i, c in enumerate(log.commits) if c.entry_id in missing)
        survived = [c.acked_at for c in log.commits[:first_missing] if c.entry_id in present and c.acked_at is not None]
        start = max(survived) if survived else log.commits[first_missing].sent_at
        newest_missing = max(c.acked_at for c in acknowledged if c.entry_id in missing and c.acked_at)
        window = max(0.0, (newest_missing - start).total_seconds())
    return CommitCheck(
        reference=reference,
        sent=len(log.commits),
        acknowledged=len(acknowledged_ids),
        present=len(present),
        missing=missing,
        beyond_target=beyond,
        incomplete=incomplete,
        newest_recovered_at=newest,
        recovered_gap_seconds=gap,
        loss_window_seconds=window,
    )


def check_commits(connection: Any, log: CommitLog, reference: dt.datetime, *, target: bool = True) -> CommitCheck:
    """Read which logged entries exist in the connected database and classify them."""
    return classify(log, present_entries(connection, log.entry_ids), reference, target=target)
