"""Secret rotation functions: declared per cell, least privilege, in the VPC, CMK-encrypted, logged and kept."""

from __future__ import annotations

import json

import pytest

from components.security.rotation import SecretRotationArgs, validate_args
from components.security.rotation_documents import ROLE_PATTERNS
from tests.components.helpers import CELLS, document, only, refusal, statements
from trustfabric.engine import ACCOUNT_ID

FUNCTION = "aws:lambda/function:Function"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
LOGS = "aws:cloudwatch/logGroup:LogGroup"
PERMISSION = "aws:lambda/permission:Permission"


def test_every_cell_of_every_stack_declares_both_functions_and_no_template(prod, dr, dev):
    for graph, cells in ((prod, CELLS), (dr, CELLS), (dev, ("uk",))):
        assert sorted(r.name for r in graph.of_type(FUNCTION)) == sorted(
            f"{c}-rotation-{kind}" for c in cells for kind in ("api-key", "database")
        )
        assert not [r for r in graph.resources.values() if r.type.startswith("aws:serverlessrepository/")]
        for resource in graph.of_type(FUNCTION):
            assert resource.parent.endswith(
                f"trustfabric:security:SecretRotation::{resource.name.split('-')[0]}-rotation"
            )


def test_the_api_key_function_runs_in_the_vpc_with_a_cmk_encrypted_environment(prod):
    function = only(prod, FUNCTION, "uk-rotation-api-key")
    props = function.props
    assert props["name"] == "trustfabric-prod-uk-rotate-api-key"
    assert props["code"]["path"] == "../functions/api_key_rotation"
    assert props["handler"] == "handler.lambda_handler"
    assert props["kmsKeyArn"].startswith(f"arn:aws:kms:eu-west-2:{ACCOUNT_ID}:key/")
    assert function.property_dependencies["kmsKeyArn"][0].endswith("uk-keyring-secrets")
    assert len(props["vpcConfig"]["subnetIds"]) == 3
    assert function.property_dependencies["loggingConfig"][0].endswith("uk-rotation-api-key-logs")
    assert props["environment"]["variables"] == {
        "SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.eu-west-2.amazonaws.com",
        "API_KEY_LENGTH": "48",
    }


def test_the_api_key_role_is_least_privilege_and_bounded(prod):
    role = only(prod, "aws:iam/role:Role", "uk-rotation-api-key-role")
    assert role.props["permissionsBoundary"]
    trust = document(role, "assumeRolePolicy")["Statement"][0]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    policy = statements(only(prod, "aws:iam/rolePolicy:RolePolicy", "uk-rotation-api-key-policy"), "policy")
    assert policy["RotateOwnSecrets"]["Resource"] == [
        f"arn:aws:secretsmanager:eu-west-2:{ACCOUNT_ID}:secret:trustfabric/prod/uk/bank-feeds-??????",
        f"arn:aws:secretsmanager:eu-west-2:{ACCOUNT_ID}:secret:trustfabric/prod/uk/model-gateway-??????",
    ]
    assert policy["RotateOwnSecrets"]["Condition"] == {
        "StringEquals": {
            "secretsmanager:resource/AllowRotationLambdaArn": (
                f"arn:aws:lambda:eu-west-2:{ACCOUNT_ID}:function:trustfabric-prod-uk-rotate-api-key"
            )
        }
    }
    assert policy["SecretsKeyThroughServices"]["Resource"].startswith(f"arn:aws:kms:eu-west-2:{ACCOUNT_ID}:key/")
    assert policy["OwnLogs"]["Resource"].endswith(":log-group:/aws/lambda/trustfabric-prod-uk-rotate-api-key:*")
    assert policy["VpcPlacement"]["Resource"] == [
        f"arn:aws:ec2:eu-west-2:{ACCOUNT_ID}:network-interface/*",
        f"arn:aws:ec2:eu-west-2:{ACCOUNT_ID}:subnet/*",
        f"arn:aws:ec2:eu-west-2:{ACCOUNT_ID}:security-group/*",
    ]
    # only actions that take no narrower resource run on `*`
    assert {s["Sid"] for s in policy.values() if s["Resource"] == "*"} == {"NewKeys", "VpcPlacementLookup"}


