"""`drill checksum-rows|verify-rows|pg-*`: what on-call runs, with exit codes 0/1/2 and one-line errors."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trustfabric.cli import app as main_app
from trustfabric.drills.database.server import Server

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    return main_app


def connection_args(primary: Server, database: str) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(primary.port), "--dbname", database, "--user", "postgres",
            "--password-env", "TF_TEST_PGPASSWORD", "--sslmode", "disable"]  # fmt: skip


def test_checksum_then_verify_matches_then_catches_a_deleted_row(
    app: typer.Typer, primary: Server, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TF_TEST_PGPASSWORD", primary.password)
    seed = tmp_path / "seed.json"
    args = connection_args(primary, database)

    taken = runner.invoke(app, ["drill", "checksum-rows", *args, "--out", str(seed)])
    assert taken.exit_code == 0, taken.output
    assert taken.stdout == (
        f"4 tables, 184 rows of postgresql://postgres@127.0.0.1:{primary.port}/{database} schema trustfabric_drill: {seed}\n"
    )

    clean = runner.invoke(app, ["drill", "verify-rows", *args, "--seed-checksums", str(seed)])
    assert clean.exit_code == 0
    assert clean.stdout.splitlines()[-1].startswith(
        "MATCH: 4 tables, 184 rows expected: 0 lost, 0 changed, 0 unexpected, 0 table(s) missing"
    )

    with primary.connect(database) as connection:
        connection.execute("DELETE FROM trustfabric_drill.journal_lines WHERE entry_id = 7 AND line_no = 2")
    damaged = runner.invoke(app, ["drill", "verify-rows", *args, "--seed-checksums", str(seed), "--format", "json"])
    assert damaged.exit_code == 1
    document = json.loads(damaged.stdout)
    assert document["ok"] is False and document["rows_lost"] == 1
    assert document["tables"]["journal_lines"]["lost"] == ["[7, 2]"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_database_is_bad_input_in_one_line(app: typer.Typer, tmp_path: Path) -> None:
    port = closed_port()
    result = runner.invoke(
        app, ["drill", "checksum-rows", "--port", str(port), "--user", "u", "--sslmode", "disable",
              "--out", str(tmp_path / "x.json")],
    )  # fmt: skip

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot connect to postgresql://u@127.0.0.1:{port}/ledger: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify-rows", "--seed-checksums", "/nonexistent.json", "--user", "u"],
         "error: /nonexistent.json: cannot read the checksums file: No such file or directory"),
        (["checksum-rows", "--out", "x.json"], "error: --user is required without --iam-secret-id"),
        (["checksum-rows", "--out", "x.json", "--user", "u", "--sslmode", "maybe"],
         "error: --sslmode: 'maybe' is not allowed; allowed: disable, allow, prefer, require, verify-ca, verify-full"),
        (["checksum-rows", "--out", "x.json", "--iam-secret-id", "s"],
         "error: --iam-secret-id needs --region (the database's AWS region)"),
        (["pg-failover", "-j", "UK", "--lag-commits", "2"],
         "error: --lag-commits needs --asynchronous: a synchronous primary waits for its standby"),
        (["pg-pitr", "-j", "FR"], "error: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        (["pg-restore", "-j", "UK", "--inject-loss", "-1"],
         "error: --inject-loss must be between 0 and 600 (the seeded journal lines)"),
        (["checksum-rows", "--out", "x.json", "--iam-secret-id", "s", "--region", "eu-west-2",
          "--ca-bundle", "/nonexistent.pem"],
         "error: RDS CA bundle /nonexistent.pem not found; download "
         "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem and pass --ca-bundle or set "
         "TRUSTFABRIC_RDS_CA_BUNDLE"),
        (["aws-pitr", "-j", "UK", "--ca-bundle", "/nonexistent.pem"],
         "error: RDS CA bundle /nonexistent.pem not found; download "
         "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem and pass --ca-bundle or set "
         "TRUSTFABRIC_RDS_CA_BUNDLE"),
        (["aws-pitr", "-j", "UK", "--commits", "0"],
         "error: --entries must be 1 to 999999, --commits at least 1 and --after-target 0 or more"),
        (["aws-pitr", "-j", "UK", "--start", "--finish"], "error: --start and --finish: choose one"),
        (["aws-pitr", "-j", "UK", "--finish", "--wait-minutes", "-1"], "error: --wait-minutes must be 0 or more"),
        (["aws-pitr", "-j", "FR", "--finish"], "error: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        (["restore", "-j", "UK", "--ledger-entries", "5", "--inject-row-loss", "16"],
         "error: --ledger-entries must be 1 to 999999 and --inject-row-loss 0 to 3 x --ledger-entries"),
        (["failover", "-j", "UK", "--commits", "0"], "error: --commits must be at least 1"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(app: typer.Typer, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["drill", *args])

    assert (result.exit_code, result.stderr) == (2, message + "\n")


def test_the_main_cli_carries_the_database_and_report_commands() -> None:
    group = next(info.typer_instance for info in main_app.registered_groups if info.name == "drill")
    names = {info.name for info in group.registered_commands}
    assert {"restore", "failover", "checksum-rows", "verify-rows", "pg-restore", "pg-pitr", "pg-failover",
            "aws-pitr", "report"} <= names  # fmt: skip
