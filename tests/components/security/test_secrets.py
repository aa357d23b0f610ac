"""Secrets: customer-managed key, rotation, replicas only in the paired region, no values in code."""

from __future__ import annotations

import pytest

from components.security.secrets import CellSecretsArgs, SecretSpec, validate_args
from tests.components.helpers import only, refusal
from trustfabric.engine import ACCOUNT_ID

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
LAMBDA = "arn:aws:lambda:eu-west-2:123456789012:function:rotate"


def test_every_secret_uses_the_cells_secrets_key_and_a_long_recovery_window(prod, dr):
    for graph, stack in ((prod, "prod"), (dr, "dr")):
        secrets = graph.of_type(SECRET)
        assert len(secrets) == 12
        for secret in secrets:
            cell = secret.name.split("-", 1)[0]
            kind, suffix = ("replicaKey:ReplicaKey", "-replica") if stack == "dr" else ("key:Key", "")
            assert secret.property_dependencies["kmsKeyId"] == [
                f"urn:pulumi:{stack}::trust-fabric::trustfabric:stack:Cell$trustfabric:security:KmsKeyring"
                f"$aws:kms/{kind}::{cell}-keyring-secrets{suffix}"
            ]
            assert secret.props["recoveryWindowInDays"] == 30
            assert secret.props["name"].startswith(f"trustfabric/{stack}/{cell}/")
            assert secret.parent.endswith(f"trustfabric:security:CellSecrets::{cell}-secrets")


def test_no_secret_value_is_declared(prod, dr, dev):
    for graph in (prod, dr, dev):
        assert graph.of_type("aws:secretsmanager/secretVersion:SecretVersion") == []


def test_prod_replicates_only_into_the_paired_region_under_the_secrets_alias(prod, dr):
    secret = only(prod, SECRET, "us-secrets-ledger-db")
    assert secret.props["replicas"] == [{"region": "us-west-2", "kmsKeyId": "alias/trustfabric/us/secrets"}]
    assert all(not s.props.get("replicas") for s in dr.of_type(SECRET))


def test_every_secret_rotates_with_the_cells_function_of_its_kind(prod):
    rotations = prod.of_type(ROTATION)
    assert len(rotations) == 12
    api_key = only(prod, ROTATION, "eu-secrets-bank-feeds-rotation")
    assert api_key.props["rotationLambdaArn"] == (
        f"arn:aws:lambda:eu-central-1:{ACCOUNT_ID}:function:trustfabric-prod-eu-rotate-api-key"
    )
    assert api_key.props["rotationRules"]["automaticallyAfterDays"] == 30
    assert api_key.props["rotateImmediately"] is True
    database = only(prod, ROTATION, "eu-secrets-ledger-db-rotation")
    assert database.props["rotationLambdaArn"] == (
        f"arn:aws:lambda:eu-central-1:{ACCOUNT_ID}:function:trustfabric-prod-eu-rotate-database"
    )
    # credentials rotate from the next window, once the database bootstrap has seeded them
    assert database.props["rotateImmediately"] is False
    # the rotation waits for its function (and, for ours, Secrets Manager's permission to invoke it)
    assert {urn.rsplit("::", 1)[1] for urn in api_key.property_dependencies["rotationLambdaArn"]} == {
        "eu-rotation-api-key",
        "eu-rotation-api-key-invoke-bank-feeds",
        "eu-rotation-api-key-invoke-model-gateway",
    }


def _args(**changes):
    arguments = {
        "jurisdiction": "UK",
        "region": "eu-west-2",
        "paired_region": "eu-west-1",
        "kms_key_arn": "arn:aws:kms:eu-west-2:123456789012:key/x",
        "rotation_lambda_arns": {"api-key": LAMBDA, "database": LAMBDA},
        "secrets": (SecretSpec("ledger-db", "Ledger"),),
        **changes,
    }
    return CellSecretsArgs(**arguments)


def test_in_pair_replica_is_accepted():
    validate_args(_args(replica_regions=("eu-west-1",)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"replica_regions": ("us-east-1",)},
            "CellSecrets: replica_regions: region 'us-east-1' is outside UK's allowed regions; "
            "allowed: eu-west-2, eu-west-1",
        ),
        (
            {
                "jurisdiction": "EU",
                "region": "eu-central-1",
                "paired_region": "eu-west-1",
                "rotation_lambda_arns": {"api-key": LAMBDA.replace("eu-west-2", "eu-central-1")},
                "replica_regions": ("eu-west-3",),
            },
            "CellSecrets: replica_regions: region 'eu-west-3' is not the cell's paired region; allowed: eu-west-1",
        ),
        ({"recovery_window_in_days": 0}, "CellSecrets: recovery_window_in_days: 0 is out of range; allowed: 7..30"),
        ({"secrets": ()}, "CellSecrets: secrets: must not be empty"),
        (
            {"secrets": (SecretSpec("Ledger DB", "x"),)},
            "CellSecrets: secrets: name 'Ledger DB' is not allowed; "
            "allowed: lowercase letters, digits and hyphens, 1..63 characters",
        ),
        (
            {"secrets": (SecretSpec("ledger-db", "x", rotation_days=365),)},
            "CellSecrets: secrets['ledger-db'].rotation_days: 365 is out of range; allowed: 1..90",
        ),
        (
            {"rotation_lambda_arns": {"api-key": LAMBDA.replace("eu-west-2", "us-east-1")}},
            "CellSecrets: rotation_lambda_arns['api-key']: 'arn:aws:lambda:us-east-1:123456789012:function:rotate' "
            "is not allowed; allowed: a Lambda function ARN in eu-west-2",
        ),
        (
            {
                "secrets": (SecretSpec("ledger-db", "x", rotation="database"),),
                "rotation_lambda_arns": {"api-key": LAMBDA},
            },
            "CellSecrets: rotation_lambda_arns: no function for 'database' (secret 'ledger-db'); "
            "allowed: a Lambda function ARN in eu-west-2 for each kind listed",
        ),
        (
            {"secrets": (SecretSpec("ledger-db", "x", rotation="password"),)},
            "CellSecrets: secrets['ledger-db'].rotation: 'password' is not allowed; allowed: database, api-key",
        ),
        (
            {"paired_region": "eu-west-2"},
            "CellSecrets: paired_region: 'eu-west-2' is the cell's own region; allowed: the other region of the pair",
        ),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    assert refusal(lambda: validate_args(_args(**changes))) == message
