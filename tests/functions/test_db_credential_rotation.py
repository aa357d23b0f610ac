"""The repository's database credential rotation function, step by step against moto's Secrets Manager and a
real PostgreSQL server (the database drills' server control, `trustfabric.drills.database.server`) that
requires TLS with a certificate from a test CA.

Secrets Manager starts a rotation by adding a version (the rotation's token) staged AWSPENDING and without a
value, then calls the function with createSecret, setSecret, testSecret and finishSecret; `begin_rotation`
makes that first move on moto's backend itself (moto's `rotate_secret` would invoke the function in a container).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import secrets
import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pg8000.native
import pytest
import scramp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from moto import mock_aws
from moto.secretsmanager.models import secretsmanager_backends

from functions.db_credential_rotation import handler
from trustfabric.drills.database.server import Server, Workspace

REGION = "eu-west-2"
ACCOUNT = "123456789012"
NAME = "trustfabric/prod/uk/ledger-db"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


class Database:
    """A TLS-only server (certificate for 127.0.0.1 from `ca_bundle`) and a role of its own per test."""

    def __init__(self, server: Server, ca_bundle: Path, other_ca_bundle: Path) -> None:
        self.server = server
        self.ca_bundle = ca_bundle
        self.other_ca_bundle = other_ca_bundle


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    workspace = Workspace.create(durable=False)
    try:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate("rotation test CA", ca_key, "rotation test CA", ca_key, ca=True)
        server_key = ec.generate_private_key(ec.SECP256R1())
        server_certificate = _certificate("127.0.0.1", server_key, "rotation test CA", ca_key, ca=False)
        other_key = ec.generate_private_key(ec.SECP256R1())
        other_ca = _certificate("another CA", other_key, "another CA", other_key, ca=True)
        files = {
            "server.crt": _pem(server_certificate),
            "server.key": server_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        }
        for name, content in files.items():
            path = workspace.root / name
            path.write_bytes(content)
            path.chmod(0o600)
            workspace.postgres.own(path)
        bundles = tmp_path_factory.mktemp("ca")
        (bundles / "ca.pem").write_bytes(_pem(ca))
        (bundles / "other.pem").write_bytes(_pem(other_ca))
        server = workspace.init_server(
            "rotation",
            {
                "ssl": "on",
                "ssl_cert_file": str(workspace.root / "server.crt"),
                "ssl_key_file": str(workspace.root / "server.key"),
            },
        )
        # Every role but the superuser the fixtures use logs in over TLS only (the drills' servers accept plain
        # TCP on 127.0.0.1): first match wins.
        hba = server.data_dir / "pg_hba.conf"
        only_tls = "host all postgres 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n"
        hba.write_text(only_tls + hba.read_text())
        server.start()
        yield Database(server, bundles / "ca.pem", bundles / "other.pem")
    finally:
        workspace.close()


@pytest.fixture
def role(database: Database) -> Iterator[dict[str, Any]]:
    """A login role with a random password, and the secret value AWS's template expects for it."""
    username = f"ledger_{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(24)
    with database.server.connect() as connection:
        connection.execute(f"CREATE ROLE {username} LOGIN PASSWORD '{password}'")
    try:
        yield {
            "engine": "postgres",
            "host": "127.0.0.1",
            "port": database.server.port,
            "username": username,
            "password": password,
            "dbname": "postgres",
        }
    finally:
        with database.server.connect() as connection:
            connection.execute(f"DROP ROLE IF EXISTS {username}")


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch, database: Database) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("DATABASE_CA_BUNDLE", str(database.ca_bundle))
    for name in ("PASSWORD_LENGTH", "EXCLUDE_CHARACTERS"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield boto3.client("secretsmanager", region_name=REGION)


def begin_rotation(client: Any, secret_id: str = NAME) -> str:
    """What Secrets Manager does before calling the function: a new version, AWSPENDING, no value yet."""
    secret = secretsmanager_backends[ACCOUNT][REGION].secrets[secret_id]
    token = str(uuid.uuid4())
    secret.remove_version_stages_from_old_versions(["AWSPENDING"])
    secret.versions[token] = {"version_id": token, "version_stages": ["AWSPENDING"], "createdate": 0}
    secret.rotation_requested = True  # describe_secret then reports RotationEnabled
    secret.rotation_enabled = True
    secret.auto_rotate_after_days = 30
    return token


def step(client: Any, name: str, token: str) -> None:
    handler.lambda_handler({"Step": name, "SecretId": NAME, "ClientRequestToken": token}, client=client)


def value(client: Any, **version: str) -> dict[str, Any]:
    return json.loads(client.get_secret_value(SecretId=NAME, **version)["SecretString"])


def logs_in(database: Database, username: str, password: str) -> bool:
    """Whether the role logs in with this password (over the same verified TLS the function uses)."""
    try:
        connection = pg8000.native.Connection(
            user=username,
            password=password,
            host="127.0.0.1",
            port=database.server.port,
            database="postgres",
            ssl_context=ssl.create_default_context(cafile=str(database.ca_bundle)),
        )
    except pg8000.native.DatabaseError:
        return False
    connection.close()
    return True


def test_a_rotation_changes_the_role_password_in_the_database_and_moves_awscurrent(client, role, database):
    client.create_secret(Name=NAME, SecretString=json.dumps(role))
    (old_version,) = client.describe_secret(SecretId=NAME)["VersionIdsToStages"]
    token = begin_rotation(client)

    for name in handler.STEPS:
        step(client, name, token)

    new = value(client, VersionStage="AWSCURRENT")
    assert {key: item for key, item in new.items() if key != "password"} == {
        key: item for key, item in role.items() if key != "password"
    }
    assert new["password"] != role["password"] and len(new["password"]) == 32
    assert not set(new["password"]) & set(":/@\"'\\")
    assert logs_in(database, role["username"], new["password"])
    assert not logs_in(database, role["username"], role["password"])
    stages = client.describe_secret(SecretId=NAME)["VersionIdsToStages"]
    assert "AWSCURRENT" in stages[token]
    assert "AWSPREVIOUS" in stages[old_version]
    with database.server.connect() as connection:
        stored = connection.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role["username"],))
        assert stored.fetchone()[0].startswith("SCRAM-SHA-256$4096:")


