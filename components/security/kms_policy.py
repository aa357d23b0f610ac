"""KMS key policies as documents: who administers a cell's key, who uses it, which services encrypt with it.

Pure functions and data (no Pulumi import): `components.security.kms` attaches `key_policy` to every key of a
cell, `components.resilience.failover_routing` starts its DNSSEC key's policy with `key_admin_statements`, and
the IAM baseline grants the key-admin role the same `ADMIN_ACTIONS` (with `KEY_POLICY_ACTION`) in its own policy.

Usage::

    from components.security.kms_policy import key_policy

    document = key_policy("123456789012", "eu-west-2", "logs", admin_role_arns=[key_admin], user_role_arns=[deploy])

    # roles declared after the keyring (ModelOps, datasets, replication): by exact ARN, through named services
    late = LateKeyUser("ModelExecution", "trustfabric-prod-uk-model-execution", "data-restricted", ("s3", "sagemaker"))
    document = key_policy("123456789012", "eu-west-2", "data-restricted", [key_admin], [deploy], late_users=[late])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from components.documents import policy_document
from components.security.rotation_documents import rotation_key_statements

USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
ADMIN_ACTIONS = (
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
    "kms:ReplicateKey",
)
"""What the key-admin role may do besides changing the key policy: never use the key (no Encrypt/Decrypt).
`kms:ReplicateKey` must be in the primary key's policy (no statement delegates to IAM), or the dr stack,
deployed as key-admin, could not create its replicas. The one list: the key policies grant it to key-admin
(`key_admin_statements`), and key-admin's own IAM policy grants it with KEY_POLICY_ACTION
(`components.security.iam_documents`)."""
KEY_POLICY_ACTION = "kms:PutKeyPolicy"
"""Changing the key policy: granted to the key-admin role alone, and denied to every other principal."""


LATE_USE_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
"""What a late user may do by default: read what is encrypted and write new data keys (no ReEncrypt, no grants)."""
SERVICES = ("s3", "sagemaker", "states", "sqs", "sns", "scheduler", "events", "dynamodb")
"""Services a late user may use a key through (`kms:ViaService`); a call from anywhere else is refused."""


@dataclass(frozen=True)
class LateKeyUser:
    """A role declared after the keyring that uses one of its keys: KMS refuses a key policy naming a principal
    that does not exist yet, so the statement admits the role's exact ARN by condition (`aws:PrincipalArn`),
    only in this account and only through the services it works with (`kms:ViaService`)."""

    sid: str
    """Statement id suffix, CamelCase letters and digits (`ModelExecution` -> `LateUseModelExecution`)."""
    role_name: str
    """The role's deterministic IAM name, e.g. `trustfabric-prod-uk-model-execution`."""
    purpose: str
    """The key it uses (a purpose of `components.security.kms.PURPOSES`)."""
    services: tuple[str, ...]
    """Services it reaches the key through, from SERVICES (`s3` for SSE-KMS objects, `states` for an encrypted
    state machine, `sqs`/`sns` for encrypted queues and topics, `sagemaker` for job volumes)."""
    actions: tuple[str, ...] = LATE_USE_ACTIONS
    """KMS actions granted; `kms:CreateGrant` is only ever granted for AWS resources (`kms:GrantIsForAWSResource`)."""


def validate_late_user(user: LateKeyUser) -> None:
    """Raise ValueError naming the bad field of a late key user and what is allowed."""
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", user.sid):
        raise ValueError(
            f"LateKeyUser: sid: {user.sid!r} is not CamelCase letters and digits; allowed: e.g. ModelExecution"
        )
    if not re.fullmatch(r"[A-Za-z0-9+=,.@_-]{1,64}", user.role_name):
        raise ValueError(
            f"LateKeyUser: role_name: {user.role_name!r} is not an IAM role name; allowed: 1-64 of A-Za-z0-9+=,.@_-"
        )
    unknown = [service for service in user.services if service not in SERVICES]
    if not user.services or unknown:
        raise ValueError(
            f"LateKeyUser {user.sid}: services: {', '.join(unknown) or '(none)'}; allowed: {', '.join(SERVICES)}"
        )
    allowed = (*USE_ACTIONS, "kms:GenerateDataKey", "kms:CreateGrant")
    wrong = [action for action in user.actions if action not in allowed]
    if not user.actions or wrong:
        raise ValueError(
            f"LateKeyUser {user.sid}: actions: {', '.join(wrong) or '(none)'}; allowed: {', '.join(allowed)}"
        )


