"""PostgreSQL process control: an unprivileged server on loopback only, always stopped, found or named."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from trustfabric.drills.database.server import Server, Workspace, find_postgres
from trustfabric.errors import TrustFabricError


def test_the_server_runs_as_an_unprivileged_user_on_loopback_only(primary: Server) -> None:
    pid = int((primary.data_dir / "postmaster.pid").read_text().splitlines()[0])
    owner = pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name

    assert owner != "root"
    assert owner == ("postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name)
    with primary.connect() as connection:
        assert connection.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert connection.execute("SHOW port").fetchone()[0] == str(primary.port)
        assert connection.execute("SHOW archive_mode").fetchone()[0] == "on"


def test_closing_a_workspace_stops_its_servers_and_removes_it() -> None:
    workspace = Workspace.create(durable=False)
    server = workspace.init_server("short-lived")
    server.start()
    assert server.running

    workspace.close()

    assert not server.running and not workspace.root.exists()


def test_missing_binaries_name_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFABRIC_PG_BINDIR", str(tmp_path))

    with pytest.raises(TrustFabricError) as raised:
        find_postgres()
    assert str(raised.value) == (
        f"PostgreSQL server binaries not found in {tmp_path} (missing initdb, pg_ctl, pg_basebackup, postgres); "
        "run: apt-get install -y postgresql"
    )