def test_a_failed_test_step_leaves_awscurrent_and_the_database_password_as_they_were(client, role, database):
    client.create_secret(Name=NAME, SecretString=json.dumps(role))
    token = begin_rotation(client)
    step(client, "createSecret", token)  # a new password that setSecret never applies: the database refuses it

    with pytest.raises(handler.RotationError, match=r"the pending version of .* cannot log in to the database"):
        step(client, "testSecret", token)

    assert value(client, VersionStage="AWSCURRENT") == role
    assert logs_in(database, role["username"], role["password"])
    assert "AWSCURRENT" not in client.describe_secret(SecretId=NAME)["VersionIdsToStages"][token]


def test_set_falls_back_to_the_previous_version_when_the_current_one_no_longer_logs_in(client, role, database):
    # A rotation that changed the password but failed before its finish step leaves AWSCURRENT stale; a later one
    # logs in with AWSPREVIOUS, as AWS's template does.
    client.create_secret(Name=NAME, SecretString=json.dumps({**role, "password": "stale-" + role["password"]}))
    secret = secretsmanager_backends[ACCOUNT][REGION].secrets[NAME]
    previous = str(uuid.uuid4())
    client.put_secret_value(SecretId=NAME, ClientRequestToken=previous, SecretString=json.dumps(role))
    client.update_secret_version_stage(SecretId=NAME, VersionStage="AWSPREVIOUS", MoveToVersionId=previous)
    client.update_secret_version_stage(
        SecretId=NAME,
        VersionStage="AWSCURRENT",
        MoveToVersionId=next(v for v, s in secret.versions.items() if v != previous),
        RemoveFromVersionId=previous,
    )
    assert value(client, VersionStage="AWSPREVIOUS") == role
    token = begin_rotation(client)

    step(client, "createSecret", token)
    step(client, "setSecret", token)
    step(client, "testSecret", token)

    assert logs_in(database, role["username"], value(client, VersionId=token)["password"])


def test_a_retried_set_step_finds_the_password_already_set(client, role, database):
    client.create_secret(Name=NAME, SecretString=json.dumps(role))
    token = begin_rotation(client)
    step(client, "createSecret", token)
    step(client, "setSecret", token)
    pending = value(client, VersionId=token)

    step(client, "createSecret", token)  # keeps the password it wrote
    step(client, "setSecret", token)  # the pending password logs in: nothing to change
    step(client, "testSecret", token)
    assert value(client, VersionId=token) == pending
    assert logs_in(database, role["username"], pending["password"])


