"""Model registry of a cell: a SageMaker model package group per model family, reachable only from the cell's
roles, and the approval gate every version passes before the deploy pipeline may pick it up.

Declares, in the cell's region:

- one `aws.sagemaker.ModelPackageGroup` per model family, `trustfabric-<stack>-<cell>-<model>`, tagged with the
  family's owner, tier and GA status, with a resource policy (`group_policy`) that lets only the cell's roles
  (named) register, describe and approve versions, and denies every principal outside the cell's roles;
- the `model-approver` role: people of the account with MFA, allowed to change the approval status of the cell's
  versions and nothing else;
- the approval gate: an EventBridge rule on "SageMaker Model Package State Change" for the cell's groups starts a
  Step Functions state machine (`components/modelops/definitions/approval_gate.asl.json`) that checks who
  approved and the evaluation record against the family's thresholds, rejects what fails, marks what passes
  (`gate=passed`, what the deploy pipeline selects on) and publishes every decision as an event. Its execution
  history goes to a log group encrypted with the cell's logs key (the audit trail of approvals and rejections);
  its own data is encrypted with the cell's data key.

New versions are registered `PendingManualApproval` (the deploy role and the retraining pipeline never set
another status; only the approver does).

Usage::

    registry = ModelRegistry(
        "uk-models",
        ModelRegistryArgs(
            stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            models=(RegisteredModel("tax-computation", owner="ml-tax", tier="critical", ga=True,
                                    evaluation={"accuracy": 0.99}),),
            data_key_arn=key_arns["data-restricted"], logs_key_arn=key_arns["logs"],
            lineage_bucket_name=stores.bucket_names["lineage"], lineage_bucket_arn=stores.bucket_arns["lineage"],
            cell_roles=("deploy",), role_dependencies=(iam_baseline,),
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.modelops.definitions import approval_gate_definition
from components.modelops.documents import start_execution_policy
from components.security.iam_documents import human_trust_policy
from components.trust import assume_role_policy
from components.validation import require_choice, require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import cell_prefix, role_arn, role_name
from domain.tags import MODEL, MODEL_GA, OWNER

MODEL_TIERS = ("critical", "high", "standard")
"""How closely a family is watched (the settings' `models[].tier`)."""
EVALUATION_METRICS = ("accuracy", "precision", "recall", "f1")
"""Metrics the gate compares with a family's minimums."""
APPROVER = "model-approver"
"""The cell's role whose approvals the gate accepts."""
GATE = "model-approval-gate"
"""The gate's own role (it rejects and marks versions)."""
GROUP_ACTIONS = (
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
    "sagemaker:CreateModelPackage",
    "sagemaker:UpdateModelPackage",
)
"""What the cell's roles may do on a group (IAM grants each role its own subset)."""


@dataclass(frozen=True)
class RegisteredModel:
    """One model family of the cell."""

    name: str
    """Family name, e.g. `tax-computation` (3-40 lowercase letters, digits or '-')."""
    owner: str
    """The team accountable for it (its `owner` tag)."""
    tier: str = "standard"
    """critical, high or standard."""
    ga: bool = False
    """Generally available: served to customers, held to the full monitoring footprint."""
    evaluation: Mapping[str, float] = field(default_factory=dict)
    """Metric -> minimum a version must reach to pass the gate; a family without any never passes."""


@dataclass(frozen=True)
class ModelRegistryArgs:
    """Arguments of a cell's model registry."""

    stack: str
    """Stack name: part of the group and role names (prod and dr register separately, per region)."""
    cell: str
    jurisdiction: str
    region: str
    models: Sequence[RegisteredModel]
    """The families the cell serves; one group each."""
    data_key_arn: pulumi.Input[str]
    """Encrypts the gate's execution data (the cell's data key)."""
    logs_key_arn: pulumi.Input[str]
    """Encrypts the gate's audit log group (the cell's logs key)."""
    lineage_bucket_name: pulumi.Input[str]
    """Where the evaluation records the gate reads live (`evaluations/<group>/<version>/metrics.json`)."""
    lineage_bucket_arn: pulumi.Input[str]
    cell_roles: Sequence[str] = ()
    """Further roles of the cell allowed on the groups, by their name within the cell (`deploy`,
    `model-execution`: `trustfabric-<stack>-<cell>-<role>`); the approver and the gate's own role are always
    allowed. Named, not passed as ARNs, so the policy is known during preview."""
    role_dependencies: Sequence[pulumi.Resource] = ()
    """What declares those roles: the groups' policies wait for it (IAM refuses a principal that does not exist)."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Boundary of every role the registry creates (the cell's)."""
    log_retention_days: int = 400
    """Days the gate's audit log group keeps decisions: 365..3653."""


def validate_args(args: ModelRegistryArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ModelRegistry", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ModelRegistry", "region", args.region, args.jurisdiction)
    if not args.models:
        raise ValueError("ModelRegistry: models: must not be empty; allowed: one RegisteredModel per family")
    names = [model.name for model in args.models]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"ModelRegistry: models: {', '.join(duplicates)} listed twice; allowed: each family once")
    for index, model in enumerate(args.models):
        require_choice("ModelRegistry", f"models[{index}].tier", model.tier, MODEL_TIERS)
        for metric, minimum in model.evaluation.items():
            require_choice("ModelRegistry", f"models[{index}].evaluation", metric, EVALUATION_METRICS)
            if not 0 <= minimum <= 1:
                raise ValueError(
                    f"ModelRegistry: models[{index}].evaluation.{metric}: {minimum!r} is out of range; allowed: 0..1"
                )
        if model.ga and not model.evaluation:
            raise ValueError(
                f"ModelRegistry: models[{index}].evaluation: a GA model needs thresholds; "
                f"allowed: {', '.join(EVALUATION_METRICS)} (each 0..1)"
            )
    require_range("ModelRegistry", "log_retention_days", args.log_retention_days, 365, 3653)


