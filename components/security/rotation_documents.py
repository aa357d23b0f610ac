"""Policy documents of the secret rotation functions: the functions' roles, the Secrets Manager endpoint's policy, and the names everything else derives from.

Pure functions (no Pulumi import); `components.security.rotation` attaches them, `components.security.kms_policy`
lets the rotation roles use a cell's secrets key through Secrets Manager and Lambda only.

Usage::

    from components.security.rotation_documents import function_name, role_policy

    name = function_name("prod", "uk", "api-key")          # trustfabric-prod-uk-rotate-api-key
    document = role_policy(account_id, "eu-west-2", name, secret_names, secrets_key_arn, log_group_arn)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.documents import policy_document

KINDS = ("database", "api-key")
"""What a rotation function rotates: database credentials or API keys (one repository function each)."""
ROLE_PATTERNS = ("trustfabric-*-rotate-*",)
"""Names of the roles rotation functions run as (`function_name`)."""
SECRET_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
)
"""What a rotation function does to the secrets it rotates (AWS's rotation templates ask for the same four)."""
NETWORK_INTERFACE_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
"""What Lambda needs to place a function in the VPC, on the region's interfaces, subnets and security groups of
this account (`ec2:DescribeNetworkInterfaces` takes no resource narrower than `*`)."""
NETWORK_RESOURCE_KINDS = ("network-interface", "subnet", "security-group")


def function_name(stack: str, cell: str, kind: str) -> str:
    """`trustfabric-<stack>-<cell>-rotate-<kind>`: also the name of its role and (for `/aws/lambda/`) log group."""
    return f"trustfabric-{stack}-{cell}-rotate-{kind}"


def function_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


def secret_arn_pattern(region: str, account_id: str, *, secret_name: str) -> str:
    """The ARN of a secret by name: Secrets Manager appends a dash and six random characters."""
    return f"arn:aws:secretsmanager:{region}:{account_id}:secret:{secret_name}-??????"


def log_group_name(name: str) -> str:
    return f"/aws/lambda/{name}"


def role_policy(
    account_id: str,
    region: str,
    name: str,
    secret_names: Sequence[str],
    secrets_key_arn: str,
    log_group_arn: str,
) -> str:
    """Least privilege of a rotation function: its secrets (and only while they name it as their rotation
    function), a random password or key, its secrets key through Secrets Manager and Lambda, its own log group, and
    the network interfaces of its VPC placement."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "RotateOwnSecrets",
            "Effect": "Allow",
            "Action": list(SECRET_ACTIONS),
            "Resource": [secret_arn_pattern(region, account_id, secret_name=secret) for secret in secret_names],
            "Condition": {
                "StringEquals": {
                    "secretsmanager:resource/AllowRotationLambdaArn": function_arn(region, account_id, name)
                }
            },
        },
        {"Sid": "NewKeys", "Effect": "Allow", "Action": "secretsmanager:GetRandomPassword", "Resource": "*"},
        {
            "Sid": "SecretsKeyThroughServices",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": secrets_key_arn,
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": [f"secretsmanager.{region}.amazonaws.com", f"lambda.{region}.amazonaws.com"]
                }
            },
        },
        {
            "Sid": "OwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:*",
        },
        {
            "Sid": "VpcPlacement",
            "Effect": "Allow",
            "Action": list(NETWORK_INTERFACE_ACTIONS),
            "Resource": [f"arn:aws:ec2:{region}:{account_id}:{kind}/*" for kind in NETWORK_RESOURCE_KINDS],
        },
        {"Sid": "VpcPlacementLookup", "Effect": "Allow", "Action": "ec2:DescribeNetworkInterfaces", "Resource": "*"},
    ]
    return policy_document(statements)


def endpoint_policy(account_id: str) -> str:
    """The Secrets Manager endpoint serves principals of this account only."""
    return policy_document(
        [
            {
                "Sid": "OwnAccountOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "secretsmanager:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id}},
            }
        ]
    )


def rotation_key_statements(account_id: str, region: str) -> list[dict[str, Any]]:
    """Key policy statements of a cell's secrets key for the rotation roles (`ROLE_PATTERNS`), which are created
    after the key and so cannot be named in it: use through Secrets Manager and Lambda only, in this account."""
    return [
        {
            "Sid": "RotationFunctionsThroughServices",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:CallerAccount": account_id,
                    "kms:ViaService": [f"secretsmanager.{region}.amazonaws.com", f"lambda.{region}.amazonaws.com"],
                },
                "ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{account_id}:role/{p}" for p in ROLE_PATTERNS]},
            },
        }
    ]
