"""`drill restore|failover|failback|seed` through Typer: exit codes 0/1/2, one-line errors, reports, help."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trustfabric.cli import app as main_app


@pytest.fixture
def app() -> typer.Typer:
    return main_app


runner = CliRunner()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("command", ["restore", "failover", "failback", "seed"])
def test_unknown_jurisdiction_is_bad_input_in_one_line(app: typer.Typer, endpoint: str, command: str) -> None:
    result = runner.invoke(app, ["drill", command, "--jurisdiction", "FR", "--endpoint-url", endpoint])

    assert result.exit_code == 2
    assert result.stderr == "error: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA\n"
    assert "Traceback" not in result.output


def test_unreachable_endpoint_is_bad_input_in_one_line(app: typer.Typer, endpoint: str, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = runner.invoke(app, ["drill", "restore", "-j", "UK", "--endpoint-url", url, "--reports-dir", str(tmp_path)])

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: endpoint {url} unreachable")
    assert list(tmp_path.iterdir()) == []


def test_seed_refuses_the_real_account_without_an_endpoint(app: typer.Typer, endpoint: str) -> None:
    result = runner.invoke(app, ["drill", "seed", "-j", "UK"])

    assert result.exit_code == 2
    assert result.stderr.startswith("error: drill seed creates production-named resources")


def test_restore_passes_and_writes_reports(app: typer.Typer, endpoint: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["drill", "restore", "-j", "uk", "--objects", "4", "--items", "3", "--reports-dir", str(tmp_path)],
        env={"AWS_ENDPOINT_URL": endpoint},
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("restore UK: PASSED: ")
    reports = sorted(path.suffix for path in tmp_path.iterdir())
    assert reports == [".json", ".md"]
    data = json.loads(next(tmp_path.glob("restore-UK-*.json")).read_text())
    assert data["measurements"]["records_lost"] == 0 and data["measurements"]["records_written"] == 7
    # Progress: one line per step start and end on stderr.
    assert "[restore UK] 21 cleanup: delete what the drill created: done" in result.stderr


def test_restore_with_a_corrupted_object_exits_1(app: typer.Typer, endpoint: str, tmp_path: Path) -> None:
    options = ["--objects", "4", "--stores", "s3", "--inject-corruption", "1", "--reports-dir", str(tmp_path)]
    result = runner.invoke(app, ["drill", "restore", "-j", "UK", "--endpoint-url", endpoint, *options])

    assert result.exit_code == 1
    assert "restore UK: FAILED: 1 record(s) lost" in result.stdout
    data = json.loads(next(tmp_path.glob("restore-UK-*.json")).read_text())
    assert data["measurements"]["records_lost"] == 1
    target = data["measurements"]["restore_targets"]["s3: new bucket from object versions"]
    assert target["checksum_mismatch"] == ["records/s3-000000.json"]


def test_failover_then_failback_via_the_cli(app: typer.Typer, endpoint: str, tmp_path: Path) -> None:
    failover = runner.invoke(
        app,
        ["drill", "failover", "-j", "UK", "--endpoint-url", endpoint, "--seed", "--reports-dir", str(tmp_path)],
    )
    assert failover.exit_code == 0, failover.output
    assert (
        "next step (reconcile the declared state): "
        "pulumi config set trust-fabric:role active -s dr && pulumi up -s dr\n"
    ) in failover.stdout

    failback = runner.invoke(
        app,
        ["drill", "failover", "--failback", "-j", "UK", "--endpoint-url", endpoint, "--reports-dir", str(tmp_path)],
    )
    assert failback.exit_code == 0, failback.output
    assert "failback UK: PASSED" in failback.stdout
    names = sorted(path.name.split("-")[0] for path in tmp_path.glob("*.json"))
    assert names == ["failback", "failover"]


def test_failover_on_an_empty_endpoint_exits_1(app: typer.Typer, endpoint: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["drill", "failback", "-j", "CA", "--endpoint-url", endpoint, "--reports-dir", str(tmp_path)]
    )

    assert result.exit_code == 1
    assert "failback CA: FAILED" in result.stdout
    assert "next step" not in result.stdout


@pytest.mark.parametrize("command", ["restore", "failover", "failback", "seed"])
def test_every_command_has_help(app: typer.Typer, command: str) -> None:
    result = runner.invoke(app, ["drill", command, "--help"])

    assert result.exit_code == 0
    assert "--jurisdiction" in result.stdout and "--endpoint-url" in result.stdout


def test_the_drill_group_lists_its_commands(app: typer.Typer) -> None:
    result = runner.invoke(app, ["drill", "--help"])

    assert result.exit_code == 0
    for command in ("restore", "failover", "failback", "seed"):
        assert command in result.stdout