def test_secrets_manager_may_invoke_the_api_key_function_for_its_own_secrets_only(prod):
    permissions = [p for p in prod.of_type(PERMISSION) if p.name.startswith("uk-rotation-api-key")]
    assert sorted(p.name for p in permissions) == [
        "uk-rotation-api-key-invoke-bank-feeds",
        "uk-rotation-api-key-invoke-model-gateway",
    ]
    permission = only(prod, PERMISSION, "uk-rotation-api-key-invoke-bank-feeds")
    assert permission.props["principal"] == "secretsmanager.amazonaws.com"
    assert permission.props["sourceAccount"] == ACCOUNT_ID
    assert permission.props["sourceArn"] == (
        f"arn:aws:secretsmanager:eu-west-2:{ACCOUNT_ID}:secret:trustfabric/prod/uk/bank-feeds-??????"
    )


def test_the_database_function_is_declared_like_the_api_key_function(prod):
    function = only(prod, FUNCTION, "uk-rotation-database")
    props = function.props
    assert props["name"] == "trustfabric-prod-uk-rotate-database"
    assert props["handler"] == "handler.lambda_handler"
    assert props["runtime"] == "python3.12"
    assert props["kmsKeyArn"].startswith(f"arn:aws:kms:eu-west-2:{ACCOUNT_ID}:key/")
    assert function.property_dependencies["kmsKeyArn"][0].endswith("uk-keyring-secrets")
    assert len(props["vpcConfig"]["subnetIds"]) == 3
    assert function.property_dependencies["vpcConfig"]
    assert any(dep.endswith("uk-rotation-database-sg") for dep in function.property_dependencies["vpcConfig"])
    assert function.property_dependencies["loggingConfig"][0].endswith("uk-rotation-database-logs")
    assert props["environment"]["variables"] == {
        "SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.eu-west-2.amazonaws.com",
        "PASSWORD_LENGTH": "32",
        "EXCLUDE_CHARACTERS": ":/@\"'\\",
    }
    assert function.property_dependencies["role"][0].endswith("uk-rotation-database-role")
    role = only(prod, "aws:iam/role:Role", "uk-rotation-database-role")
    assert role.props["name"] == "trustfabric-prod-uk-rotate-database"
    assert role.property_dependencies["permissionsBoundary"][0].endswith("uk-iam-boundary")
    policy = statements(only(prod, "aws:iam/rolePolicy:RolePolicy", "uk-rotation-database-policy"), "policy")
    assert policy["RotateOwnSecrets"]["Resource"] == [
        f"arn:aws:secretsmanager:eu-west-2:{ACCOUNT_ID}:secret:trustfabric/prod/uk/ledger-db-??????"
    ]
    assert policy["RotateOwnSecrets"]["Condition"]["StringEquals"] == {
        "secretsmanager:resource/AllowRotationLambdaArn": (
            f"arn:aws:lambda:eu-west-2:{ACCOUNT_ID}:function:trustfabric-prod-uk-rotate-database"
        )
    }
    assert policy["OwnLogs"]["Resource"].endswith(":log-group:/aws/lambda/trustfabric-prod-uk-rotate-database:*")
    permission = only(prod, PERMISSION, "uk-rotation-database-invoke-ledger-db")
    assert permission.props["principal"] == "secretsmanager.amazonaws.com"
    assert permission.props["sourceAccount"] == ACCOUNT_ID
    assert permission.props["sourceArn"] == (
        f"arn:aws:secretsmanager:eu-west-2:{ACCOUNT_ID}:secret:trustfabric/prod/uk/ledger-db-??????"
    )


