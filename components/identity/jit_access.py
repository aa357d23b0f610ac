"""Just-in-time access: the requests table and the state machine that grants an assignment and removes it.

Support (and break-glass) permission sets are never assigned in code. A person asks for one
(`trustfabric access request`), a second person approves (`trustfabric access approve`, refused when the
approver is the requester), and the approval starts one execution of this state machine: it adds the account
assignment for that person, records the grant, waits until the expiry and removes the assignment
(`components.identity.jit_definition`). The requests table is the audit trail: every request, approval, grant,
removal and revocation is an event on the request's item.

The table is encrypted with the cell's key, has point-in-time recovery and deletion protection, and (in the
primary footprint) a replica in the paired region, like the ledger table; it carries `backup-tier=tier0` so the
cell's backup plan covers it (the stack hands its ARN to the backup layer). The standby footprint (dr) declares the
same workflow on that replica (`declare_table=False`): DynamoDB owns the replica, so dr declares only the state
machine, its role and its log group in the paired region, and failover needs no new resource to grant access. The state machine logs every
execution (with its data) to a KMS-encrypted log group and traces with X-Ray; its role may create and delete
assignments only of the just-in-time permission sets, on this account, and update only this table.

Usage::

    jit = JitAccess(
        "identity-jit",
        JitAccessArgs(
            deployment="prod", jurisdiction="UK", region="eu-west-2",
            instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef",
            permission_set_arns=[center.permission_set_arns[("uk", "support")]],
            kms_key_arn=key_arns["data-confidential"], logs_kms_key_arn=key_arns["logs"],
            permissions_boundary_arn=boundary_arn,
            replica_region="eu-west-1", replica_kms_key_arn=replica_key_arn,
        ),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import STATES_DELIVERY_ACTIONS, policy_document
from components.identity.identity_center import INSTANCE_ARN
from components.identity.jit_definition import GRANT, REMOVE, grant_definition
from components.resilience.dynamodb import hardened_table
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_non_empty, require_range, require_region_in_jurisdiction
from domain.tags import BACKUP_TIER

TIER = "tier0"


def requests_table_name(deployment: str) -> str:
    """The requests table (one per prod/dr pair: dr reads the replica)."""
    return f"trustfabric-{deployment}-access-requests"


def state_machine_name(stack: str) -> str:
    return f"trustfabric-{stack}-access-grants"


def execution_role_name(deployment: str, region: str) -> str:
    """The state machine's execution role (the cell's data key admits it by this name)."""
    return f"{state_machine_name(deployment)}-{region}"


def state_machine_arn(account_id: str, region: str, stack: str) -> str:
    return f"arn:aws:states:{region}:{account_id}:stateMachine:{state_machine_name(stack)}"


def requests_table_arn(account_id: str, region: str, deployment: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account_id}:table/{requests_table_name(deployment)}"


@dataclass(frozen=True)
class JitAccessArgs:
    """Arguments of the just-in-time access workflow."""

    deployment: str
    """Name the prod/dr pair shares; part of the table and state machine names."""
    jurisdiction: str
    """Jurisdiction of the declaring cell."""
    region: str
    """The region of the table and state machine: Identity Center's home region (the state machine calls it)."""
    instance_arn: str
    """The Identity Center instance the grants are made in."""
    permission_set_arns: Sequence[pulumi.Input[str]]
    """The just-in-time permission sets: the only ones the state machine may assign."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key of the requests table."""
    logs_kms_key_arn: pulumi.Input[str]
    """Customer-managed key of the execution log group."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's boundary, on the state machine's role."""
    replica_region: str | None = None
    """The table's replica region (the paired region); None: a single-region table."""
    replica_kms_key_arn: pulumi.Input[str] | None = None
    """The key's replica in `replica_region`; required with it."""
    log_retention_days: int = 400
    """Retention of the execution logs, 365..3653."""
    declare_table: bool = True
    """False (the standby footprint): the table in `region` is the replica DynamoDB keeps of the primary's table;
    the workflow is declared on it (by its deterministic ARN) and no table is declared here."""


