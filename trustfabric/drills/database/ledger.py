"""The seeded ledger: a small double-entry ledger schema and a deterministic seeding function.

Schema `trustfabric_drill` (`SCHEMA`; a name of its own, so that a drill run on a real ledger database never
writes into the application's tables; every table has a primary key; the row checksums walk the schema in that
order):

| table | primary key | what |
|---|---|---|
| tenants | tenant_id | a customer, its jurisdiction (UK, EU, US, CA) and base currency |
| accounts | account_id | a tenant's chart of accounts: code, name, kind, currency |
| journal_entries | entry_id | one posting: tenant, date, memo, created_at |
| journal_lines | (entry_id, line_no) | account, amount in minor units (debit > 0, credit < 0), currency |

A deferred constraint trigger keeps every entry balanced (its lines sum to 0 per currency) at commit, so a
transaction either writes a whole balanced entry or nothing: the unit the PITR and failover drills count.

`seed_ledger(connection, jurisdiction, seed, entries)` writes the same rows for the same arguments (random
numbers from `random.Random(seed)`, timestamps from a fixed epoch), so the checksums of two seeded databases
match. Stream entries (`write_entry`) take ids from `STREAM_FIRST_ID` up, never colliding with seeded ones.

Usage::

    from trustfabric.drills.database.ledger import create_schema, seed_ledger, write_entry

    create_schema(connection)
    summary = seed_ledger(connection, "UK", seed=7, entries=200)
    write_entry(connection, STREAM_FIRST_ID, tenant_id=1, memo="stream 0")
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

SCHEMA = "trustfabric_drill"
"""The drills' schema: never the application's own (the failover drill writes in the real ledger database)."""
TABLES: tuple[str, ...] = ("tenants", "accounts", "journal_entries", "journal_lines")
CURRENCY = {"UK": "GBP", "EU": "EUR", "US": "USD", "CA": "CAD"}
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""Seeded timestamps count from here: the same seed gives the same rows whenever it runs."""
STREAM_FIRST_ID = 1_000_000
"""Entry ids of the drills' transaction stream start here (seeded entries are numbered from 1)."""
ACCOUNT_KINDS = (
    ("1000", "Bank", "asset"),
    ("1100", "Accounts receivable", "asset"),
    ("2000", "Accounts payable", "liability"),
    ("2200", "Sales tax payable", "liability"),
    ("3000", "Retained earnings", "equity"),
    ("4000", "Revenue", "income"),
    ("5000", "Operating expenses", "expense"),
)

DDL = f"""
CREATE SCHEMA {SCHEMA};
CREATE TABLE {SCHEMA}.tenants (
    tenant_id bigint PRIMARY KEY,
    name text NOT NULL,
    jurisdiction char(2) NOT NULL CHECK (jurisdiction IN ('UK', 'EU', 'US', 'CA')),
    base_currency char(3) NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE TABLE {SCHEMA}.accounts (
    account_id bigint PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES {SCHEMA}.tenants,
    code text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense')),
    currency char(3) NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE TABLE {SCHEMA}.journal_entries (
    entry_id bigint PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES {SCHEMA}.tenants,
    posted_on date NOT NULL,
    memo text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE TABLE {SCHEMA}.journal_lines (
    entry_id bigint NOT NULL REFERENCES {SCHEMA}.journal_entries ON DELETE CASCADE,
    line_no smallint NOT NULL,
    account_id bigint NOT NULL REFERENCES {SCHEMA}.accounts,
    amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
    currency char(3) NOT NULL,
    PRIMARY KEY (entry_id, line_no)
);
CREATE FUNCTION {SCHEMA}.entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM {SCHEMA}.journal_lines WHERE entry_id = NEW.entry_id
        GROUP BY currency HAVING sum(amount_minor) <> 0
    ) THEN
        RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER entry_balances AFTER INSERT OR UPDATE ON {SCHEMA}.journal_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.entry_balances();
"""


@dataclass(frozen=True)
class SeedSummary:
    """What `seed_ledger` wrote."""

    seed: int
    jurisdiction: str
    rows: dict[str, int]
    """Rows per table."""

    def as_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "jurisdiction": self.jurisdiction, "rows": dict(self.rows)}


def create_schema(connection: Any) -> None:
    """Create the ledger schema (tables, keys, the balance trigger) in the connected database."""
    with connection.transaction():
        connection.execute(DDL)