def test_functions_have_no_ingress_and_reach_only_the_vpc(prod):
    api_key = only(prod, GROUP, "uk-rotation-api-key-sg").props
    database = only(prod, GROUP, "uk-rotation-database-sg").props
    assert not api_key.get("ingress") and not database.get("ingress")
    assert [(rule["fromPort"], rule["cidrBlocks"]) for rule in api_key["egress"]] == [(443, ["10.64.0.0/16"])]
    assert [(rule["fromPort"], rule["cidrBlocks"]) for rule in database["egress"]] == [
        (443, ["10.64.0.0/16"]),
        (5432, ["10.64.0.0/16"]),
    ]
    endpoint = only(prod, "aws:ec2/vpcEndpoint:VpcEndpoint", "uk-rotation-secretsmanager-endpoint").props
    assert endpoint["serviceName"] == "com.amazonaws.eu-west-2.secretsmanager"
    assert endpoint["privateDnsEnabled"] is True
    assert json.loads(endpoint["policy"])["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:PrincipalAccount": ACCOUNT_ID}
    }


def test_logs_are_encrypted_with_the_logs_key_and_kept(prod):
    for kind in ("api-key", "database"):
        group = only(prod, LOGS, f"uk-rotation-{kind}-logs")
        assert group.props["name"] == f"/aws/lambda/trustfabric-prod-uk-rotate-{kind}"
        assert group.props["retentionInDays"] >= 365
        assert group.property_dependencies["kmsKeyId"][0].endswith("uk-keyring-logs")


def test_the_secrets_key_lets_rotation_roles_use_it_through_secrets_manager_and_lambda_only(prod):
    key = only(prod, "aws:kms/key:Key", "uk-keyring-secrets")
    statement = statements(key, "policy")["RotationFunctionsThroughServices"]
    assert ROLE_PATTERNS == ("trustfabric-*-rotate-*",)
    assert statement["Condition"]["StringEquals"]["kms:ViaService"] == [
        "secretsmanager.eu-west-2.amazonaws.com",
        "lambda.eu-west-2.amazonaws.com",
    ]
    assert statement["Condition"]["ArnLike"]["aws:PrincipalArn"] == [
        f"arn:aws:iam::{ACCOUNT_ID}:role/{pattern}" for pattern in ROLE_PATTERNS
    ]
    assert "RotationFunctionsThroughServices" not in statements(
        only(prod, "aws:kms/key:Key", "uk-keyring-logs"), "policy"
    )


def _args(**changes):
    arguments = {
        "stack": "prod",
        "cell": "uk",
        "jurisdiction": "UK",
        "region": "eu-west-2",
        "secrets_kms_key_arn": "arn:aws:kms:eu-west-2:123456789012:key/s",
        "logs_kms_key_arn": "arn:aws:kms:eu-west-2:123456789012:key/l",
        "permissions_boundary_arn": "arn:aws:iam::123456789012:policy/b",
        "vpc_id": "vpc-1",
        "subnet_ids": ("subnet-1", "subnet-2"),
        "vpc_cidr": "10.64.0.0/16",
        "secret_names": {"api-key": ("trustfabric/prod/uk/model-gateway",)},
        **changes,
    }
    return SecretRotationArgs(**arguments)


def test_good_arguments_are_accepted():
    validate_args(_args())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"region": "us-east-1"},
            "SecretRotation: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            {"subnet_ids": ("subnet-1",)},
            "SecretRotation: subnet_ids: 1 given; allowed: 2 or more private subnets in different availability zones",
        ),
        (
            {"secret_names": {"password": ("x",)}},
            "SecretRotation: secret_names: unknown kind 'password'; allowed: database, api-key",
        ),
        ({"secret_names": {"api-key": ()}}, "SecretRotation: secret_names: must name at least one secret"),
        ({"log_retention_days": 30}, "SecretRotation: log_retention_days: 30 is out of range; allowed: 365..3653"),
        ({"api_key_length": 16}, "SecretRotation: api_key_length: 16 is out of range; allowed: 32..128"),
        ({"password_length": 16}, "SecretRotation: password_length: 16 is out of range; allowed: 24..128"),
        ({"timeout_seconds": 900}, "SecretRotation: timeout_seconds: 900 is out of range; allowed: 5..300"),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    assert refusal(lambda: validate_args(_args(**changes))) == message