def validate_args(args: JitAccessArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("JitAccess", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("JitAccess", "region", args.region, args.jurisdiction)
    if not INSTANCE_ARN.fullmatch(args.instance_arn):
        raise ValueError(
            f"JitAccess: instance_arn: {args.instance_arn!r} is not an Identity Center instance ARN; "
            "allowed: arn:aws:sso:::instance/ssoins-<16 hex digits>"
        )
    require_non_empty("JitAccess", "permission_set_arns", args.permission_set_arns)
    require_range("JitAccess", "log_retention_days", args.log_retention_days, 365, 3653)
    if args.replica_region is not None:
        require_region_in_jurisdiction("JitAccess", "replica_region", args.replica_region, args.jurisdiction)
        if args.replica_region == args.region:
            raise ValueError(f"JitAccess: replica_region: {args.replica_region!r} is the table's own region")
        if args.replica_kms_key_arn is None:
            raise ValueError("JitAccess: replica_kms_key_arn: required with replica_region")
        if not args.declare_table:
            raise ValueError(
                "JitAccess: replica_region: the replica of a replica is not allowed; "
                "allowed: None when declare_table is False"
            )


def role_policy(
    account_id: str, instance_arn: str, permission_sets: Sequence[str], table_arn: str, key_arn: str
) -> str:
    """What the state machine's role may do: assign only the just-in-time sets, write only the table."""
    return policy_document(
        [
            {
                "Sid": "GrantAndRemove",
                "Effect": "Allow",
                "Action": ["sso:CreateAccountAssignment", "sso:DeleteAccountAssignment"],
                "Resource": [instance_arn, *permission_sets, f"arn:aws:sso:::account/{account_id}"],
            },
            {
                "Sid": "AssignmentStatus",
                "Effect": "Allow",
                "Action": [
                    "sso:DescribeAccountAssignmentCreationStatus",
                    "sso:DescribeAccountAssignmentDeletionStatus",
                ],
                "Resource": [instance_arn],
            },
            {
                "Sid": "ProvisionTheRoleInTheAccount",
                "Effect": "Allow",
                "Action": [
                    "iam:GetRole",
                    "iam:CreateRole",
                    "iam:PutRolePolicy",
                    "iam:AttachRolePolicy",
                    "iam:PutRolePermissionsBoundary",
                    "iam:DeleteRole",
                    "iam:DeleteRolePolicy",
                    "iam:DetachRolePolicy",
                    "iam:ListRolePolicies",
                    "iam:ListAttachedRolePolicies",
                ],
                "Resource": [f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/*"],
            },
            {
                "Sid": "RecordEvents",
                "Effect": "Allow",
                "Action": ["dynamodb:UpdateItem"],
                "Resource": [table_arn],
            },
            {
                "Sid": "TableKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [key_arn],
                "Condition": {"StringLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}},
            },
            {
                "Sid": "ExecutionLogs",
                "Effect": "Allow",
                "Action": list(STATES_DELIVERY_ACTIONS),
                "Resource": "*",
            },
        ]
    )


class JitAccess(pulumi.ComponentResource):
    """Requests table (CMK, PITR, replica) and the grant state machine (logged, traced, least privilege)."""

    table_arn: pulumi.Output[str]
    state_machine_arn: pulumi.Output[str]

    def __init__(self, name: str, args: JitAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:identity:JitAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        table_arn: pulumi.Output[str]
        table_name = requests_table_name(args.deployment)
        if args.declare_table:
            table_arn = self._table(name, args, child).arn
        else:  # the primary's replica: DynamoDB declares it, its ARN is deterministic
            table_arn = account_id.apply(lambda account: requests_table_arn(account, args.region, args.deployment))
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/vendedlogs/states/{state_machine_name(args.deployment)}",
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.log_retention_days,
            region=args.region,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=execution_role_name(args.deployment, args.region),
            description="trustfabric just-in-time grants: Step Functions execution role",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("states.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            max_session_duration=3600,
            force_detach_policies=True,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-role-policy",
            role=role.name,
            policy=pulumi.Output.all(
                account_id, table_arn, args.kms_key_arn, pulumi.Output.all(*args.permission_set_arns)
            ).apply(lambda values: role_policy(values[0], args.instance_arn, list(values[3]), values[1], values[2])),
            opts=child,
        )
        machine = aws.sfn.StateMachine(
            f"{name}-grants",
            name=state_machine_name(args.deployment),
            type="STANDARD",
            role_arn=role.arn,
            definition=json.dumps(
                grant_definition(table_name=table_name, instance_arn=args.instance_arn), sort_keys=True
            ),
            logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                level="ALL",
                include_execution_data=True,
                log_destination=log_group.arn.apply(lambda arn: f"{arn}:*"),
            ),
            tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
            region=args.region,
            opts=child,
        )
        self.table_arn = table_arn
        self.state_machine_arn = machine.arn
        self.register_outputs({"table_arn": self.table_arn, "state_machine_arn": self.state_machine_arn})

    @staticmethod
    def _table(name: str, args: JitAccessArgs, child: pulumi.ResourceOptions) -> aws.dynamodb.Table:
        """The requests table (CMK, PITR, deletion protection, stream) with its replica in the paired region."""
        return hardened_table(
            f"{name}-requests",
            table_name=requests_table_name(args.deployment),
            hash_key="request_id",
            kms_key_arn=args.kms_key_arn,
            replica_region=args.replica_region,
            replica_kms_key_arn=args.replica_kms_key_arn,
            region=args.region,
            tags={BACKUP_TIER: TIER},
            opts=child,
        )


__all__ = ["GRANT", "REMOVE", "JitAccess", "JitAccessArgs", "requests_table_arn", "state_machine_arn"]
