"""The drills' login on a cell's ledger database: what it must have, the bootstrap that gives it, the pre-check.

The AWS drills log in to the ledger database as `ledger_drill` (`ledger.DRILL_USER`; its name is the `username`
of the Secrets Manager secret `trustfabric/<deployment>/<cell>/ledger-drill`) with an IAM authentication token
over TLS verify-full. The failover drill writes its acknowledged transactions in the drill ledger schema before
the cut, creating and seeding the schema when it is absent, and reads them back on the promoted database. So
the login must:

- exist with LOGIN and be a member of `rds_iam` (RDS then accepts IAM tokens, and only IAM tokens, for it);
- CONNECT to the database, and CREATE in it while the drill schema does not exist yet;
- once the schema exists: USAGE on it, SELECT and INSERT on each of its tables (`ledger.TABLES`).

No resource of the stacks can create a role inside PostgreSQL (the clusters are private, and nothing that
deploys reaches them), so `provision` is a bootstrap run once per ledger database, as the cluster's master user
(its password in the cluster's RDS-managed `MasterUserSecret`), by `trustfabric drill provision-login`;
it is idempotent and grants nothing beyond the list above. Roles replicate: a global database's secondaries and
a read replica get the login from their primary. `missing_grants` names what a login lacks;
`require_drill_login` runs it as the login itself and raises one line naming every missing item and the
bootstrap command, before the failover drill moves any traffic.

Usage::

    with connect(master_endpoint) as connection:
        provision(connection)                      # as the master user, once
    with connect(drill_endpoint) as connection:
        require_drill_login(connection, drill_endpoint.describe())   # as ledger_drill: raises when incomplete
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from trustfabric.errors import TrustFabricError

from .ledger import DRILL_USER, SCHEMA, TABLES

IAM_ROLE = "rds_iam"
"""The RDS role whose members log in with IAM authentication tokens (absent outside RDS)."""
BOOTSTRAP = (
    "trustfabric drill provision-login --host <writer endpoint> --dbname ledger --region <region> "
    "--master-secret-id <cluster's MasterUserSecret ARN> (runbooks/dr-failover.md)"
)


def _one(connection: Any, query: str, params: tuple[Any, ...] = ()) -> Any:
    return connection.execute(query, params).fetchone()[0]


def missing_grants(connection: Any, user: str = DRILL_USER) -> list[str]:
    """What `user` lacks on the connected database for the drills, as short phrases; [] when nothing."""
    role = connection.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
    if role is None:
        return [f"role {user} does not exist"]
    missing = [] if role[0] else ["LOGIN"]
    if _one(connection, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (IAM_ROLE,)) and not _one(
        connection, "SELECT pg_has_role(%s, %s, 'MEMBER')", (user, IAM_ROLE)
    ):
        missing.append(f"membership in {IAM_ROLE}")
    database = _one(connection, "SELECT current_database()")
    if not _one(connection, "SELECT has_database_privilege(%s, %s, 'CONNECT')", (user, database)):
        missing.append(f"CONNECT on database {database}")
    if not _one(connection, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (SCHEMA,)):
        if not _one(connection, "SELECT has_database_privilege(%s, %s, 'CREATE')", (user, database)):
            missing.append(f"CREATE on database {database} (the drill schema {SCHEMA} does not exist yet)")
        return missing
    if not _one(connection, "SELECT has_schema_privilege(%s, %s, 'USAGE')", (user, SCHEMA)):
        missing.append(f"USAGE on schema {SCHEMA}")
    for table in TABLES:
        qualified = f"{SCHEMA}.{table}"
        if not _one(connection, "SELECT to_regclass(%s) IS NOT NULL", (qualified,)):
            missing.append(f"table {qualified} (the drill schema is incomplete)")
            continue
        for privilege in ("SELECT", "INSERT"):
            if not _one(connection, "SELECT has_table_privilege(%s, %s, %s)", (user, qualified, privilege)):
                missing.append(f"{privilege} on {qualified}")
    return missing


def provision(connection: Any, user: str = DRILL_USER) -> list[str]:
    """Create or complete the drill login on the connected database (as its master user); idempotent.
    Returns what it still lacks afterwards ([] when complete)."""
    role = sql.Identifier(user)
    database = sql.Identifier(_one(connection, "SELECT current_database()"))
    with connection.transaction():
        if not _one(connection, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (user,)):
            connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        connection.execute(sql.SQL("ALTER ROLE {} LOGIN").format(role))
        if _one(connection, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (IAM_ROLE,)):
            connection.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(IAM_ROLE), role))
        connection.execute(sql.SQL("GRANT CONNECT, CREATE ON DATABASE {} TO {}").format(database, role))
        if _one(connection, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (SCHEMA,)):
            schema = sql.Identifier(SCHEMA)
            connection.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
            connection.execute(sql.SQL("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, role))
    return missing_grants(connection, user)


def require_drill_login(connection: Any, where: str) -> None:
    """As the drill login itself: raise TrustFabricError in one line when it lacks anything the drills need."""
    user = _one(connection, "SELECT current_user")
    missing = missing_grants(connection, user)
    if missing:
        raise TrustFabricError(
            f"database login {user} on {where} is not provisioned for the drills: lacks {'; '.join(missing)}; "
            f"run {BOOTSTRAP}"
        )
