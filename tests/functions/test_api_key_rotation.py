"""The repository's API-key rotation function, step by step against moto's Secrets Manager.

Secrets Manager starts a rotation by adding a version (the rotation's token) staged AWSPENDING and without a
value, then calls the function with createSecret, setSecret, testSecret and finishSecret. moto's `rotate_secret`
would invoke the function in a container, so `begin_rotation` makes that first move on moto's backend itself.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.secretsmanager.models import secretsmanager_backends

from functions.api_key_rotation import handler

REGION = "eu-west-2"
ACCOUNT = "123456789012"
NAME = "trustfabric/prod/uk/model-gateway"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("API_KEY_LENGTH", raising=False)
    with mock_aws():
        yield boto3.client("secretsmanager", region_name=REGION)


def begin_rotation(client: Any, secret_id: str, *, enabled: bool = True) -> str:
    """What Secrets Manager does before calling the function: a new version, AWSPENDING, no value yet."""
    secret = secretsmanager_backends[ACCOUNT][REGION].secrets[secret_id]
    token = str(uuid.uuid4())
    secret.remove_version_stages_from_old_versions(["AWSPENDING"])
    secret.versions[token] = {"version_id": token, "version_stages": ["AWSPENDING"], "createdate": 0}
    secret.rotation_requested = True  # describe_secret then reports RotationEnabled
    secret.rotation_enabled = enabled
    secret.auto_rotate_after_days = 30
    return token


def step(client: Any, name: str, token: str, secret_id: str = NAME) -> None:
    handler.lambda_handler({"Step": name, "SecretId": secret_id, "ClientRequestToken": token}, client=client)


def rotate(client: Any, token: str) -> None:
    for name in handler.STEPS:
        step(client, name, token)


def current(client: Any) -> dict[str, Any]:
    return json.loads(client.get_secret_value(SecretId=NAME, VersionStage="AWSCURRENT")["SecretString"])


def test_first_rotation_of_an_empty_secret_writes_a_key_that_passes_the_set_and_test_steps(client):
    # finishSecret on a secret without any AWSCURRENT version is what AWS does first; moto 5.2.5 fails on it
    # (IndexError in update_secret_version_stage), so the finish step is proven on a secret with a value below.
    client.create_secret(Name=NAME)
    token = begin_rotation(client, NAME)

    step(client, "createSecret", token)
    pending = json.loads(client.get_secret_value(SecretId=NAME, VersionId=token)["SecretString"])
    assert set(pending) == {"api_key"}
    assert len(pending["api_key"]) == 48 and pending["api_key"].isalnum()
    step(client, "setSecret", token)
    step(client, "testSecret", token)
    assert client.describe_secret(SecretId=NAME)["VersionIdsToStages"][token] == ["AWSPENDING"]


def test_a_rotation_replaces_the_key_keeps_other_fields_and_labels_the_old_one_previous(client):
    client.create_secret(Name=NAME, SecretString=json.dumps({"api_key": "k" * 48, "client_id": "ledger"}))
    old = client.describe_secret(SecretId=NAME)["VersionIdsToStages"]
    (old_version,) = list(old)
    token = begin_rotation(client, NAME)

    rotate(client, token)

    value = current(client)
    assert value["client_id"] == "ledger"
    assert value["api_key"] != "k" * 48 and len(value["api_key"]) == 48
    stages = client.describe_secret(SecretId=NAME)["VersionIdsToStages"]
    assert "AWSCURRENT" in stages[token]
    assert "AWSPREVIOUS" in stages[old_version] and "AWSCURRENT" not in stages[old_version]


def test_a_retried_create_step_keeps_the_key_it_already_wrote(client):
    client.create_secret(Name=NAME)
    token = begin_rotation(client, NAME)
    step(client, "createSecret", token)
    first = client.get_secret_value(SecretId=NAME, VersionId=token)["SecretString"]

    step(client, "createSecret", token)

    assert client.get_secret_value(SecretId=NAME, VersionId=token)["SecretString"] == first


def test_the_test_step_refuses_a_pending_key_that_is_too_short_and_the_current_key_stays(client):
    client.create_secret(Name=NAME, SecretString=json.dumps({"api_key": "c" * 48}))
    token = begin_rotation(client, NAME)
    client.put_secret_value(
        SecretId=NAME,
        ClientRequestToken=token,
        SecretString=json.dumps({"api_key": "short"}),
        VersionStages=["AWSPENDING"],
    )

    with pytest.raises(handler.RotationError, match="is not 48 letters and digits"):
        step(client, "testSecret", token)
    assert current(client) == {"api_key": "c" * 48}


def test_the_test_step_refuses_a_pending_key_equal_to_the_current_one(client):
    client.create_secret(Name=NAME, SecretString=json.dumps({"api_key": "c" * 48}))
    token = begin_rotation(client, NAME)
    client.put_secret_value(
        SecretId=NAME,
        ClientRequestToken=token,
        SecretString=json.dumps({"api_key": "c" * 48}),
        VersionStages=["AWSPENDING"],
    )

    with pytest.raises(handler.RotationError, match="equals the current one"):
        step(client, "testSecret", token)


def test_a_secret_without_rotation_enabled_is_refused(client):
    client.create_secret(Name=NAME)
    token = begin_rotation(client, NAME, enabled=False)

    with pytest.raises(handler.RotationError, match="does not have rotation enabled"):
        step(client, "createSecret", token)


def test_a_token_that_is_not_pending_is_refused(client):
    client.create_secret(Name=NAME, SecretString=json.dumps({"api_key": "c" * 48}))
    begin_rotation(client, NAME)
    (current_version,) = [
        version
        for version, stages in client.describe_secret(SecretId=NAME)["VersionIdsToStages"].items()
        if "AWSCURRENT" in stages
    ]

    step(client, "createSecret", current_version)  # already current: nothing to do
    with pytest.raises(handler.RotationError, match="has no stage for rotation"):
        step(client, "createSecret", str(uuid.uuid4()))


def test_an_unknown_step_and_a_short_configured_length_are_refused(client, monkeypatch):
    client.create_secret(Name=NAME)
    token = begin_rotation(client, NAME)
    with pytest.raises(handler.RotationError, match="unknown step 'rotateSecret'"):
        step(client, "rotateSecret", token)
    monkeypatch.setenv("API_KEY_LENGTH", "16")
    with pytest.raises(handler.RotationError, match="API_KEY_LENGTH is 16; at least 32"):
        step(client, "createSecret", token)