def group_name(stack: str, cell: str, model: str) -> str:
    """The model package group of a family in a cell, e.g. `trustfabric-prod-uk-tax-computation`."""
    return f"{cell_prefix(stack, cell)}-{model}"


def cell_role_pattern(account_id: str, stack: str, cell: str) -> str:
    """Every role of the cell: the only principals a group's policy lets in."""
    return role_arn(account_id, stack, cell, "*")


def group_resource_arns(region: str, account_id: str, group: str) -> tuple[str, str]:
    """The ARNs of a group and of every version in it."""
    prefix = f"arn:aws:sagemaker:{region}:{account_id}"
    return f"{prefix}:model-package-group/{group}", f"{prefix}:model-package/{group}/*"


def group_policy(region: str, account_id: str, stack: str, cell: str, group: str, principal_arns: Sequence[str]) -> str:
    """The group's resource policy: the named roles of the cell may work with its versions; any principal
    that is not a role of the cell (another cell's, another account's) is denied everything."""
    group_arn, package_arn = group_resource_arns(region, account_id, group)
    return policy_document(
        [
            {
                "Sid": "CellRoles",
                "Effect": "Allow",
                "Principal": {"AWS": sorted(set(principal_arns))},
                "Action": list(GROUP_ACTIONS),
                "Resource": [group_arn, package_arn],
            },
            {
                "Sid": "DenyOutsideCell",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sagemaker:*",
                "Resource": [group_arn, package_arn],
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": cell_role_pattern(account_id, stack, cell)}},
            },
        ]
    )


def approver_policy(region: str, account_id: str, stack: str, cell: str) -> str:
    """The approver may read the cell's groups and set a version's approval status, nothing else."""
    prefix = f"arn:aws:sagemaker:{region}:{account_id}"
    groups = f"{prefix}:model-package-group/{group_name(stack, cell, '*')}"
    packages = f"{prefix}:model-package/{group_name(stack, cell, '*')}/*"
    return policy_document(
        [
            {
                "Sid": "ReviewVersions",
                "Effect": "Allow",
                "Action": [
                    "sagemaker:DescribeModelPackageGroup",
                    "sagemaker:DescribeModelPackage",
                    "sagemaker:ListModelPackages",
                ],
                "Resource": [groups, packages],
            },
            {
                "Sid": "DecideApproval",
                "Effect": "Allow",
                "Action": "sagemaker:UpdateModelPackage",
                "Resource": packages,
            },
        ]
    )


def gate_policy(region: str, account_id: str, stack: str, cell: str, lineage_bucket_arn: str, data_key: str) -> str:
    """The gate's role: read versions and their evaluation records, set status and gate mark, publish, log."""
    prefix = f"arn:aws:sagemaker:{region}:{account_id}"
    packages = f"{prefix}:model-package/{group_name(stack, cell, '*')}/*"
    return policy_document(
        [
            {
                "Sid": "DecideVersions",
                "Effect": "Allow",
                "Action": ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"],
                "Resource": packages,
            },
            {
                "Sid": "ReadEvaluations",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"{lineage_bucket_arn}/evaluations/*",
            },
            {"Sid": "DecryptEvaluations", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": data_key},
            {
                "Sid": "EncryptExecutionData",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": data_key,
            },
            {
                "Sid": "PublishDecisions",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": f"arn:aws:events:{region}:{account_id}:event-bus/default",
            },
            {
                # Log delivery for Step Functions is configured through these account-level actions.
                "Sid": "DeliverExecutionLogs",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogDelivery",
                    "logs:GetLogDelivery",
                    "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups",
                ],
                "Resource": "*",
            },
        ]
    )


def state_change_pattern(groups: Sequence[str]) -> str:
    """Approval-status changes of the cell's groups."""
    return json.dumps(
        {
            "source": ["aws.sagemaker"],
            "detail-type": ["SageMaker Model Package State Change"],
            "detail": {"ModelPackageGroupName": sorted(groups)},
        },
        sort_keys=True,
    )


