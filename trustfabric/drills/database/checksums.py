"""Row checksums of a schema: per table a row count and a hash over its rows, and per row a hash by key.

The canonical form, computed in SQL so it runs where the data is (the same statement on Aurora and on a
local PostgreSQL), in one REPEATABLE READ READ ONLY transaction with `TimeZone = 'UTC'`:

- **row text**: `to_jsonb(row)::text`: every column by name, in jsonb's own canonical order and spelling
  (timestamps in ISO 8601 at UTC, numbers exact, char(n) padded);
- **row hash**: lowercase hex SHA-256 of the row text's UTF-8 bytes;
- **row key**: the primary key columns as a JSON array, e.g. `[1000001, 2]`;
- **table hash**: SHA-256 of the row hashes in primary-key order, joined by `\\n` (the empty string for an
  empty table): `string_agg(row_hash, E'\\n' ORDER BY <primary key>)`.

Verifying compares each table's count and hash first; only a table whose hash differs has its row hashes
read, to name the rows **lost** (key expected, absent), **changed** (key present, hash differs) and
**unexpected** (key present, not expected). A table of the expected checksums that no longer exists is
**missing**. Rows an outside record accounts for (the drills' stream transactions, judged by their commit
log) are passed as `explained` and left out of both sides.

The checksums file (`LedgerChecksums.write` / `.read`) is JSON: `{"format": "trustfabric-row-checksums/1",
"schema", "taken_at", "source", "tables": {name: {"key", "rows", "sha256", "row_hashes": {key: hash}}}}`.

Usage::

    expected = take_checksums(source_connection)           # at seeding time
    expected.write(Path("seed-checksums.json"))
    result = verify_rows(restored_connection, LedgerChecksums.read(Path("seed-checksums.json")))
    assert result.ok, result.summary()
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import sql

from trustfabric.errors import TrustFabricError

from .ledger import SCHEMA

FORMAT = "trustfabric-row-checksums/1"
LISTED = 20
"""Keys listed per kind of difference in a report (the counts are always complete)."""

_TABLES = """
SELECT c.relname,
    coalesce(array_agg(a.attname::text ORDER BY k.ord) FILTER (WHERE a.attname IS NOT NULL), '{}')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
LEFT JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
GROUP BY c.relname
ORDER BY c.relname
"""


@dataclass(frozen=True)
class TableChecksum:
    """One table's checksum: key columns, row count, table hash and every row's hash by key."""

    key: tuple[str, ...]
    rows: int
    sha256: str
    row_hashes: dict[str, str] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": list(self.key),
            "rows": self.rows,
            "sha256": self.sha256,
            "row_hashes": self.row_hashes,
        }


@dataclass(frozen=True)
class LedgerChecksums:
    """The checksums of every table of a schema, taken in one snapshot."""

    schema: str
    taken_at: str
    source: str
    """The database they were taken from (`postgresql://user@host:port/db`, no secret)."""
    tables: dict[str, TableChecksum]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema": self.schema,
            "taken_at": self.taken_at,
            "source": self.source,
            "tables": {name: table.as_dict() for name, table in sorted(self.tables.items())},
        }

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> LedgerChecksums:
        """Load a checksums file; TrustFabricError (exit 2) naming the file and what is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise TrustFabricError(f"{path}: cannot read the checksums file: {error.strerror}") from None
        except ValueError as error:
            raise TrustFabricError(f"{path}: not JSON: {error}") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str) -> LedgerChecksums:
        """Checksums from their `as_dict` form; TrustFabricError (exit 2) naming `origin` and what is wrong."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise TrustFabricError(
                f"{origin}: format is not {FORMAT!r} (write it with `trustfabric drill checksum-rows`)"
            )
        try:
            tables = {
                str(name): TableChecksum(
                    key=tuple(str(column) for column in table["key"]),
                    rows=int(table["rows"]),
                    sha256=str(table["sha256"]),
                    row_hashes={str(key): str(value) for key, value in table["row_hashes"].items()},
                )
                for name, table in data["tables"].items()
            }
            return cls(str(data["schema"]), str(data["taken_at"]), str(data["source"]), tables)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise TrustFabricError(f"{origin}: malformed checksums file: missing or bad {error}") from None


def _table_sql(schema: str, table: str, key: tuple[str, ...]) -> tuple[sql.Composed, sql.Composed]:
    """(aggregate statement: count and table hash, rows statement: key and row hash in key order)."""
    order = sql.SQL(", ").join(sql.Identifier(column) for column in key)
    key_text = sql.SQL("jsonb_build_array({})::text").format(order)
    source = sql.SQL(
        "SELECT {key} AS row_key, encode(sha256(convert_to(to_jsonb(t)::text, 'UTF8')), 'hex') AS row_hash, "
        "{columns} FROM {table} t"
    ).format(
        key=key_text,
        columns=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in key),
        table=sql.Identifier(schema, table),
    )
    aggregate = sql.SQL(
        "SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(row_hash, E'\\n' ORDER BY "
        "{order}), ''),"
        " 'UTF8')), 'hex') FROM ({source}) s"
    ).format(order=order, source=source)
    rows = sql.SQL("SELECT row_key, row_hash FROM ({source}) s ORDER BY {order}").format(source=source, order=order)
    return aggregate, rows


def _tables(connection: Any, schema: str) -> dict[str, tuple[str, ...]]:
    found = {str(name): tuple(key) for name, key in connection.execute(_TABLES, (schema,)).fetchall()}
    without_key = sorted(name for name, key in found.items() if not key)
    if without_key:
        raise TrustFabricError(
            f"schema {schema}: table(s) without a primary key cannot be checksummed: {', '.join(without_key)}"
        )
    return found


def _snapshot(connection: Any) -> None:
    connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    connection.execute("SET LOCAL TimeZone = 'UTC'")


def take_checksums(connection: Any, schema: str = SCHEMA, source: str = "") -> LedgerChecksums:
    """Checksums of every table of `schema`, with every row's hash, in one snapshot (autocommit conn.)."""
    _snapshot(connection)
    try:
        tables: dict[str, TableChecksum] = {}
        for name, key in _tables(connection, schema).items():
            aggregate, rows = _table_sql(schema, name, key)
            count, digest = connection.execute(aggregate).fetchone()
            row_hashes = {str(k): str(h) for k, h in connection.execute(rows).fetchall()}
            tables[name] = TableChecksum(key, int(count), str(digest), row_hashes)
    finally:
        connection.execute("COMMIT")
    taken = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    return LedgerChecksums(schema, taken, source, tables)