def late_user_statements(account_id: str, region: str, users: Sequence[LateKeyUser]) -> list[dict[str, Any]]:
    """One statement per late user: its actions, for its role's exact ARN, in this account, through its services
    in this key's region (grants only for AWS resources)."""
    statements: list[dict[str, Any]] = []
    for user in users:
        validate_late_user(user)
        conditions: dict[str, Any] = {
            "StringEquals": {
                "kms:CallerAccount": account_id,
                "kms:ViaService": [f"{service}.{region}.amazonaws.com" for service in user.services],
            },
            "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{account_id}:role/{user.role_name}"},
        }
        if "kms:CreateGrant" in user.actions:
            conditions["Bool"] = {"kms:GrantIsForAWSResource": "true"}
        statements.append(
            {
                "Sid": f"LateUse{user.sid}",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": list(user.actions),
                "Resource": "*",
                "Condition": conditions,
            }
        )
    return statements


def service_grant_statement(sid: str, principals: Sequence[str], account_id: str, service: str) -> dict[str, Any]:
    """Lets `principals` create grants on the key only for AWS resources of `service` (`backup.<region>`,
    `lambda.<region>`, ...) in this account: the grant the service keeps for what it encrypts."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": list(principals)},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {
            "Bool": {"kms:GrantIsForAWSResource": "true"},
            "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": f"{service}.amazonaws.com"},
        },
    }


def key_admin_statements(admins: Sequence[str]) -> list[dict[str, Any]]:
    """Administration of a key by the key-admin roles, without use: every admin action, and `kms:PutKeyPolicy`
    allowed to them and denied to every other principal (any key policy of ours starts with these)."""
    return [
        {
            "Sid": "KeyAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": list(admins)},
            "Action": list(ADMIN_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "KeyPolicyChangeByKeyAdminOnly",
            "Effect": "Allow",
            "Principal": {"AWS": list(admins)},
            "Action": KEY_POLICY_ACTION,
            "Resource": "*",
        },
        {
            "Sid": "DenyKeyPolicyChangeExceptKeyAdmin",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": KEY_POLICY_ACTION,
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": list(admins)}},
        },
    ]


def key_policy(
    account_id: str,
    region: str,
    purpose: str,
    admin_role_arns: Sequence[str],
    user_role_arns: Sequence[str],
    late_users: Sequence[LateKeyUser] = (),
) -> str:
    """The key policy: administration for the key-admin roles, use for the named roles, nothing to `*`.

    The account root is granted neither `kms:*` nor use, and no statement delegates to IAM policies: access
    goes only to named roles. Only the key-admin roles may change the policy (`kms:PutKeyPolicy`); a deny
    for every other principal keeps it so even if a later statement grants more. Services that encrypt on
    our behalf (CloudTrail, CloudWatch Logs, EventBridge, AWS Backup) get use only under conditions binding
    them to this account. Roles declared after the key (`late_users` of this purpose) get their own actions by
    exact ARN, through their services only.
    """
    admins = list(admin_role_arns) or [f"arn:aws:iam::{account_id}:role/trustfabric-key-admin"]
    statements: list[dict[str, Any]] = key_admin_statements(admins)
    if user_role_arns:
        statements.append(
            {
                "Sid": "KeyUse",
                "Effect": "Allow",
                "Principal": {"AWS": list(user_role_arns)},
                "Action": list(USE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": account_id}},
            }
        )
    statements.extend(
        late_user_statements(account_id, region, [user for user in late_users if user.purpose == purpose])
    )
    if purpose == "logs":
        trails = f"arn:aws:cloudtrail:*:{account_id}:trail/*"
        statements.append(
            {
                "Sid": "CloudTrailEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": trails},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
                },
            }
        )
        statements.append(
            {
                # CloudTrail announces each delivered log file on an SNS topic encrypted with this key.
                "Sid": "CloudTrailPublishToEncryptedTopics",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": trails},
                },
            }
        )
        statements.append(
            {
                "Sid": "EventBridgePublishToEncryptedTopics",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
        statements.append(
            {
                # CloudWatch alarms notify the cells' on-call topics (components/oncall/cell_paging.py).
                "Sid": "CloudWatchAlarmsPublishToEncryptedTopics",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
        statements.append(
            {
                "Sid": "CloudWatchLogsUse",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": list(USE_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:*"}
                },
            }
        )
    if purpose == "secrets":
        # The rotation functions' roles come after the key (components.security.rotation): named by pattern.
        statements.extend(rotation_key_statements(account_id, region))
        if user_role_arns:
            # A function whose environment this key encrypts is created by a user role: Lambda keeps a grant for it.
            statements.append(
                service_grant_statement("LambdaEnvironmentGrants", user_role_arns, account_id, f"lambda.{region}")
            )
    if purpose == "data-confidential" and user_role_arns:
        # An ECR repository encrypted with this key (the load test's image, components/delivery/load_test.py) is
        # created by a user role; ECR keeps a grant on the key for the repository's layers.
        statements.append(service_grant_statement("EcrRepositoryGrants", user_role_arns, account_id, f"ecr.{region}"))
    if purpose == "backups":
        statements.append(
            {
                "Sid": "BackupServiceUse",
                "Effect": "Allow",
                "Principal": {"Service": "backup.amazonaws.com"},
                "Action": [*USE_ACTIONS, "kms:CreateGrant"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    return policy_document(statements)