def seed_ledger(connection: Any, jurisdiction: str, seed: int, entries: int, tenants: int = 3) -> SeedSummary:
    """Write `tenants` tenants, their accounts and `entries` balanced journal entries, deterministically."""
    if entries < 1 or tenants < 1:
        raise ValueError("entries and tenants must be at least 1")
    if entries >= STREAM_FIRST_ID:
        raise ValueError(f"entries must be below {STREAM_FIRST_ID} (stream entry ids start there)")
    generator = random.Random(seed)
    currency = CURRENCY[jurisdiction]
    tenant_rows = [
        (
            number,
            f"{jurisdiction} tenant {number:03d}",
            jurisdiction,
            currency,
            EPOCH + dt.timedelta(days=number),
        )
        for number in range(1, tenants + 1)
    ]
    account_rows = []
    accounts_of: dict[int, list[int]] = {}
    for tenant_id, *_ in tenant_rows:
        for index, (code, name, kind) in enumerate(ACCOUNT_KINDS):
            account_id = tenant_id * 100 + index
            account_rows.append((account_id, tenant_id, code, name, kind, currency))
            accounts_of.setdefault(tenant_id, []).append(account_id)
    entry_rows = []
    line_rows = []
    for entry_id in range(1, entries + 1):
        tenant_id = generator.randint(1, tenants)
        created = EPOCH + dt.timedelta(minutes=entry_id, microseconds=generator.randrange(1_000_000))
        entry_rows.append((entry_id, tenant_id, created.date(), f"invoice {seed}-{entry_id:06d}", created))
        amount = generator.randrange(100, 5_000_000)
        tax = amount // 5
        debit, revenue, tax_account = (
            accounts_of[tenant_id][1],
            accounts_of[tenant_id][5],
            accounts_of[tenant_id][3],
        )
        line_rows += [
            (entry_id, 1, debit, amount + tax, currency),
            (entry_id, 2, revenue, -amount, currency),
            (entry_id, 3, tax_account, -tax, currency),
        ]
    with connection.transaction(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {SCHEMA}.tenants VALUES (%s, %s, %s, %s, %s)", tenant_rows)
        cursor.executemany(f"INSERT INTO {SCHEMA}.accounts VALUES (%s, %s, %s, %s, %s, %s)", account_rows)
        cursor.executemany(f"INSERT INTO {SCHEMA}.journal_entries VALUES (%s, %s, %s, %s, %s)", entry_rows)
        cursor.executemany(f"INSERT INTO {SCHEMA}.journal_lines VALUES (%s, %s, %s, %s, %s)", line_rows)
    rows = {
        "tenants": len(tenant_rows),
        "accounts": len(account_rows),
        "journal_entries": len(entry_rows),
        "journal_lines": len(line_rows),
    }
    return SeedSummary(seed=seed, jurisdiction=jurisdiction, rows=rows)


def write_entry(connection: Any, entry_id: int, tenant_id: int = 1, memo: str = "") -> None:
    """Commit one balanced two-line entry (a payment) for the tenant, as its own transaction.

    `connection` must not be in autocommit-off mode with an open transaction: the entry commits here, and
    returns only once the server acknowledged the commit.
    """
    with connection.transaction():
        connection.execute(
            f"INSERT INTO {SCHEMA}.journal_entries SELECT %s, %s, current_date, %s, clock_timestamp()",
            (entry_id, tenant_id, memo or f"stream entry {entry_id}"),
        )
        connection.execute(
            f"INSERT INTO {SCHEMA}.journal_lines "
            f"SELECT %s, 1, a.account_id, %s, a.currency FROM {SCHEMA}.accounts a WHERE a.tenant_id = "
            "%s AND a.code = '1000' "
            "UNION ALL "
            f"SELECT %s, 2, a.account_id, %s, a.currency FROM {SCHEMA}.accounts a WHERE a.tenant_id = "
            "%s AND a.code = '1100'",
            (entry_id, 1000 + entry_id % 997, tenant_id, entry_id, -(1000 + entry_id % 997), tenant_id),
        )


def stream_keys(entry_ids: list[int]) -> dict[str, set[str]]:
    """Primary keys (as the checksums spell them) of the rows stream entries write: rows the seed checksums
    do not cover, judged by the commit log instead."""
    return {
        "journal_entries": {f"[{entry_id}]" for entry_id in entry_ids},
        "journal_lines": {f"[{entry_id}, {line}]" for entry_id in entry_ids for line in (1, 2)},
    }


DRILL_USER = "ledger_drill"
"""The read-only login the AWS drills verify with (IAM authentication: granted `rds_iam` where it exists)."""


def grant_drill_user(connection: Any, user: str = DRILL_USER) -> None:
    """Create (if absent) a read-only login for the ledger schema; on RDS/Aurora it logs in with IAM tokens
    (`rds_iam`), elsewhere the grant is skipped (no such role)."""
    with connection.transaction():
        connection.execute(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') THEN CREATE ROLE {user} LOGIN; END IF; "
            f"IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN GRANT rds_iam TO {user}; END IF; "
            "END $$"
        )
        connection.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {user}")
        connection.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {user}")


def delete_seeded_lines(connection: Any, count: int) -> list[str]:
    """Fault injection: delete the first `count` seeded journal lines; their keys as the checksums spell them."""
    deleted = connection.execute(
        f"DELETE FROM {SCHEMA}.journal_lines WHERE (entry_id, line_no) IN "
        f"(SELECT entry_id, line_no FROM {SCHEMA}.journal_lines WHERE entry_id < %s "
        "ORDER BY entry_id, line_no LIMIT %s) RETURNING entry_id, line_no",
        (STREAM_FIRST_ID, count),
    ).fetchall()
    return [f"[{entry}, {line}]" for entry, line in sorted(deleted)]
