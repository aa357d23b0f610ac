"""Real PostgreSQL servers for the database drill tests, on 127.0.0.1, as an unprivileged user.

One workspace per session holds every server; one archiving primary is shared by the tests that only need a
database of their own (each creates and drops its own). Drills that promote or stop servers start their own
in the same workspace. The workspace runs its servers with `fsync=off`: this machine's disk makes every
fsync slow, and no test crashes the operating system (a `stop -m immediate` is a process crash, which loses
nothing acknowledged with fsync off either). Every server is stopped and the workspace removed at the end.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from trustfabric.drills.database.ledger import create_schema, seed_ledger
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