def test_a_pending_version_naming_another_user_is_refused(client, role, database):
    client.create_secret(Name=NAME, SecretString=json.dumps(role))
    token = begin_rotation(client)
    client.put_secret_value(
        SecretId=NAME,
        ClientRequestToken=token,
        SecretString=json.dumps({**role, "username": "postgres", "password": "x" * 32}),
        VersionStages=["AWSPENDING"],
    )

    with pytest.raises(handler.RotationError, match="changes username; a rotation keeps it"):
        step(client, "setSecret", token)
    assert logs_in(database, role["username"], role["password"])


def test_the_database_must_present_a_certificate_from_the_configured_ca(client, role, database, monkeypatch):
    client.create_secret(Name=NAME, SecretString=json.dumps(role))
    token = begin_rotation(client)
    step(client, "createSecret", token)
    monkeypatch.setenv("DATABASE_CA_BUNDLE", str(database.other_ca_bundle))

    with pytest.raises(handler.RotationError, match=r"cannot log in to the database of .* current or previous"):
        step(client, "setSecret", token)
    assert logs_in(database, role["username"], role["password"])


def test_a_server_without_tls_is_never_logged_into(client, monkeypatch):
    workspace = Workspace.create(durable=False)
    try:
        plain = workspace.init_server("plain")
        plain.start()
        with plain.connect() as connection:
            connection.execute("CREATE ROLE app LOGIN PASSWORD 'app-password-0123456789'")
        secret = {"engine": "postgres", "host": "127.0.0.1", "port": plain.port, "username": "app",
                  "password": "app-password-0123456789", "dbname": "postgres"}  # fmt: skip
        client.create_secret(Name=NAME, SecretString=json.dumps(secret))
        token = begin_rotation(client)
        step(client, "createSecret", token)

        with pytest.raises(handler.RotationError, match="cannot log in"):
            step(client, "setSecret", token)
    finally:
        workspace.close()


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("not json", "the AWSCURRENT version of secret .* is not JSON"),
        ('["a list"]', "is not a JSON object with engine, host, port, username, password, dbname"),
        (
            json.dumps({"engine": "postgres", "username": "app", "password": "p"}),
            "the AWSCURRENT version of secret .* lacks host; expected a JSON object with engine, host, port, "
            "username, password, dbname",
        ),
        (
            json.dumps({"engine": "mysql", "host": "h", "username": "app", "password": "p"}),
            "has engine 'mysql'; this function rotates 'postgres' only",
        ),
        (
            json.dumps({"engine": "postgres", "host": "h", "port": "five", "username": "app", "password": "p"}),
            "has port 'five'; expected a TCP port number",
        ),
    ],
)
def test_a_secret_of_the_wrong_shape_fails_with_a_clear_error_and_stays(client, secret, message):
    client.create_secret(Name=NAME, SecretString=secret)
    token = begin_rotation(client)

    with pytest.raises(handler.RotationError, match=message):
        step(client, "createSecret", token)
    assert client.get_secret_value(SecretId=NAME)["SecretString"] == secret


def test_an_empty_secret_is_refused_until_seeded(client):
    client.create_secret(Name=NAME)
    token = begin_rotation(client)
    with pytest.raises(handler.RotationError, match="has no AWSCURRENT value: seed it with the role's login first"):
        step(client, "createSecret", token)


def test_an_unknown_step_and_a_short_configured_length_are_refused(client, role, monkeypatch):
    client.create_secret(Name=NAME, SecretString=json.dumps(role))
    token = begin_rotation(client)
    with pytest.raises(handler.RotationError, match="unknown step 'rotateSecret'"):
        step(client, "rotateSecret", token)
    monkeypatch.setenv("PASSWORD_LENGTH", "12")
    with pytest.raises(handler.RotationError, match="PASSWORD_LENGTH is 12; at least 24"):
        step(client, "createSecret", token)


def test_the_scram_verifier_agrees_with_an_independent_scram_implementation():
    # scramp (pg8000's SCRAM client, whose server side computes the same keys); the end-to-end proof is the
    # rotation test above logging in with the new password.
    salt = bytes(range(16))
    _, stored_key, server_key, iterations = scramp.ScramMechanism().make_auth_info("pencil", 4096, salt)
    encode = base64.b64encode
    assert handler.scram_verifier("pencil", salt=salt) == (
        f"SCRAM-SHA-256${iterations}:{encode(salt).decode()}${encode(stored_key).decode()}:{encode(server_key).decode()}"
    )
