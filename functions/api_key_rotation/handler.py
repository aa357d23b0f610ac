"""Secrets Manager rotation of an API key that our own services verify (the repository's rotation function).

Secrets Manager calls the function four times per rotation, each with `{"Step", "SecretId",
"ClientRequestToken"}`; the token is the version id of the rotation's new version, staged AWSPENDING:

1. `createSecret`: a new key (Secrets Manager's `GetRandomPassword`, `API_KEY_LENGTH` characters, letters and
   digits) is written as the AWSPENDING version; the current version's other fields are kept. Nothing is
   written when the pending version already has a value (a retried step).
2. `setSecret`: the services that accept the key read it from the secret themselves (AWSCURRENT and, during a
   rotation, AWSPENDING), so there is no other system to tell; the step checks that the pending value is
   readable.
3. `testSecret`: the pending version must be a JSON object whose `api_key` has the required length and
   alphabet and differs from the current key; anything else fails the rotation, which leaves AWSCURRENT as it
   was (runbooks/secret-rotation-failed.md).
4. `finishSecret`: AWSCURRENT moves to the new version (Secrets Manager then labels the old one AWSPREVIOUS).

The secret's value is a JSON object: `{"api_key": "...", ...}`; a secret created empty (as the stacks create
them) gets `{"api_key": ...}` on its first rotation. No value is ever logged.

Environment: `SECRETS_MANAGER_ENDPOINT` (the regional endpoint, reached through the VPC's interface endpoint),
`API_KEY_LENGTH` (default 48, at least 32).
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

KEY_FIELD = "api_key"
DEFAULT_KEY_LENGTH = 48
MIN_KEY_LENGTH = 32
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


class RotationError(ValueError):
    """A rotation that must not go on (Secrets Manager marks it failed and AWSCURRENT stays)."""


def key_length() -> int:
    length = int(os.environ.get("API_KEY_LENGTH", DEFAULT_KEY_LENGTH))
    if length < MIN_KEY_LENGTH:
        raise RotationError(f"API_KEY_LENGTH is {length}; at least {MIN_KEY_LENGTH}")
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


def _value(client: Any, arn: str, **version: str) -> dict[str, Any] | None:
    """A version's value as a JSON object; None when the version has no value yet."""
    try:
        response = client.get_secret_value(SecretId=arn, **version)
    except client.exceptions.ResourceNotFoundException:
        return None
    text = response.get("SecretString")
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise RotationError(f"a version of secret {arn} is not JSON") from None
    if not isinstance(value, dict):
        raise RotationError(f"a version of secret {arn} is not a JSON object")
    return value


def create_secret(client: Any, arn: str, token: str) -> None:
    if _value(client, arn, VersionId=token, VersionStage="AWSPENDING") is not None:
        logger.info("createSecret: the pending version of %s already has a value", arn)
        return
    current = _value(client, arn, VersionStage="AWSCURRENT") or {}
    new_key = client.get_random_password(PasswordLength=key_length(), ExcludePunctuation=True)["RandomPassword"]
    client.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps({**current, KEY_FIELD: new_key}),
        VersionStages=["AWSPENDING"],
    )
    logger.info("createSecret: wrote a new key to version %s of %s", token, arn)


def set_secret(client: Any, arn: str, token: str) -> None:
    if _value(client, arn, VersionId=token, VersionStage="AWSPENDING") is None:
        raise RotationError(f"setSecret: the pending version {token} of {arn} has no value")
    logger.info("setSecret: services read the key from %s; nothing else to update", arn)


def test_secret(client: Any, arn: str, token: str) -> None:
    pending = _value(client, arn, VersionId=token, VersionStage="AWSPENDING")
    if pending is None:
        raise RotationError(f"testSecret: the pending version {token} of {arn} has no value")
    key = pending.get(KEY_FIELD)
    length = key_length()
    if not isinstance(key, str) or len(key) < length or re.fullmatch(r"[A-Za-z0-9]+", key) is None:
        raise RotationError(f"testSecret: the pending {KEY_FIELD} of {arn} is not {length} letters and digits")
    current = _value(client, arn, VersionStage="AWSCURRENT")
    if current is not None and current.get(KEY_FIELD) == key:
        raise RotationError(f"testSecret: the pending {KEY_FIELD} of {arn} equals the current one")
    logger.info("testSecret: version %s of %s is a valid key", token, arn)


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
