"""Real PostgreSQL servers for the database drill tests, on 127.0.0.1, as an unprivileged user.

One workspace per session holds every server; one archiving primary is shared by the tests that only need a
database of their own (each creates and drops its own). The AWS side runs on the drills' one moto server (the
`aws` fixture of `tests/trustfabric/drills/conftest.py`). Drills that promote or stop servers start their own
in the same workspace. The workspace runs its servers with `fsync=off`: this machine's disk makes every
fsync slow, and no test crashes the operating system (a `stop -m immediate` is a process crash, which loses
nothing acknowledged with fsync off either). Every server is stopped and the workspace removed at the end.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from trustfabric.drills.database.endpoint import DatabaseEndpoint, connect
from trustfabric.drills.database.ledger import STREAM_FIRST_ID, create_schema, seed_ledger
from trustfabric.drills.database.recovery import archiving_settings
from trustfabric.drills.database.server import Server, Workspace


@pytest.fixture(scope="session")
def workspace() -> Iterator[Workspace]:
    space = Workspace.create(durable=False)
    try:
        yield space
    finally:
        space.close()


@pytest.fixture(scope="session")
def primary(workspace: Workspace) -> Server:
    """A running primary with WAL archiving into the workspace's archive."""
    server = workspace.init_server("shared-primary", archiving_settings(workspace))
    server.start()
    return server


@contextmanager
def scratch_database(server: Server, seed: int | None = 7, entries: int = 40) -> Iterator[str]:
    """A new database on the server (with the seeded ledger unless `seed` is None), dropped afterwards."""
    name = f"t_{secrets.token_hex(4)}"
    with server.connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        if seed is not None:
            with server.connect(name) as connection:
                create_schema(connection)
                seed_ledger(connection, "UK", seed=seed, entries=entries)
        yield name
    finally:
        with server.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(primary: Server) -> Iterator[str]:
    with scratch_database(primary) as name:
        yield name


@pytest.fixture
def connection(primary: Server, database: str) -> Iterator[Any]:
    with primary.connect(database) as opened:
        yield opened


class StandInDatabases:
    """A connector for the AWS drills on moto: every RDS endpoint the drill builds maps onto a database of the
    local server, one per `<identifier>.<region>` (the host's first label and its region). An endpoint
    `copy_of` names a source for (restored instance or cluster, promoted standby) gets, on its first
    connection, a copy of that source's database as it is then (`CREATE DATABASE ... TEMPLATE`: the rows
    themselves, standing in for the restore or the replication). On the copy, `as_of` then deletes the stream
    entries created after that time (what a point-in-time restore leaves out) and `lag` the newest N stream
    entries (a replica that never received them). Every endpoint is recorded."""

    def __init__(
        self,
        server: Server,
        copy_of: Callable[[str], str | None],
        lag: int = 0,
        as_of: Callable[[], dt.datetime | None] | None = None,
    ) -> None:
        self.server = server
        self.copy_of = copy_of
        self.lag = lag
        self.as_of = as_of
        self.databases: dict[str, str] = {}
        self.seen: list[DatabaseEndpoint] = []

    @staticmethod
    def key(host: str) -> str:
        """`<identifier>.<region>` of an RDS host name `<identifier>.<...>.<region>.rds.amazonaws.com`."""
        parts = host.split(".")
        return f"{parts[0]}.{parts[-4]}"

    def _prune(self, name: str) -> None:
        moment = self.as_of() if self.as_of else None
        with self.server.connect(name) as connection:
            if moment is not None:
                connection.execute(
                    f"DELETE FROM trustfabric_drill.journal_entries WHERE entry_id >= {STREAM_FIRST_ID} AND created_at > %s",
                    (moment,),
                )
            if self.lag:
                connection.execute(
                    f"DELETE FROM trustfabric_drill.journal_entries WHERE entry_id IN (SELECT entry_id FROM "
                    f"trustfabric_drill.journal_entries WHERE entry_id >= {STREAM_FIRST_ID} ORDER BY entry_id DESC LIMIT %s)",
                    (self.lag,),
                )

    def database(self, host: str) -> str:
        key = self.key(host)
        if key not in self.databases:
            name = f"t_{secrets.token_hex(4)}"
            source = self.copy_of(key)
            template = f' TEMPLATE "{self.databases[source]}"' if source else ""
            with self.server.connect() as connection:
                connection.execute(f'CREATE DATABASE "{name}"{template}')
            self.databases[key] = name
            if source:
                self._prune(name)
        return self.databases[key]

    def __call__(self, endpoint: DatabaseEndpoint) -> Any:
        self.seen.append(endpoint)
        return connect(self.server.endpoint(self.database(endpoint.host)))

    def close(self) -> None:
        with self.server.connect() as connection:
            for name in self.databases.values():
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def ca_bundle(tmp_path: Path) -> str:
    """A file where the RDS CA bundle would be (the stand-in endpoints never check certificates)."""
    path = tmp_path / "rds-global-bundle.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n")
    return str(path)
