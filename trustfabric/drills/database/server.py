"""PostgreSQL process control for the local database drills: initdb, start, stop, base backups, replicas.

PostgreSQL refuses to run as root, and the tests and CI run as root. Every server program (`initdb`,
`pg_ctl`, `pg_basebackup`) therefore runs as an unprivileged user: the current user when it is not root,
else the `postgres` system user that Debian's `postgresql` package creates, through
`runuser -u postgres -- ...`. The data directories live in a temporary workspace owned by that user. Every
server listens on 127.0.0.1 only, on a free port, with password (SCRAM) authentication and a random password;
its Unix socket is in the workspace, never in /var/run/postgresql. Every wait is bounded (`pg_ctl -t`,
subprocess timeouts) and `Workspace.close()` stops every server it started (immediate mode) and removes the
workspace.

The binaries are found in `$TRUSTFABRIC_PG_BINDIR`, else the newest `/usr/lib/postgresql/<major>/bin` (the
Debian layout), else the directory of `pg_ctl` on PATH. When none has them, `find_postgres()` raises a
TrustFabricError saying what to install (`apt-get install -y postgresql`).

Usage::

    from trustfabric.drills.database.server import Workspace

    with Workspace.create() as workspace:
        primary = workspace.init_server("primary", {"wal_level": "replica"})
        primary.start()
        replica = primary.base_backup(workspace, "replica", standby=True)
        replica.start()
        with primary.connect() as connection:
            connection.execute("SELECT 1")
    # every server stopped, the workspace removed
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trustfabric.errors import TrustFabricError

from .endpoint import DatabaseEndpoint, connect

BINDIR_ENV = "TRUSTFABRIC_PG_BINDIR"
DEBIAN_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = "apt-get install -y postgresql"
SERVER_USER = "postgres"
"""The unprivileged user the servers run as when the drill runs as root (created by Debian's package)."""
SUPERUSER = "postgres"
"""The database superuser initdb creates (the drills connect as it; the password is random per server)."""
START_TIMEOUT_SECONDS = 30
COMMAND_TIMEOUT_SECONDS = 120
BASE_SETTINGS: dict[str, str] = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "30",
    "shared_buffers": "32MB",
    "max_wal_senders": "5",
    "wal_keep_size": "64MB",
    "log_min_messages": "warning",
}
"""Settings every drill server gets (the drills add WAL archiving, replication and durability settings)."""


class PostgresError(Exception):
    """A server program failed: the message carries the command and the end of its output or log."""


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL installation and the user its server programs run as."""

    bindir: Path
    run_as: str | None
    """None: the current (unprivileged) user; else the user `runuser -u` switches to (we are root)."""

    @property
    def version(self) -> str:
        output = subprocess.run(
            [str(self.bindir / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        return output.strip()

    def command(self, program: str, *args: str) -> list[str]:
        argv = [str(self.bindir / program), *args]
        if self.run_as is None:
            return argv
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", self.run_as, "--", *argv]

    def run(self, program: str, *args: str, cwd: Path, timeout: float = COMMAND_TIMEOUT_SECONDS) -> str:
        """Run a server program as the server user; PostgresError with its output when it fails."""
        argv = self.command(program, *args)
        try:
            done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PostgresError(f"{program} did not finish within {timeout:.0f}s") from None
        if done.returncode != 0:
            output = (done.stderr or done.stdout).strip().splitlines()
            raise PostgresError(f"{program} exited {done.returncode}: {' / '.join(output[-3:])}")
        return done.stdout

    def own(self, path: Path) -> None:
        """Give a file or directory (not recursively) to the server user."""
        if self.run_as is not None:
            entry = pwd.getpwnam(self.run_as)
            os.chown(path, entry.pw_uid, entry.pw_gid)


def find_bindir() -> Path | None:
    """Where the PostgreSQL server binaries are (see the module docstring), or None."""
    configured = os.environ.get(BINDIR_ENV)
    if configured:
        return Path(configured)
    if DEBIAN_ROOT.is_dir():
        majors = sorted(
            (int(entry.name), entry / "bin")
            for entry in DEBIAN_ROOT.iterdir()
            if entry.name.isdigit() and (entry / "bin" / "pg_ctl").is_file()
        )
        if majors:
            return majors[-1][1]
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def server_user() -> str | None:
    """None when we are not root; else the `postgres` system user (TrustFabricError when it is missing)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise TrustFabricError(
            f"PostgreSQL cannot run as root and there is no {SERVER_USER!r} user; run: {INSTALL_HINT}"
        ) from None
    return SERVER_USER


