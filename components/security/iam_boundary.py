"""The permission boundary of a cell's roles: what no role of the cell can do, whatever its own policies say.

Pure functions and data (no Pulumi import); `components.security.iam_baseline` declares the boundary as a
managed policy and attaches it to every role (and the stacks pass it to every role other components declare).
The boundary allows only the services the platform uses, keeps every regional call inside the jurisdiction's
regions, and denies what would undo the controls: users and access keys, loosening or removing the boundary,
stopping the audit trail, disabling detectors, key deletion and key policy changes by anyone but key-admin.

Usage::

    scope = CellScope(account_id="123456789012", stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2")
    document = boundary_policy(scope, extra_services=("bedrock",))
"""

from __future__ import annotations

from collections.abc import Sequence

from components.documents import policy_document
from components.security.iam_documents import CellScope
from components.security.kms_policy import KEY_POLICY_ACTION

BOUNDARY_IAM_ACTIONS = (
    "iam:Get*",
    "iam:List*",
    "iam:GenerateServiceLastAccessedDetails",
    "iam:SimulatePrincipalPolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:UpdateAssumeRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
    "iam:CreateServiceLinkedRole",
    "iam:UpdateAccountPasswordPolicy",
)
"""IAM actions the boundary allows (role and policy management, never users, keys or PassRole to `*`)."""

BOUNDARY_SERVICES = (
    "access-analyzer",
    "acm",
    "application-autoscaling",
    "autoscaling",
    "backup",
    "cloudformation",
    "cloudtrail",
    "cloudwatch",
    "config",
    "dynamodb",
    "ec2",
    "ecr",
    "eks",
    "elasticache",
    "elasticloadbalancing",
    "es",
    "events",
    "guardduty",
    "health",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "route53-recovery-control-config",
    "route53-recovery-cluster",
    "s3",
    "secretsmanager",
    "securityhub",
    "sns",
    "sqs",
    "ssm",
    "sso",
    "sts",
    "support",
    "tag",
)
"""Services the boundary lets any role use at all; everything else is out of reach whatever a role's policies say."""

# Global services whose API endpoints live outside the cell's regions; excluded from the region guard.
GLOBAL_SERVICE_ACTIONS = (
    "iam:*",
    "sts:*",
    "organizations:*",
    "route53:*",
    "cloudfront:*",
    "support:*",
    "health:*",
    "sso:*",
    "access-analyzer:*",
)


def boundary_policy(scope: CellScope, extra_services: Sequence[str] = ()) -> str:
    """The permission boundary every role carries.

    It allows only the services the platform uses, keeps every regional call inside the jurisdiction's regions,
    and denies what would undo the controls: creating users or access keys, loosening or removing the
    boundary, stopping the audit trail, disabling detectors, scheduling key deletion (key-admin only).
    """
    # IAM is granted by named actions below, never `iam:*`: that would pass any role to any service.
    services = sorted({*BOUNDARY_SERVICES, *extra_services} - {"iam"})
    return policy_document(
        [
            {
                "Sid": "AllowPlatformServices",
                "Effect": "Allow",
                "Action": [f"{service}:*" for service in services],
                "Resource": "*",
            },
            {
                "Sid": "AllowIamRoleAndPolicyManagement",
                "Effect": "Allow",
                "Action": list(BOUNDARY_IAM_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "AllowPassProjectRolesOnly",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": scope.role("*"),
            },
            {
                "Sid": "DenyOutsideJurisdictionRegions",
                "Effect": "Deny",
                "NotAction": list(GLOBAL_SERVICE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(scope.regions)}},
            },
            {
                "Sid": "DenyLongLivedCredentials",
                "Effect": "Deny",
                "Action": [
                    "iam:CreateUser",
                    "iam:CreateAccessKey",
                    "iam:CreateLoginProfile",
                    "iam:UpdateLoginProfile",
                    "iam:CreateServiceSpecificCredential",
                ],
                "Resource": "*",
            },
            {
                "Sid": "DenyBoundaryChanges",
                "Effect": "Deny",
                "Action": [
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicy",
                    "iam:DeletePolicyVersion",
                    "iam:SetDefaultPolicyVersion",
                ],
                "Resource": scope.boundary,
            },
            {
                "Sid": "DenyRoleWithoutBoundary",
                "Effect": "Deny",
                "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": scope.boundary}},
            },
            {
                "Sid": "DenyBoundaryRemoval",
                "Effect": "Deny",
                "Action": "iam:DeleteRolePermissionsBoundary",
                "Resource": "*",
            },
            {
                "Sid": "DenyAuditTampering",
                "Effect": "Deny",
                "Action": [
                    "cloudtrail:StopLogging",
                    "cloudtrail:DeleteTrail",
                    "config:StopConfigurationRecorder",
                    "config:DeleteConfigurationRecorder",
                    "config:DeleteDeliveryChannel",
                    "guardduty:DeleteDetector",
                    "guardduty:DisassociateFromMasterAccount",
                    "securityhub:DisableSecurityHub",
                    "s3:BypassGovernanceRetention",
                ],
                "Resource": "*",
            },
            {
                # Declaring the trail and the locked buckets needs these; only the deploy role (the reviewed
                # pipeline) may call them.
                "Sid": "DenyAuditReconfigurationExceptDeploy",
                "Effect": "Deny",
                "Action": ["cloudtrail:PutEventSelectors", "s3:PutBucketObjectLockConfiguration"],
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": scope.role("deploy")}},
            },
            {
                "Sid": "DenyKeyDeletionExceptKeyAdmin",
                "Effect": "Deny",
                "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey", KEY_POLICY_ACTION],
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": scope.role("key-admin")}},
            },
        ]
    )
