"""Where a drill connects: one `DatabaseEndpoint` type for a restored AWS cluster and a local PostgreSQL.

The row verification, the PITR measurement and the failover data-loss count take an endpoint and never ask
where it came from: `trustfabric.drills.database.aws.iam_endpoint` builds one for an RDS/Aurora endpoint (IAM
authentication token as the password, TLS `verify-full` against the RDS CA bundle), and
`trustfabric.drills.database.server.Server.endpoint` one for a local server (password on 127.0.0.1).

Usage::

    from trustfabric.drills.database.endpoint import DatabaseEndpoint, connect

    endpoint = DatabaseEndpoint("127.0.0.1", 5432, "ledger", "postgres", password="...", sslmode="disable")
    with connect(endpoint) as connection:
        connection.execute("SELECT 1")
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


@dataclass(frozen=True)
class DatabaseEndpoint:
    """Connection parameters of one PostgreSQL database (the password is never shown)."""

    host: str
    port: int
    dbname: str
    user: str
    password: str | None = field(default=None, repr=False)
    """A password, or an RDS IAM authentication token (valid 15 minutes)."""
    sslmode: str = "verify-full"
    """libpq sslmode; `verify-full` (certificate and host name checked) unless the endpoint is loopback."""
    sslrootcert: str | None = None
    """CA bundle for `verify-ca` / `verify-full` (the RDS global bundle in AWS)."""
    connect_timeout: int = 10
    """Seconds libpq waits for the connection."""

    def conninfo(self) -> str:
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "dbname": self.dbname,
            "user": self.user,
            "sslmode": self.sslmode,
            "connect_timeout": self.connect_timeout,
            "application_name": "trustfabric-drill",
        }
        if self.password is not None:
            values["password"] = self.password
        if self.sslrootcert:
            values["sslrootcert"] = self.sslrootcert
        return make_conninfo(**values)

    def describe(self) -> str:
        """`postgresql://user@host:port/dbname` with no secret: what reports and errors show."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def with_database(self, dbname: str) -> DatabaseEndpoint:
        return replace(self, dbname=dbname)


def connect(endpoint: DatabaseEndpoint, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A psycopg connection to the endpoint (psycopg.OperationalError when it cannot connect)."""
    return psycopg.connect(endpoint.conninfo(), autocommit=autocommit)