def find_postgres() -> Postgres:
    """The installation the drills use; TrustFabricError (exit 2) naming the install command when absent."""
    bindir = find_bindir()
    missing = [
        name
        for name in ("initdb", "pg_ctl", "pg_basebackup", "postgres")
        if not bindir or not (bindir / name).is_file()
    ]
    if bindir is None or missing:
        where = f"{bindir}" if bindir else f"${BINDIR_ENV}, {DEBIAN_ROOT}/<major>/bin or PATH"
        raise TrustFabricError(
            f"PostgreSQL server binaries not found in {where} (missing {', '.join(missing) or 'pg_ctl'}); "
            f"run: {INSTALL_HINT}"
        )
    return Postgres(bindir=bindir, run_as=server_user())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class Server:
    """One PostgreSQL server: its home (data/, instance.conf, server.log), port and superuser password."""

    name: str
    postgres: Postgres
    home: Path
    port: int
    password: str = field(repr=False)
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    @property
    def instance_conf(self) -> Path:
        return self.home / "instance.conf"

    def write_settings(self, socket_dir: Path) -> None:
        """Write this server's settings; postgresql.conf includes the file from outside the data dir, so a
        base backup of the data dir never carries the port of the server it was taken from."""
        values = {
            **BASE_SETTINGS,
            **self.settings,
            "port": str(self.port),
            "unix_socket_directories": str(socket_dir),
        }
        lines = [f"{key} = {_quote(value)}" for key, value in sorted(values.items())]
        self.instance_conf.write_text("# written by trustfabric.drills.database.server\n" + "\n".join(lines) + "\n")
        self.postgres.own(self.instance_conf)
        conf = self.data_dir / "postgresql.conf"
        text = conf.read_text()
        include = "include_if_exists = '../instance.conf'"
        if include not in text:
            conf.write_text(text + f"\n{include}\n")

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        args = ("-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", str(int(timeout)), "start")
        try:
            self.postgres.run("pg_ctl", *args, cwd=self.home, timeout=timeout + 10)
        except PostgresError as error:
            raise PostgresError(f"{self.name}: {error}; log: {self.log_tail()}") from None

    def stop(self, mode: str = "fast", timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Stop the server: `fast` (clean shutdown, WAL sent to standbys) or `immediate` (a crash)."""
        if not self.running:
            return
        args = ("-D", str(self.data_dir), "-m", mode, "-w", "-t", str(int(timeout)), "stop")
        self.postgres.run("pg_ctl", *args, cwd=self.home, timeout=timeout + 10)

    @property
    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").is_file()

    def log_tail(self, lines: int = 3) -> str:
        try:
            text = self.log_file.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " / ".join(text[-lines:]) or "(empty log)"

    def endpoint(self, dbname: str = "postgres") -> DatabaseEndpoint:
        """How to connect over TCP on 127.0.0.1 (password auth; no TLS on the loopback interface)."""
        return DatabaseEndpoint(
            host="127.0.0.1",
            port=self.port,
            dbname=dbname,
            user=SUPERUSER,
            password=self.password,
            sslmode="disable",
        )

    @contextmanager
    def connect(self, dbname: str = "postgres", autocommit: bool = True) -> Iterator[Any]:
        connection = connect(self.endpoint(dbname), autocommit=autocommit)
        try:
            yield connection
        finally:
            connection.close()

    @property
    def replication_conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} password={self.password} application_name=%s"


class Workspace:
    """A temporary directory owned by the server user, holding every server of one drill (or test session)."""

    def __init__(self, postgres: Postgres, root: Path, durable: bool = True) -> None:
        self.postgres = postgres
        self.root = root
        self.durable = durable
        self.servers: list[Server] = []

    @classmethod
    def create(cls, postgres: Postgres | None = None, parent: Path | None = None, durable: bool = True) -> Workspace:
        """A new workspace. `durable=False` runs every server with `fsync=off`: a commit is still acknowledged
        only once written (synchronous_commit stays on) and a process crash (`stop("immediate")`) loses
        nothing acknowledged, but an operating-system crash could; for tests on slow disks only."""
        postgres = postgres or find_postgres()
        root = Path(tempfile.mkdtemp(prefix="tf-pg-", dir=parent))
        postgres.own(root)
        workspace = cls(postgres, root, durable)
        workspace.archive_dir.mkdir()
        postgres.own(workspace.archive_dir)
        return workspace

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def archive_dir(self) -> Path:
        """The WAL archive (`archive_command` copies here; `restore_command` reads from here)."""
        return self.root / "archive"

    def _home(self, name: str) -> Path:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,30}", name) or any(s.name == name for s in self.servers):
            raise ValueError(f"server name {name!r} is not a new lowercase name")
        home = self.root / name
        home.mkdir()
        self.postgres.own(home)
        return home

    def _add(self, name: str, home: Path, password: str, settings: Mapping[str, str]) -> Server:
        durability = {} if self.durable else {"fsync": "off"}
        server = Server(name, self.postgres, home, free_port(), password, {**durability, **settings})
        server.write_settings(self.root)
        self.servers.append(server)
        return server

    def init_server(self, name: str, settings: Mapping[str, str] | None = None) -> Server:
        """initdb a new cluster (UTF8, C locale, SCRAM passwords on TCP) with these settings; not started."""
        home = self._home(name)
        password = secrets.token_urlsafe(18)
        password_file = home / "password"
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        self.postgres.own(password_file)
        self.postgres.run(
            "initdb",
            "-D", str(home / "data"), "-U", SUPERUSER, f"--pwfile={password_file}",
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
            cwd=home,
        )  # fmt: skip
        password_file.unlink()
        return self._add(name, home, password, settings or {})

    def base_backup(
        self,
        source: Server,
        name: str,
        *,
        standby: bool,
        settings: Mapping[str, str] | None = None,
        application_name: str = "",
    ) -> Server:
        """`pg_basebackup -X stream` of a running server into a new server home (not started).

        `standby=True` adds `-R`: standby.signal and a primary_conninfo naming the source, i.e. a streaming
        replica whose application_name (what `synchronous_standby_names` lists) is `application_name`, else
        `name`.
        """
        home = self._home(name)
        conninfo = source.replication_conninfo % (application_name or name)
        args = ["-D", str(home / "data"), "-d", conninfo, "-X", "stream", "-c", "fast", "--no-sync"]
        if standby:
            args.append("-R")
        self.postgres.run("pg_basebackup", *args, cwd=home)
        return self._add(name, home, source.password, settings or {})

    def copy_server(self, backup: Server, name: str, settings: Mapping[str, str] | None = None) -> Server:
        """A new server home holding a copy of a stopped server's (or a base backup's) data directory."""
        if backup.running:
            raise PostgresError(f"{backup.name} is running: copy a stopped server or a base backup")
        home = self._home(name)
        shutil.copytree(backup.data_dir, home / "data", symlinks=True)
        self._chown_tree(home / "data")
        return self._add(name, home, backup.password, settings or {})

    def _chown_tree(self, top: Path) -> None:
        if self.postgres.run_as is None:
            return
        for directory, _dirs, files in os.walk(top):
            self.postgres.own(Path(directory))
            for name in files:
                self.postgres.own(Path(directory) / name)

    def close(self) -> None:
        """Stop every server (immediate: nothing to keep) and remove the workspace."""
        for server in reversed(self.servers):
            with contextlib.suppress(PostgresError):
                server.stop("immediate", timeout=20)
        shutil.rmtree(self.root, ignore_errors=True)
        self.servers.clear()


def wait_until(check: Any, timeout: float, interval: float = 0.05, what: str = "condition") -> None:
    """Call `check()` until it is truthy; PostgresError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            raise PostgresError(f"{what} not reached within {timeout:.0f}s")
        time.sleep(interval)
