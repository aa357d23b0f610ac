"""Erasure workflow: the Step Functions state machine that carries out a cell's right-to-be-forgotten requests.

`trustfabric privacy erase` locates a data subject's records and decides each one (read-only), then starts one
execution of this state machine with the plan; the execution erases, pseudonymises and holds through direct
service integrations (`components.governance.erasure_definition`) and records the request in the erasure ledger.
So the people who run erasures need no delete rights on the records: only this role has them, and only on its
cell's data.

- the role may delete, hold and tag objects under `subjects/` of the cell's records bucket in this region, update
  items of the cell's ledger events table and write the cell's erasure ledger (both in this region), use the
  cell's data key only through DynamoDB and Step Functions in this region, and deliver logs and traces;
- the state machine (STANDARD) encrypts its executions with the cell's data key, logs every event (level ALL)
  without execution data (inputs and outputs name a subject's records: personal data stays out of the logs) to a
  log group under the logs key, and traces with X-Ray.

Policy `aws-sfn-erasure-workflow-guarded` holds every erasure state machine (tag `workflow: erasure`) to the
encryption, logging and tracing above; the role's reach is proved by tests/components/governance/
test_erasure_workflow.py.

Usage::

    workflow = ErasureWorkflow(
        "uk-erasure",
        ErasureWorkflowArgs(deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                            kms_key_arn=data_key, logs_kms_key_arn=logs_key, permissions_boundary_arn=boundary),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import STATES_DELIVERY_ACTIONS, policy_document
from components.governance.erasure_definition import erasure_definition
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import (
    erasure_ledger_table_arn,
    erasure_ledger_table_name,
    erasure_role_name,
    erasure_state_machine_name,
    ledger_table_arn,
    ledger_table_name,
    records_bucket_name,
)

WORKFLOW_TAG = "workflow"
WORKFLOW = "erasure"
"""The tag (`workflow: erasure`) by which the policies know an erasure state machine."""
SUBJECT_OBJECTS = "subjects/*"
"""Where the application keeps a data subject's objects in the records bucket (`trustfabric/privacy/stores.py`)."""


@dataclass(frozen=True)
class ErasureWorkflowArgs:
    """Arguments of a cell's erasure workflow in one region."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr): the stores' names are built from it."""
    cell: str
    jurisdiction: str
    region: str
    """Region of the state machine and of the stores it acts on (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region`: the tables' key, and the executions' encryption key."""
    logs_kms_key_arn: pulumi.Input[str]
    """Customer-managed key of the execution log group."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's boundary, on the role."""
    log_retention_days: int = 400
    """Retention of the execution logs, 365..3653."""


def validate_args(args: ErasureWorkflowArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ErasureWorkflow", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ErasureWorkflow", "region", args.region, args.jurisdiction)
    require_range("ErasureWorkflow", "log_retention_days", args.log_retention_days, 365, 3653)


def role_policy(account_id: str, args: ErasureWorkflowArgs, key_arn: str) -> str:
    """What the role may do: act on the cell's records in this region, write its ledger, nothing else."""
    bucket = records_bucket_name(args.deployment, args.cell, args.region, account_id)
    return policy_document(
        [
            {
                "Sid": "EraseAndHoldRecords",
                "Effect": "Allow",
                "Action": [
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    "s3:PutObjectLegalHold",
                    "s3:PutObjectTagging",
                ],
                "Resource": [f"arn:aws:s3:::{bucket}/{SUBJECT_OBJECTS}"],
            },
            {
                "Sid": "PseudonymiseAndHoldEvents",
                "Effect": "Allow",
                "Action": ["dynamodb:UpdateItem"],
                "Resource": [ledger_table_arn(account_id, args.deployment, args.cell, args.region)],
            },
            {
                "Sid": "RecordInErasureLedger",
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
                "Resource": [erasure_ledger_table_arn(account_id, args.deployment, args.cell, args.region)],
            },
            {
                "Sid": "DataKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [key_arn],
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": [
                            f"dynamodb.{args.region}.amazonaws.com",
                            f"states.{args.region}.amazonaws.com",
                        ]
                    }
                },
            },
            {
                "Sid": "ExecutionLogsAndTraces",
                "Effect": "Allow",
                "Action": list(STATES_DELIVERY_ACTIONS),
                "Resource": "*",
            },
        ]
    )


class ErasureWorkflow(pulumi.ComponentResource):
    """The erasure state machine (encrypted, logged without data, traced) and its least-privilege role."""

    state_machine_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ErasureWorkflowArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:governance:ErasureWorkflow", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        machine_name = erasure_state_machine_name(args.deployment, args.cell)

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/vendedlogs/states/{machine_name}",
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=erasure_role_name(args.deployment, args.cell, args.region),
            description="trustfabric erasure workflow: Step Functions execution role",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("states.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            max_session_duration=3600,
            force_detach_policies=True,
            opts=child,
        )
        role_policy_resource = aws.iam.RolePolicy(
            f"{name}-role-policy",
            role=role.name,
            policy=pulumi.Output.all(account_id, args.kms_key_arn).apply(
                lambda values: role_policy(values[0], args, values[1])
            ),
            opts=child,
        )
        definition = account_id.apply(
            lambda account: json.dumps(
                erasure_definition(
                    bucket=records_bucket_name(args.deployment, args.cell, args.region, account),
                    events_table=ledger_table_name(args.deployment, args.cell),
                    ledger_table=erasure_ledger_table_name(args.deployment, args.cell),
                ),
                sort_keys=True,
            )
        )
        machine = aws.sfn.StateMachine(
            f"{name}-machine",
            name=machine_name,
            type="STANDARD",
            role_arn=role.arn,
            definition=definition,
            encryption_configuration=aws.sfn.StateMachineEncryptionConfigurationArgs(
                type="CUSTOMER_MANAGED_KMS_KEY", kms_key_id=args.kms_key_arn, kms_data_key_reuse_period_seconds=300
            ),
            logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                level="ALL",
                include_execution_data=False,
                log_destination=log_group.arn.apply(lambda arn: f"{arn}:*"),
            ),
            tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
            tags={WORKFLOW_TAG: WORKFLOW},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy_resource]),
        )
        self.state_machine_arn = machine.arn
        self.role_arn = role.arn
        self.register_outputs({"state_machine_arn": self.state_machine_arn, "role_arn": self.role_arn})
