"""Row checksums: deterministic, in a documented canonical form, and precise about which rows differ."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from trustfabric.drills.database.checksums import LedgerChecksums, take_checksums, verify_rows
from trustfabric.drills.database.ledger import STREAM_FIRST_ID, stream_keys, write_entry
from trustfabric.drills.database.server import Server
from trustfabric.errors import TrustFabricError

from .conftest import scratch_database

TENANT_1 = (
    '{"name": "UK tenant 001", "tenant_id": 1, "created_at": "2026-01-02T00:00:00+00:00", '
    '"jurisdiction": "UK", "base_currency": "GBP"}'
)
"""to_jsonb(row)::text of the first seeded tenant: the canonical row text the module docstring defines."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_canonical_form_is_the_documented_one(connection: Any) -> None:
    checksums = take_checksums(connection)

    tenants = checksums.tables["tenants"]
    assert tenants.key == ("tenant_id",)
    assert tenants.row_hashes["[1]"] == sha256(TENANT_1)
    for table in checksums.tables.values():
        assert table.sha256 == sha256("\n".join(table.row_hashes.values()))
    assert checksums.tables["journal_lines"].key == ("entry_id", "line_no")
    assert list(checksums.tables["journal_lines"].row_hashes)[:4] == ["[1, 1]", "[1, 2]", "[1, 3]", "[2, 1]"]


def test_the_same_seed_gives_the_same_checksums_and_another_seed_does_not(primary: Server) -> None:
    taken = {}
    for label, seed in (("first", 7), ("again", 7), ("other", 8)):
        with scratch_database(primary, seed=seed) as name, primary.connect(name) as opened:
            taken[label] = {n: (t.rows, t.sha256) for n, t in take_checksums(opened).tables.items()}

    assert taken["first"] == taken["again"]
    assert taken["first"]["journal_lines"][0] == 120 and taken["first"]["tenants"][0] == 3
    assert taken["other"]["journal_lines"] != taken["first"]["journal_lines"]
    assert taken["other"]["tenants"] == taken["first"]["tenants"]


def test_an_untouched_database_verifies_clean(connection: Any) -> None:
    expected = take_checksums(connection)
    result = verify_rows(connection, expected)

    assert result.ok
    assert (result.rows_lost, result.rows_changed, result.rows_unexpected, result.tables_missing) == (
        0,
        0,
        0,
        [],
    )
    assert result.summary() == ("4 tables, 184 rows expected: 0 lost, 0 changed, 0 unexpected, 0 table(s) missing")


def test_lost_changed_and_unexpected_rows_are_named_by_key(connection: Any) -> None:
    expected = take_checksums(connection)
    connection.execute("DELETE FROM trustfabric_drill.journal_lines WHERE entry_id = 3 AND line_no IN (2, 3)")
    connection.execute("UPDATE trustfabric_drill.accounts SET name = 'Cash' WHERE account_id = 100")
    connection.execute("INSERT INTO trustfabric_drill.tenants VALUES (9, 'late', 'UK', 'GBP', now())")

    result = verify_rows(connection, expected)

    assert not result.ok
    assert result.tables["journal_lines"].lost == ["[3, 2]", "[3, 3]"]
    assert result.tables["accounts"].changed == ["[100]"]
    assert result.tables["tenants"].unexpected == ["[9]"]
    assert result.tables["journal_entries"].status == "match"
    assert (result.rows_lost, result.rows_changed, result.rows_unexpected) == (2, 1, 1)


def test_a_dropped_table_is_missing_and_all_its_rows_lost(connection: Any) -> None:
    expected = take_checksums(connection)
    connection.execute("DROP TABLE trustfabric_drill.journal_lines")
    connection.execute("CREATE TABLE trustfabric_drill.scratch (id int PRIMARY KEY)")

    result = verify_rows(connection, expected)

    assert result.tables_missing == ["journal_lines"]
    assert result.rows_lost == 120
    assert result.extra_tables == ["scratch"]
    assert result.as_dict()["tables"]["journal_lines"]["status"] == "missing"


def test_rows_the_commit_log_explains_are_left_out(connection: Any) -> None:
    expected = take_checksums(connection)
    write_entry(connection, STREAM_FIRST_ID)
    write_entry(connection, STREAM_FIRST_ID + 1)

    result = verify_rows(connection, expected, stream_keys([STREAM_FIRST_ID]))

    assert result.tables["journal_entries"].unexpected == [f"[{STREAM_FIRST_ID + 1}]"]
    assert result.tables["journal_entries"].explained == 1
    assert result.tables["journal_lines"].explained == 2
    assert result.rows_unexpected == 3


def test_the_checksums_file_round_trips(connection: Any, tmp_path: Path) -> None:
    taken = take_checksums(connection, source="postgresql://postgres@127.0.0.1:1/x")
    path = taken.write(tmp_path / "seed.json")

    assert LedgerChecksums.read(path) == taken
    assert json.loads(path.read_text())["format"] == "trustfabric-row-checksums/1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (
            '{"format": "other"}',
            "format is not 'trustfabric-row-checksums/1' (write it with `trustfabric drill checksum-rows`)",
        ),
        (
            '{"format": "trustfabric-row-checksums/1", "schema": "ledger"}',
            "malformed checksums file: missing or bad 'tables'",
        ),
    ],
)
def test_a_bad_checksums_file_is_named_in_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "seed.json"
    path.write_text(content)

    with pytest.raises(TrustFabricError) as raised:
        LedgerChecksums.read(path)
    assert str(raised.value) == f"{path}: {message}"


def test_a_table_without_a_primary_key_cannot_be_checksummed(connection: Any) -> None:
    connection.execute("CREATE TABLE trustfabric_drill.notes (body text)")

    with pytest.raises(TrustFabricError) as raised:
        take_checksums(connection)
    assert str(raised.value) == "schema trustfabric_drill: table(s) without a primary key cannot be checksummed: notes"
