"""Secrets Manager rotation of a PostgreSQL role's password (single user: the role rotates its own password).

The repository's replacement for AWS's `SecretsManagerRDSPostgreSQLRotationSingleUser` template: the same four
steps and the same secret shape, with pg8000 (pure Python, bundled beside this file) as the driver.
Secrets Manager calls the function four times per rotation, each with `{"Step", "SecretId",
"ClientRequestToken"}`; the token is the version id of the rotation's new version, staged AWSPENDING:

1. `createSecret`: a new password (Secrets Manager's `GetRandomPassword`, `PASSWORD_LENGTH` characters, none of
   `EXCLUDE_CHARACTERS`) is written as the AWSPENDING version, with the current version's other fields. Nothing
   is written when the pending version already has a value (a retried step).
2. `setSecret`: when the pending password already logs in, nothing is left to do. Otherwise the function logs in
   with the AWSCURRENT version, else (a rotation that set the password but failed before finishing) with
   AWSPREVIOUS, and runs `ALTER ROLE <username> PASSWORD '<SCRAM verifier>'`: the verifier is computed here, so
   the new password itself never reaches the server's statement log. The pending version must name the same
   host, engine and username as the one that logs in.
3. `testSecret`: the pending version must log in and run `SELECT 1`; otherwise the rotation fails and
   AWSCURRENT stays as it was (runbooks/secret-rotation-failed.md).
4. `finishSecret`: AWSCURRENT moves to the new version (Secrets Manager then labels the old one AWSPREVIOUS).

The secret's value is the JSON object AWS's template uses: `{"engine": "postgres", "host", "port", "username",
"password", "dbname"}` (`port` defaults to 5432 and `dbname` to `postgres`, as there); other fields are kept.
Every connection uses TLS with the server's certificate and host name verified against `DATABASE_CA_BUNDLE`
(default `/etc/pki/tls/cert.pem`, the Lambda runtime's trust store that AWS's template also verifies RDS
against); there is no fallback to an unencrypted connection. No password is ever logged.

Environment: `SECRETS_MANAGER_ENDPOINT` (the regional endpoint, reached through the VPC's interface endpoint),
`PASSWORD_LENGTH` (default 32, at least 24), `EXCLUDE_CHARACTERS` (default `:/@"'\\`: characters that break
connection strings), `DATABASE_CA_BUNDLE`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import ssl
from typing import Any

import boto3
import pg8000.native

logger = logging.getLogger()
logger.setLevel(logging.INFO)

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
ENGINE = "postgres"
REQUIRED_FIELDS = ("engine", "host", "username", "password")
"""Fields every version must hold; `port` and `dbname` have AWS's template's defaults."""
DEFAULT_PORT = 5432
DEFAULT_DATABASE = "postgres"
DEFAULT_PASSWORD_LENGTH = 32
MIN_PASSWORD_LENGTH = 24
DEFAULT_EXCLUDE_CHARACTERS = ":/@\"'\\"
DEFAULT_CA_BUNDLE = "/etc/pki/tls/cert.pem"
CONNECT_TIMEOUT_SECONDS = 5
SCRAM_ITERATIONS = 4096
"""PostgreSQL's default `scram_iterations`."""


class RotationError(ValueError):
    """A rotation that must not go on (Secrets Manager marks it failed and AWSCURRENT stays)."""


def password_length() -> int:
    length = int(os.environ.get("PASSWORD_LENGTH", DEFAULT_PASSWORD_LENGTH))
    if length < MIN_PASSWORD_LENGTH:
        raise RotationError(f"PASSWORD_LENGTH is {length}; at least {MIN_PASSWORD_LENGTH}")
    return length


def lambda_handler(event: dict[str, Any], context: Any = None, client: Any = None) -> None:
    """Run one step of a rotation (see the module docstring); `client` is for tests."""
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    if step not in STEPS:
        raise RotationError(f"unknown step {step!r}; expected one of {', '.join(STEPS)}")
    client = client or boto3.client("secretsmanager", endpoint_url=os.environ.get("SECRETS_MANAGER_ENDPOINT"))
    metadata = client.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise RotationError(f"secret {arn} does not have rotation enabled")
    versions = metadata.get("VersionIdsToStages", {})
    if token not in versions:
        raise RotationError(f"secret version {token} has no stage for rotation of secret {arn}")
    if "AWSCURRENT" in versions[token]:
        logger.info("secret version %s is already AWSCURRENT for %s", token, arn)
        return
    if "AWSPENDING" not in versions[token]:
        raise RotationError(f"secret version {token} is not AWSPENDING for rotation of secret {arn}")
    {"createSecret": create_secret, "setSecret": set_secret, "testSecret": test_secret, "finishSecret": finish_secret}[
        step
    ](client, arn, token)


def _value(client: Any, arn: str, stage: str, token: str | None = None) -> dict[str, Any] | None:
    """A version's value, checked to be a database secret; None when the version does not exist or is empty."""
    version = {"VersionId": token} if token else {}
    try:
        response = client.get_secret_value(SecretId=arn, VersionStage=stage, **version)
    except client.exceptions.ResourceNotFoundException:
        return None
    text = response.get("SecretString")
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise RotationError(f"the {stage} version of secret {arn} is not JSON") from None
    return check_shape(value, f"the {stage} version of secret {arn}")