def _policy_of(args: ModelRegistryArgs, group: str, account_id: str) -> str:
    roles = (APPROVER, GATE, *args.cell_roles)
    principals = [role_arn(account_id, args.stack, args.cell, role) for role in roles]
    return group_policy(args.region, account_id, args.stack, args.cell, group, principals)


class ModelRegistry(pulumi.ComponentResource):
    """Model package groups of a cell and the approval gate in front of them."""

    group_names: dict[str, str]
    """Family -> model package group name."""
    group_arns: dict[str, pulumi.Output[str]]
    approver_role_arn: pulumi.Output[str]
    gate_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ModelRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:modelops:ModelRegistry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        approver = aws.iam.Role(
            f"{name}-approver",
            name=role_name(args.stack, args.cell, APPROVER),
            description=f"Approves {args.jurisdiction} model versions (the approval gate accepts only this role)",
            assume_role_policy=account_id.apply(lambda account: human_trust_policy(account, account, None)),
            max_session_duration=3600,
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-approver-policy",
            role=approver.id,
            policy=account_id.apply(lambda account: approver_policy(args.region, account, args.stack, args.cell)),
            opts=child,
        )

        gate_role = aws.iam.Role(
            f"{name}-gate-role",
            name=role_name(args.stack, args.cell, GATE),
            description=f"The {args.jurisdiction} model approval gate (Step Functions)",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("states.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-gate-role-policy",
            role=gate_role.id,
            policy=pulumi.Output.all(account_id, args.lineage_bucket_arn, args.data_key_arn).apply(
                lambda values: gate_policy(args.region, values[0], args.stack, args.cell, values[1], values[2])
            ),
            opts=child,
        )

        self.group_names = {}
        self.group_arns = {}
        for model in args.models:
            group = group_name(args.stack, args.cell, model.name)
            package_group = aws.sagemaker.ModelPackageGroup(
                f"{name}-{model.name}",
                model_package_group_name=group,
                model_package_group_description=(
                    f"{model.name} ({args.jurisdiction}, {model.tier}{', GA' if model.ga else ''}); "
                    "versions registered PendingManualApproval, promoted only through the approval gate"
                ),
                tags={
                    OWNER: model.owner,
                    MODEL: model.name,
                    "model-tier": model.tier,
                    MODEL_GA: str(model.ga).lower(),
                },
                opts=child,
            )
            aws.sagemaker.ModelPackageGroupPolicy(
                f"{name}-{model.name}-policy",
                model_package_group_name=package_group.model_package_group_name,
                resource_policy=account_id.apply(partial(_policy_of, args, group)),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[approver, gate_role, *args.role_dependencies]),
            )
            self.group_names[model.name] = group
            self.group_arns[model.name] = package_group.arn

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-gate-logs",
            name=f"/aws/vendedlogs/states/trustfabric/{args.stack}/{args.cell}/model-approval-gate",
            kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        thresholds = {self.group_names[model.name]: dict(model.evaluation) for model in args.models if model.evaluation}
        approver_pattern = account_id.apply(
            lambda account: f"arn:aws:sts::{account}:assumed-role/{role_name(args.stack, args.cell, APPROVER)}/*"
        )
        gate = aws.sfn.StateMachine(
            f"{name}-gate",
            name=role_name(args.stack, args.cell, "model-approval-gate"),
            role_arn=gate_role.arn,
            definition=pulumi.Output.all(approver_pattern, args.lineage_bucket_name).apply(
                lambda values: approval_gate_definition(
                    approver_session_pattern=values[0], lineage_bucket=values[1], thresholds=thresholds
                )
            ),
            logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                level="ALL",
                include_execution_data=True,
                log_destination=log_group.arn.apply(lambda arn: f"{arn}:*"),
            ),
            encryption_configuration=aws.sfn.StateMachineEncryptionConfigurationArgs(
                type="CUSTOMER_MANAGED_KMS_KEY", kms_key_id=args.data_key_arn, kms_data_key_reuse_period_seconds=300
            ),
            tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
            opts=child,
        )

        events_role = aws.iam.Role(
            f"{name}-gate-events-role",
            name=role_name(args.stack, args.cell, "model-approval-events"),
            description=f"EventBridge starts the {args.jurisdiction} model approval gate",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("events.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-gate-events-role-policy",
            role=events_role.id,
            policy=gate.arn.apply(lambda arn: start_execution_policy([arn])),
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-approval-changes",
            name=role_name(args.stack, args.cell, "model-approval-changes"),
            description=f"Approval-status changes of the {args.jurisdiction} model package groups",
            event_pattern=state_change_pattern(list(self.group_names.values())),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-approval-changes-gate",
            rule=rule.name,
            arn=gate.arn,
            role_arn=events_role.arn,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=86400, maximum_retry_attempts=185
            ),
            opts=child,
        )

        self.approver_role_arn = approver.arn
        self.gate_arn = gate.arn
        self.register_outputs(
            {"group_arns": self.group_arns, "approver_role_arn": self.approver_role_arn, "gate_arn": self.gate_arn}
        )