@dataclass
class TableResult:
    """One table compared with its expected checksum."""

    table: str
    expected_rows: int
    actual_rows: int | None = None
    """None when the table is missing."""
    lost: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    explained: int = 0
    """Rows left out because an outside record accounts for them (stream transactions)."""

    @property
    def missing(self) -> bool:
        return self.actual_rows is None

    @property
    def status(self) -> str:
        if self.missing:
            return "missing"
        return "differs" if self.lost or self.changed or self.unexpected else "match"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "expected_rows": self.expected_rows,
            "actual_rows": self.actual_rows,
            "rows_lost": self.expected_rows if self.missing else len(self.lost),
            "rows_changed": len(self.changed),
            "rows_unexpected": len(self.unexpected),
            "rows_explained_by_commit_log": self.explained,
            "lost": self.lost[:LISTED],
            "changed": self.changed[:LISTED],
            "unexpected": self.unexpected[:LISTED],
        }


@dataclass
class RowVerification:
    """A database compared row by row with expected checksums."""

    schema: str
    expected_source: str
    actual_source: str
    tables: dict[str, TableResult] = field(default_factory=dict)
    extra_tables: list[str] = field(default_factory=list)
    """Tables in the database that the expected checksums do not list (reported, not a failure)."""

    @property
    def rows_lost(self) -> int:
        return sum(result.expected_rows if result.missing else len(result.lost) for result in self.tables.values())

    @property
    def rows_changed(self) -> int:
        return sum(len(result.changed) for result in self.tables.values())

    @property
    def rows_unexpected(self) -> int:
        return sum(len(result.unexpected) for result in self.tables.values())

    @property
    def tables_missing(self) -> list[str]:
        return sorted(name for name, result in self.tables.items() if result.missing)

    @property
    def ok(self) -> bool:
        return not (self.rows_lost or self.rows_changed or self.rows_unexpected or self.tables_missing)

    def summary(self) -> str:
        verified = sum(result.expected_rows for result in self.tables.values())
        return (
            f"{len(self.tables)} tables, {verified} rows expected: {self.rows_lost} lost, "
            f"{self.rows_changed} "
            f"changed, {self.rows_unexpected} unexpected, {len(self.tables_missing)} table(s) missing"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "expected_source": self.expected_source,
            "actual_source": self.actual_source,
            "rows_lost": self.rows_lost,
            "rows_changed": self.rows_changed,
            "rows_unexpected": self.rows_unexpected,
            "tables_missing": self.tables_missing,
            "extra_tables": self.extra_tables,
            "tables": {name: result.as_dict() for name, result in sorted(self.tables.items())},
            "method": "sha256 of to_jsonb(row)::text per row; sha256 of row hashes in primary-key order per table",
        }

    def to_markdown(self) -> str:
        lines = [
            "| Table | Status | Expected | Restored | Lost | Changed | Unexpected | First keys lost/changed |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, result in sorted(self.tables.items()):
            data = result.as_dict()
            keys = ", ".join((result.lost + result.changed)[:5]) or "-"
            restored = "-" if result.missing else data["actual_rows"]
            lines.append(
                f"| {name} | {data['status']} | {data['expected_rows']} | {restored} "
                f"| {data['rows_lost']} | {data['rows_changed']} | {data['rows_unexpected']} | {keys} |"
            )
        return "\n".join(lines) + "\n"


def verify_rows(
    connection: Any,
    expected: LedgerChecksums,
    explained: Mapping[str, set[str]] | None = None,
    actual_source: str = "",
) -> RowVerification:
    """Compare every table of `expected` with the connected database (autocommit connection), row by row
    where a table's hash differs; `explained` keys are left out of both sides."""
    explained = explained or {}
    result = RowVerification(expected.schema, expected.source, actual_source)
    _snapshot(connection)
    try:
        present = _tables(connection, expected.schema)
        result.extra_tables = sorted(set(present) - set(expected.tables))
        for name, want in sorted(expected.tables.items()):
            table = TableResult(name, expected_rows=want.rows)
            result.tables[name] = table
            if name not in present:
                continue
            aggregate, rows = _table_sql(expected.schema, name, present[name])
            count, digest = connection.execute(aggregate).fetchone()
            table.actual_rows = int(count)
            if digest == want.sha256 and present[name] == want.key:
                continue
            skip = explained.get(name, set())
            actual = {str(k): str(h) for k, h in connection.execute(rows).fetchall()}
            table.explained = sum(1 for key in actual if key in skip and key not in want.row_hashes)
            for key, digest_expected in want.row_hashes.items():
                if key not in actual:
                    table.lost.append(key)
                elif actual[key] != digest_expected:
                    table.changed.append(key)
            table.unexpected = [key for key in actual if key not in want.row_hashes and key not in skip]
    finally:
        connection.execute("COMMIT")
    return result
