"""The drills' database login on a real PostgreSQL: what `missing_grants` finds, that `provision` gives exactly
what the failover drill needs (it then creates, seeds, writes and checksums as that login), the one-line
pre-check, and the failover drill refusing to move traffic when the login is not provisioned.

Roles are cluster-wide, so every test makes its own uniquely named login and drops it. Not tested here: RDS
accepting the login's IAM token (needs AWS); `rds_iam` membership is tested with a local role of that name."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trustfabric.cli import app
from trustfabric.drills.common import Aws
from trustfabric.drills.database.checksums import take_checksums
from trustfabric.drills.database.commits import CommitLog, write_commits
from trustfabric.drills.database.drill_login import BOOTSTRAP, IAM_ROLE, missing_grants, provision, require_drill_login
from trustfabric.drills.database.endpoint import DatabaseEndpoint, connect
from trustfabric.drills.database.ledger import STREAM_FIRST_ID, create_schema, seed_ledger
from trustfabric.drills.database.server import Server
from trustfabric.drills.failover import FailoverOptions, run_failover
from trustfabric.errors import TrustFabricError

from .conftest import StandInDatabases, scratch_database

PRIMARY, STANDBY = "eu-west-2", "eu-west-1"
SECRET = "trustfabric/prod/uk/ledger-drill"
LOGIN_STEP = f"readiness: ledger database login in {PRIMARY}"
MOVE_STEP = f"data plane: route53 failover records UPSERT (PRIMARY -> {STANDBY})"


@contextmanager
def drill_login(server: Server) -> Iterator[tuple[str, str]]:
    """A login name and the password the test gives it (RDS would take an IAM token instead); dropped after."""
    name, password = f"drill_{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    try:
        yield name, password
    finally:
        with server.connect() as connection:
            connection.execute(f'DROP ROLE IF EXISTS "{name}"')


def as_login(server: Server, dbname: str, name: str, password: str) -> DatabaseEndpoint:
    return replace(server.endpoint(dbname), user=name, password=password)


def set_password(server: Server, name: str, password: str) -> None:
    with server.connect() as connection:
        connection.execute(f"ALTER ROLE \"{name}\" PASSWORD '{password}'")


def test_a_fresh_database_lacks_the_login_and_provisioning_gives_what_the_drill_needs(primary: Server) -> None:
    with drill_login(primary) as (name, password), scratch_database(primary, seed=None) as dbname:
        with primary.connect(dbname) as admin:
            assert missing_grants(admin, name) == [f"role {name} does not exist"]
            assert provision(admin, name) == []
            assert provision(admin, name) == []  # idempotent
        set_password(primary, name, password)
        with connect(as_login(primary, dbname, name, password)) as connection:
            require_drill_login(connection, dbname)
            # What the failover drill does on a writer without the drill schema, as the login itself.
            create_schema(connection)
            seed_ledger(connection, "UK", seed=11, entries=5)
            write_commits(connection, CommitLog(), range(STREAM_FIRST_ID, STREAM_FIRST_ID + 3))
            assert take_checksums(connection).tables["journal_entries"].rows == 8


def test_on_an_existing_drill_schema_the_login_gets_usage_select_and_insert(primary: Server) -> None:
    with drill_login(primary) as (name, password), scratch_database(primary, entries=5) as dbname:
        with primary.connect(dbname) as admin:
            admin.execute(f'CREATE ROLE "{name}" LOGIN')
            assert missing_grants(admin, name) == [
                "USAGE on schema trustfabric_drill",
                *(
                    f"{p} on trustfabric_drill.{t}"
                    for t in ("tenants", "accounts", "journal_entries", "journal_lines")
                    for p in ("SELECT", "INSERT")
                ),
            ]
            assert provision(admin, name) == []
        set_password(primary, name, password)
        with connect(as_login(primary, dbname, name, password)) as connection:
            require_drill_login(connection, dbname)
            write_commits(connection, CommitLog(), [STREAM_FIRST_ID])
            assert take_checksums(connection).tables["journal_entries"].rows == 6


def test_the_pre_check_names_every_missing_item_and_the_bootstrap_in_one_line(primary: Server) -> None:
    with drill_login(primary) as (name, password), scratch_database(primary, seed=None) as dbname:
        with primary.connect(dbname) as admin:
            admin.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
            admin.execute(f'REVOKE CREATE ON DATABASE "{dbname}" FROM PUBLIC')
        with connect(as_login(primary, dbname, name, password)) as connection, pytest.raises(TrustFabricError) as error:
            require_drill_login(connection, f"127.0.0.1/{dbname}")
    message = str(error.value)
    assert message == (
        f"database login {name} on 127.0.0.1/{dbname} is not provisioned for the drills: lacks CREATE on database "
        f"{dbname} (the drill schema trustfabric_drill does not exist yet); run {BOOTSTRAP}"
    )
    assert "\n" not in message


def test_a_login_outside_rds_iam_is_refused_until_provisioned(primary: Server) -> None:
    with primary.connect() as connection:
        created = not connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (IAM_ROLE,)).fetchone()
        if created:
            connection.execute(f"CREATE ROLE {IAM_ROLE}")
    try:
        with (
            drill_login(primary) as (name, _),
            scratch_database(primary, seed=None) as dbname,
            primary.connect(dbname) as admin,
        ):
            admin.execute(f'CREATE ROLE "{name}" LOGIN')
            admin.execute(f'GRANT CREATE ON DATABASE "{dbname}" TO "{name}"')
            assert missing_grants(admin, name) == [f"membership in {IAM_ROLE}"]
            assert provision(admin, name) == []
            assert admin.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (name, IAM_ROLE)).fetchone()[0]
    finally:
        if created:
            with primary.connect() as connection:
                connection.execute(f"DROP ROLE {IAM_ROLE}")


class LoggingInAs(StandInDatabases):
    """The stand-in databases, logged in to as a given login (not the superuser)."""

    def __init__(self, server: Server, name: str, password: str) -> None:
        super().__init__(server, lambda key: None)
        self.login = (name, password)

    def __call__(self, endpoint: DatabaseEndpoint) -> Any:
        self.seen.append(endpoint)
        name, password = self.login
        return connect(as_login(self.server, self.database(endpoint.host), name, password))


@pytest.fixture
def secret(aws: Aws) -> Callable[[tuple[str, ...]], None]:
    def make(regions: tuple[str, ...] = (PRIMARY, STANDBY)) -> None:
        for region in regions:
            aws.client("secretsmanager", region).create_secret(
                Name=SECRET, SecretString=json.dumps({"username": "ledger_drill"})
            )

    return make


def test_the_failover_drill_moves_nothing_when_its_login_is_not_provisioned(
    aws: Aws, secret: Callable[..., None], primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    secret()
    with drill_login(primary) as (name, password):
        with primary.connect() as connection:
            connection.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        stand_in = LoggingInAs(primary, name, password)
        try:
            with primary.connect() as connection:  # the writer's database, where the login may not create
                database = stand_in.database(f"trustfabric-prod-uk-ledger.c.{PRIMARY}.rds.amazonaws.com")
                connection.execute(f'REVOKE CREATE ON DATABASE "{database}" FROM PUBLIC')
            options = FailoverOptions(seed=True, commits=3, ca_bundle=ca_bundle)
            outcome = run_failover(
                "UK", aws=aws, options=options, reports_dir=tmp_path, echo=lambda _: None, connector=stand_in
            )
        finally:
            stand_in.close()
    labels = {step.name: step.label for step in outcome.report.steps}
    assert outcome.exit_code == 1
    assert labels[LOGIN_STEP].startswith(f"failed (InputError: database login {name} on ")
    assert (
        f"lacks CREATE on database {database} (the drill schema trustfabric_drill does not exist yet); run "
        in labels[LOGIN_STEP]
    )
    assert labels[MOVE_STEP] == f"skipped (needs {LOGIN_STEP})"


def test_a_missing_login_secret_fails_the_pre_check_naming_it(
    aws: Aws, secret: Callable[..., None], primary: Server, ca_bundle: str, tmp_path: Path
) -> None:
    secret((PRIMARY,))  # not replicated to the standby region, where the promoted database is verified
    stand_in = StandInDatabases(primary, lambda key: None)
    try:
        options = FailoverOptions(seed=True, commits=3, ca_bundle=ca_bundle)
        outcome = run_failover(
            "UK", aws=aws, options=options, reports_dir=tmp_path, echo=lambda _: None, connector=stand_in
        )
    finally:
        stand_in.close()
    labels = {step.name: step.label for step in outcome.report.steps}
    assert labels[LOGIN_STEP] == (
        f"failed (InputError: secret {SECRET} not found in {STANDBY}: it names the drills' database login; "
        "create it as runbooks/dr-failover.md (Drill login) shows)"
    )
    assert labels[MOVE_STEP] == f"skipped (needs {LOGIN_STEP})"


def test_the_runbook_shows_the_bootstrap_with_options_the_command_has() -> None:
    group: Any = typer.main.get_command(app)
    options = {
        option for parameter in group.commands["drill"].commands["provision-login"].params for option in parameter.opts
    }
    text = (Path(__file__).resolve().parents[4] / "runbooks/dr-failover.md").read_text(encoding="utf-8")
    steps = text.split("## Steps", 1)[1].split("\n## ", 1)[0]
    shown = steps.split(".venv/bin/trustfabric drill provision-login", 1)[1].split("```", 1)[0]
    outer = re.sub(r'"\$\([^)]*\)"', "VALUE", shown.replace("\\\n", " "))
    used = set(re.findall(r"(--[a-z-]+)", outer))
    assert used == {"--host", "--dbname", "--region", "--ca-bundle", "--master-secret-id"} and used <= options
    assert "--name trustfabric/prod/uk/ledger-drill" in steps and '{"username": "ledger_drill"}' in steps
    assert "readiness: ledger database login in <region>" in steps


def test_provision_login_on_the_command_line_checks_provisions_and_reports(
    primary: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TF_TEST_PGPASSWORD", primary.password)
    runner = CliRunner()
    with drill_login(primary) as (name, _), scratch_database(primary, seed=None) as dbname:
        args = ["drill", "provision-login", "--host", "127.0.0.1", "--port", str(primary.port), "--dbname", dbname,
                "--user", "postgres", "--password-env", "TF_TEST_PGPASSWORD", "--sslmode", "disable", "--login", name]  # fmt: skip
        before = runner.invoke(app, [*args, "--check"])
        assert (before.exit_code, before.stdout) == (
            1,
            f"{name} on 127.0.0.1/{dbname}: lacks role {name} does not exist\n",
        )
        done = runner.invoke(app, args)
        assert (done.exit_code, done.stdout) == (0, f"{name} on 127.0.0.1/{dbname}: complete\n")
        after = runner.invoke(app, [*args, "--check"])
        assert after.exit_code == 0
    refused = runner.invoke(app, ["drill", "provision-login", "--master-secret-id", "x"])
    assert refused.exit_code == 2
    assert "error: --master-secret-id needs --region (the database's AWS region)" in refused.stderr
