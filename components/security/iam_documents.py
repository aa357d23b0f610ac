"""The IAM baseline's roles as data and documents: which roles a cell has, whom each trusts, what each may do.

Pure functions and data (no Pulumi import); `components.security.iam_baseline` declares a role for each entry of
`ROLES` with these documents, under the permission boundary of `components.security.iam_boundary`.

- `ROLES`, `MANAGED_POLICIES`, `VAULT_VENDED_ROLES`: the role catalogue;
- `human_trust_policy`, `deploy_trust_policy`, `broker_trust_policy` (service roles use
  `components.trust.assume_role_policy`): whom a role trusts;
- `role_policy`: a role's own least-privilege statements beyond its managed policies (`INLINE_STATEMENTS`).

Usage::

    scope = CellScope(account_id="123456789012", stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2")
    document = role_policy("auditor", scope)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from components.documents import policy_document
from components.security.kms_policy import ADMIN_ACTIONS, KEY_POLICY_ACTION
from domain.naming import audit_bucket_prefix, boundary_arn, bucket_arn, cloudtrail_log_group_name, role_arn
from domain.residency import JURISDICTIONS

HUMAN_ROLES = ("deploy", "read-only", "auditor", "incident-responder", "break-glass", "key-admin")
SERVICE_ROLES = ("cloudtrail-logs", "config-recorder", "vault-broker")
ROLES = HUMAN_ROLES + SERVICE_ROLES
"""Every role a cell's baseline declares."""

VAULT_VENDED_ROLES = ("read-only", "auditor", "incident-responder")
"""Roles Vault's AWS secrets engine may vend (through vault-broker). Never break-glass, never deploy."""

MANAGED = "arn:aws:iam::aws:policy"
MANAGED_POLICIES: dict[str, tuple[str, ...]] = {
    "deploy": (f"{MANAGED}/PowerUserAccess",),
    "read-only": (f"{MANAGED}/ReadOnlyAccess",),
    "auditor": (f"{MANAGED}/ReadOnlyAccess", f"{MANAGED}/SecurityAudit"),
    "incident-responder": (f"{MANAGED}/ReadOnlyAccess", f"{MANAGED}/SecurityAudit"),
    "break-glass": (f"{MANAGED}/AdministratorAccess",),
    "key-admin": (),
    "cloudtrail-logs": (),
    "config-recorder": (f"{MANAGED}/service-role/AWS_ConfigRole",),
    "vault-broker": (),
}

SERVICE_PRINCIPALS = {"cloudtrail-logs": "cloudtrail.amazonaws.com", "config-recorder": "config.amazonaws.com"}
"""The AWS service each service role is assumed by (vault-broker is assumed by Vault, through web identity)."""

Statement = dict[str, Any]


@dataclass(frozen=True)
class CellScope:
    """What a cell's IAM documents are scoped to: the account, the stack and cell, and the cell's regions."""

    account_id: str
    stack: str
    """Stack name, part of every role name (prod and dr share one account)."""
    cell: str
    jurisdiction: str
    """Jurisdiction code: its allowed regions bound every regional grant."""
    region: str
    """The cell's own region."""

    @property
    def regions(self) -> tuple[str, ...]:
        return JURISDICTIONS[self.jurisdiction].allowed_regions

    @property
    def keys(self) -> list[str]:
        """Every KMS key of the account in the jurisdiction's regions."""
        return [f"arn:aws:kms:{region}:{self.account_id}:key/*" for region in self.regions]

    def role(self, role: str) -> str:
        """The ARN of one of the cell's roles (`"*"`: all of them)."""
        return role_arn(self.account_id, self.stack, self.cell, role)

    @property
    def boundary(self) -> str:
        return boundary_arn(self.account_id, self.stack, self.cell)

    @property
    def audit_buckets(self) -> str:
        """ARN prefix of the cell's audit and access-log buckets."""
        return bucket_arn(audit_bucket_prefix(self.stack, self.cell))


def human_trust_policy(account_id: str, trusted_account_id: str, broker_arn: str | None) -> str:
    """Human roles: principals of the trusted account with MFA, and (for vended roles) Vault's broker role."""
    statements: list[Statement] = [
        {
            "Sid": "MfaAuthenticatedPrincipals",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{trusted_account_id}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
            },
        }
    ]
    if broker_arn is not None:
        statements.append(
            {
                "Sid": "VaultBroker",
                "Effect": "Allow",
                "Principal": {"AWS": broker_arn},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id}},
            }
        )
    return policy_document(statements)


def deploy_trust_policy(trusted_account_id: str, tag_key: str) -> str:
    """The pipeline's role: principals of the trusted account tagged as deployers."""
    return policy_document(
        [
            {
                "Sid": "TaggedDeployers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{trusted_account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {f"aws:PrincipalTag/{tag_key}": "true"}},
            }
        ]
    )