def check_shape(value: Any, what: str) -> dict[str, Any]:
    """The value when it is a PostgreSQL secret as AWS's template expects; RotationError naming what is wrong."""
    expected = "a JSON object with engine, host, port, username, password, dbname"
    if not isinstance(value, dict):
        raise RotationError(f"{what} is not {expected}")
    missing = [name for name in REQUIRED_FIELDS if not isinstance(value.get(name), str) or not value[name]]
    if missing:
        raise RotationError(f"{what} lacks {', '.join(missing)}; expected {expected}")
    if value["engine"] != ENGINE:
        raise RotationError(f"{what} has engine {value['engine']!r}; this function rotates {ENGINE!r} only")
    port = value.get("port", DEFAULT_PORT)
    try:
        port_number = int(port)
    except (TypeError, ValueError):
        port_number = 0
    if isinstance(port, bool) or not 0 < port_number < 65536:
        raise RotationError(f"{what} has port {port!r}; expected a TCP port number")
    dbname = value.get("dbname", DEFAULT_DATABASE)
    if not isinstance(dbname, str) or not dbname:
        raise RotationError(f"{what} has dbname {dbname!r}; expected a database name")
    return value


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=os.environ.get("DATABASE_CA_BUNDLE", DEFAULT_CA_BUNDLE))
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def connect(value: dict[str, Any]) -> pg8000.native.Connection | None:
    """A TLS connection (certificate and host name verified) as the version's user; None when it cannot log in."""
    try:
        return pg8000.native.Connection(
            user=value["username"],
            password=value["password"],
            host=value["host"],
            port=int(value.get("port", DEFAULT_PORT)),
            database=value.get("dbname", DEFAULT_DATABASE),
            ssl_context=_tls(),
            timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="trustfabric-rotation",
        )
    except (pg8000.native.InterfaceError, pg8000.native.DatabaseError, OSError) as error:
        # The error names the server and the cause (authentication, certificate, refused), never the password.
        logger.info("cannot log in as %s to %s: %s", value["username"], value["host"], type(error).__name__)
        return None


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802, as `password_encryption` would)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def encode(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{encode(salt)}${encode(stored_key)}:{encode(server_key)}"


def create_secret(client: Any, arn: str, token: str) -> None:
    current = _value(client, arn, "AWSCURRENT")
    if current is None:
        raise RotationError(f"createSecret: secret {arn} has no AWSCURRENT value: seed it with the role's login first")
    if _value(client, arn, "AWSPENDING", token) is not None:
        logger.info("createSecret: the pending version of %s already has a value", arn)
        return
    password = client.get_random_password(
        PasswordLength=password_length(),
        ExcludeCharacters=os.environ.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE_CHARACTERS),
    )["RandomPassword"]
    client.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps({**current, "password": password}),
        VersionStages=["AWSPENDING"],
    )
    logger.info("createSecret: wrote a new password to version %s of %s", token, arn)


def set_secret(client: Any, arn: str, token: str) -> None:
    pending = _value(client, arn, "AWSPENDING", token)
    if pending is None:
        raise RotationError(f"setSecret: the pending version {token} of {arn} has no value")
    connection = connect(pending)
    if connection is not None:
        connection.close()
        logger.info("setSecret: the pending password of %s already logs in", arn)
        return
    current = _value(client, arn, "AWSCURRENT")
    if current is None:
        raise RotationError(f"setSecret: secret {arn} has no AWSCURRENT value")
    source, connection = "AWSCURRENT", connect(current)
    if connection is None:
        previous = _value(client, arn, "AWSPREVIOUS")
        if previous is not None:
            source, connection, current = "AWSPREVIOUS", connect(previous), previous
    if connection is None:
        raise RotationError(f"setSecret: cannot log in to the database of {arn} with its current or previous version")
    try:
        for name in ("host", "engine", "username"):
            if current[name] != pending[name]:
                raise RotationError(f"setSecret: the pending version of {arn} changes {name}; a rotation keeps it")
        connection.run(
            f"ALTER ROLE {pg8000.native.identifier(pending['username'])} "
            f"PASSWORD {pg8000.native.literal(scram_verifier(pending['password']))}"
        )
    finally:
        connection.close()
    logger.info("setSecret: set the password of %s (logged in with %s)", arn, source)


def test_secret(client: Any, arn: str, token: str) -> None:
    pending = _value(client, arn, "AWSPENDING", token)
    if pending is None:
        raise RotationError(f"testSecret: the pending version {token} of {arn} has no value")
    connection = connect(pending)
    if connection is None:
        raise RotationError(f"testSecret: the pending version of {arn} cannot log in to the database")
    try:
        connection.run("SELECT 1")
    finally:
        connection.close()
    logger.info("testSecret: version %s of %s logs in", token, arn)


def finish_secret(client: Any, arn: str, token: str) -> None:
    metadata = client.describe_secret(SecretId=arn)
    current = None
    for version, stages in metadata.get("VersionIdsToStages", {}).items():
        if "AWSCURRENT" in stages:
            if version == token:
                logger.info("finishSecret: version %s is already AWSCURRENT for %s", version, arn)
                return
            current = version
    arguments = {"SecretId": arn, "VersionStage": "AWSCURRENT", "MoveToVersionId": token}
    if current is not None:
        arguments["RemoveFromVersionId"] = current
    client.update_secret_version_stage(**arguments)
    logger.info("finishSecret: version %s is now AWSCURRENT for %s", token, arn)