def broker_trust_policy(account_id: str, provider_host: str | None, audience: str) -> str:
    """vault-broker: web identity from Vault's plugin identity tokens only; without a provider, nobody."""
    if provider_host is None:
        # A role must trust something; trusting only a service that never assumes it keeps it unusable.
        return policy_document(
            [
                {
                    "Sid": "UnusableUntilVaultIsFederated",
                    "Effect": "Deny",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "sts:AssumeRole",
                }
            ]
        )
    return policy_document(
        [
            {
                "Sid": "VaultPluginIdentity",
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{account_id}:oidc-provider/{provider_host}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{provider_host}:aud": audience}},
            }
        ]
    )


def _deploy(scope: CellScope) -> list[Statement]:
    """The pipeline creates and maintains the cell's roles, only under the boundary; passes only service roles."""
    return [
        {
            "Sid": "ManageCellRolesUnderBoundary",
            "Effect": "Allow",
            "Action": [
                "iam:CreateRole",
                "iam:PutRolePermissionsBoundary",
            ],
            "Resource": scope.role("*"),
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": scope.boundary}},
        },
        {
            "Sid": "MaintainCellRoles",
            "Effect": "Allow",
            "Action": [
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:DeleteRole",
            ],
            "Resource": scope.role("*"),
        },
        {
            "Sid": "PassOnlyCellServiceRoles",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": [scope.role(role) for role in SERVICE_ROLES],
        },
    ]


def _auditor(scope: CellScope) -> list[Statement]:
    """Read (and decrypt through S3) the cell's evidence buckets."""
    return [
        {
            "Sid": "ReadEvidenceBuckets",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
            "Resource": [f"{scope.audit_buckets}-*", f"{scope.audit_buckets}-*/*"],
        },
        {
            "Sid": "DecryptEvidence",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": scope.keys,
            "Condition": {"StringEquals": {"kms:ViaService": [f"s3.{r}.amazonaws.com" for r in scope.regions]}},
        },
    ]


def _incident_responder(scope: CellScope) -> list[Statement]:
    """The containment actions of runbooks/secret-leak.md, in the jurisdiction's regions only."""
    return [
        {
            "Sid": "Containment",
            "Effect": "Allow",
            "Action": [
                "ec2:CreateSnapshot",
                "ec2:ModifyInstanceAttribute",
                "ec2:CreateTags",
                "secretsmanager:RotateSecret",
                "secretsmanager:CancelRotateSecret",
                "guardduty:UpdateFindingsFeedback",
                "guardduty:ArchiveFindings",
                "securityhub:BatchUpdateFindings",
                "iam:PutRolePolicy",
            ],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": list(scope.regions)}},
        },
    ]


def _key_admin(scope: CellScope) -> list[Statement]:
    """Administer (never use) the keys in the jurisdiction's regions: what the key policies grant key-admin,
    the administration actions and the key policy change (named, never `kms:Put*`), no more."""
    return [
        {
            "Sid": "AdministerCellKeys",
            "Effect": "Allow",
            "Action": [*ADMIN_ACTIONS, KEY_POLICY_ACTION],
            "Resource": scope.keys,
        },
    ]


def _cloudtrail_logs(scope: CellScope) -> list[Statement]:
    """CloudTrail delivers into the cell's trail log group only."""
    return [
        {
            "Sid": "DeliverTrailToLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{scope.region}:{scope.account_id}:log-group:"
            f"{cloudtrail_log_group_name(scope.stack, scope.cell)}:*",
        }
    ]


def _config_recorder(scope: CellScope) -> list[Statement]:
    """AWS Config delivers into the cell's audit bucket, encrypted with the logs key."""
    return [
        {
            "Sid": "DeliverToAuditBucket",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetBucketAcl"],
            "Resource": [
                f"{scope.audit_buckets}-*",
                f"{scope.audit_buckets}-*/config/AWSLogs/{scope.account_id}/Config/*",
            ],
        },
        {
            "Sid": "EncryptWithLogsKey",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": scope.keys,
        },
    ]


def _vault_broker(scope: CellScope) -> list[Statement]:
    """Vault's broker assumes only the roles it may vend."""
    return [
        {
            "Sid": "AssumeVendedRoles",
            "Effect": "Allow",
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Resource": [scope.role(role) for role in VAULT_VENDED_ROLES],
        }
    ]


INLINE_STATEMENTS: dict[str, Callable[[CellScope], list[Statement]]] = {
    "deploy": _deploy,
    "auditor": _auditor,
    "incident-responder": _incident_responder,
    "key-admin": _key_admin,
    "cloudtrail-logs": _cloudtrail_logs,
    "config-recorder": _config_recorder,
    "vault-broker": _vault_broker,
}
"""Roles with statements of their own beyond their AWS managed policies (read-only and break-glass have none)."""


def role_policy(role: str, scope: CellScope) -> str:
    """The role's own least-privilege policy; KeyError for a role without one (not in INLINE_STATEMENTS)."""
    return policy_document(INLINE_STATEMENTS[role](scope))
