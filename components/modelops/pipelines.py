"""ModelOps pipelines of a cell: the nightly evaluation, retraining on drift, and the on-call path of their alarms.

Declares, in the cell's region:

- the SageMaker execution role of the cell's jobs, models and monitors (`documents.execution_policy`) and the
  security group they run in: no ingress, egress only HTTPS inside the cell's VPC (its interface endpoints);
- the evaluation state machine (`definitions/evaluation.asl.json`): every model family of the cell evaluated
  against the jurisdiction's golden dataset (`s3://<lineage>/golden/<jurisdiction>/`) in network-isolated,
  KMS-encrypted processing jobs in the VPC; results in the lineage store (`evaluations/<model>/nightly/<date>/`)
  and as metrics in `TrustFabric/ModelOps`;
- its nightly schedule (EventBridge Scheduler, encrypted with the cell's data key, retrying for a day, with a
  CMK-encrypted dead-letter queue whose depth alarms);
- the retraining state machine (`definitions/retraining.asl.json`): started by a drift alarm (`ModelServing`
  declares the rule), it trains in an isolated job and registers the result `PendingManualApproval`: a retrained
  version passes the approval gate like any other, it is never promoted automatically;
- the cell's model alert topic (CMK-encrypted SNS): every ModelOps alarm notifies it, and the on-call
  integration subscribes to it (runbooks/model-drift-alert.md).

Both state machines log every execution (with its data) to log groups encrypted with the cell's logs key, and
encrypt their own data with the cell's data key. Images come from the cell's own ECR repositories
(`trustfabric/<purpose>`), mirrored there so jobs never pull across a jurisdiction's border.

Usage::

    pipelines = ModelPipelines(
        "uk-model-pipelines",
        ModelPipelinesArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                           models=("tax-computation",), data_key_arn=..., logs_key_arn=...,
                           artefact_bucket_name=..., lineage_bucket_name=..., bucket_arns=[...],
                           vpc_id=network.vpc_id, subnet_ids=network.subnet_ids, vpc_cidr="10.0.0.0/16"),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.modelops.definitions import pipeline_definition
from components.modelops.documents import (
    PipelineScope,
    execution_policy,
    pipeline_policy,
    scheduler_policy,
    start_execution_policy,
)
from components.observability.queue_alarms import dead_letter_depth_alarm
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import role_name

IMAGE_TAG = "2026.11"
"""The pinned release of the cell's ModelOps images (evaluation, training, serving, monitor analyzer)."""
EXECUTION_ROLE = "model-execution"
"""The execution role's name within the cell (`trustfabric-<stack>-<cell>-model-execution`)."""
EVALUATION_SCHEDULE = "cron(0 2 * * ? *)"
"""Nightly, 02:00 in the cell's time zone."""
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
"""The maximum SQS keeps a message: time to investigate an undelivered invocation."""


def image_uri(account_id: str, region: str, purpose: str) -> str:
    """The cell's mirrored image for a purpose, e.g. `...dkr.ecr.eu-west-2.amazonaws.com/trustfabric/evaluation:2026.11`."""
    return f"{account_id}.dkr.ecr.{region}.amazonaws.com/trustfabric/{purpose}:{IMAGE_TAG}"


@dataclass(frozen=True)
class ModelPipelinesArgs:
    """Arguments of a cell's ModelOps pipelines."""

    stack: str
    cell: str
    jurisdiction: str
    region: str
    models: Sequence[str]
    """Families evaluated nightly (every family the cell serves)."""
    data_key_arn: pulumi.Input[str]
    """Encrypts job volumes and outputs, state machine data, the schedule, the queue and the alert topic."""
    logs_key_arn: pulumi.Input[str]
    """Encrypts the state machines' execution logs."""
    artefact_bucket_name: pulumi.Input[str]
    lineage_bucket_name: pulumi.Input[str]
    bucket_arns: Sequence[pulumi.Input[str]]
    """The cell's ModelOps stores: what the execution role may read and write."""
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    vpc_cidr: str
    """The only destination the jobs' security group lets out (HTTPS to the VPC's endpoints)."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    log_retention_days: int = 400
    """Days the execution logs are kept: 365..3653."""
    schedule_time_zone: str = "UTC"


def validate_args(args: ModelPipelinesArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ModelPipelines", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ModelPipelines", "region", args.region, args.jurisdiction)
    if not args.models:
        raise ValueError("ModelPipelines: models: must not be empty; allowed: the families the cell serves")
    if not args.subnet_ids:
        raise ValueError("ModelPipelines: subnet_ids: must not be empty; allowed: the cell's private subnets")
    require_range("ModelPipelines", "log_retention_days", args.log_retention_days, 365, 3653)


class ModelPipelines(pulumi.ComponentResource):
    """Evaluation schedule, retraining pipeline, execution role and alert topic of a cell."""

    execution_role_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    evaluation_arn: pulumi.Output[str]
    retraining_arn: pulumi.Output[str]
    alert_topic_arn: pulumi.Output[str]
    events_role_arn: pulumi.Output[str]
    """The role EventBridge starts the retraining state machine with."""

    def __init__(self, name: str, args: ModelPipelinesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:modelops:ModelPipelines", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        scope = account_id.apply(lambda account: PipelineScope(account, args.stack, args.cell, args.region))

        def service_role(suffix: str, service: str, description: str, policy: pulumi.Input[str]) -> aws.iam.Role:
            role = aws.iam.Role(
                f"{name}-{suffix}",
                name=role_name(args.stack, args.cell, f"model-{suffix}"),
                description=description,
                assume_role_policy=account_id.apply(lambda account: assume_role_policy(service, account)),
                permissions_boundary=args.permissions_boundary_arn,
                opts=child,
            )
            aws.iam.RolePolicy(f"{name}-{suffix}-policy", role=role.id, policy=policy, opts=child)
            return role

        execution = service_role(
            "execution",
            "sagemaker.amazonaws.com",
            f"SageMaker jobs, models and monitors of the {args.jurisdiction} cell",
            pulumi.Output.all(scope, args.data_key_arn, *args.bucket_arns).apply(
                lambda values: execution_policy(values[0], bucket_arns=values[2:], data_key=values[1])
            ),
        )
        group = aws.ec2.SecurityGroup(
            f"{name}-jobs",
            name=role_name(args.stack, args.cell, "model-jobs"),
            description="SageMaker jobs and endpoints of the cell: no ingress, HTTPS to the VPC's endpoints only",
            vpc_id=args.vpc_id,
            egress=[
                aws.ec2.SecurityGroupEgressArgs(
                    description="HTTPS to the VPC's interface endpoints",
                    protocol="tcp",
                    from_port=443,
                    to_port=443,
                    cidr_blocks=[args.vpc_cidr],
                )
            ],
            opts=child,
        )
        pipelines = service_role(
            "pipelines",
            "states.amazonaws.com",
            f"Evaluation and retraining state machines of the {args.jurisdiction} cell",
            pulumi.Output.all(scope, execution.arn, args.data_key_arn).apply(
                lambda values: pipeline_policy(values[0], execution_role=values[1], data_key=values[2])
            ),
        )

        common = pulumi.Output.all(
            account_id, execution.arn, args.artefact_bucket_name, args.lineage_bucket_name, group.id, *args.subnet_ids
        )

        def values(purpose: str) -> pulumi.Output[dict[str, object]]:
            def build(resolved: list[str]) -> dict[str, object]:
                account, role, artefact, lineage, security_group, *subnets = resolved
                found: dict[str, object] = {
                    "execution_role_arn": role,
                    "lineage_bucket": lineage,
                    "subnet_ids": list(subnets),
                    "security_group_ids": [security_group],
                }
                if purpose == "evaluation":
                    found["evaluation_image"] = image_uri(account, args.region, "evaluation")
                    found["jurisdiction"] = args.jurisdiction
                    found["golden_dataset_uri"] = f"s3://{lineage}/golden/{args.jurisdiction}/"
                else:
                    found["training_image"] = image_uri(account, args.region, "training")
                    found["serving_image"] = image_uri(account, args.region, "serving")
                    found["artefact_bucket"] = artefact
                return found

            return common.apply(build)

        def machine(purpose: str) -> aws.sfn.StateMachine:
            log_group = aws.cloudwatch.LogGroup(
                f"{name}-{purpose}-logs",
                name=f"/aws/vendedlogs/states/trustfabric/{args.stack}/{args.cell}/model-{purpose}",
                kms_key_id=args.logs_key_arn,
                retention_in_days=args.log_retention_days,
                opts=child,
            )
            definition = pulumi.Output.all(values(purpose), args.data_key_arn).apply(
                lambda resolved: pipeline_definition(purpose, {**resolved[0], "kms_key_arn": resolved[1]})
            )
            return aws.sfn.StateMachine(
                f"{name}-{purpose}",
                name=role_name(args.stack, args.cell, f"model-{purpose}"),
                role_arn=pipelines.arn,
                definition=definition,
                logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                    level="ALL", include_execution_data=True, log_destination=log_group.arn.apply(lambda a: f"{a}:*")
                ),
                encryption_configuration=aws.sfn.StateMachineEncryptionConfigurationArgs(
                    type="CUSTOMER_MANAGED_KMS_KEY", kms_key_id=args.data_key_arn, kms_data_key_reuse_period_seconds=300
                ),
                tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
                opts=child,
            )

        evaluation = machine("evaluation")
        retraining = machine("retraining")

        topic = aws.sns.Topic(
            f"{name}-alerts",
            name=role_name(args.stack, args.cell, "model-alerts"),
            display_name=f"{args.jurisdiction} model alerts",
            kms_master_key_id=args.data_key_arn,
            opts=child,
        )
        dead_letters = aws.sqs.Queue(
            f"{name}-evaluation-dlq",
            name=role_name(args.stack, args.cell, "model-evaluation-dlq"),
            kms_master_key_id=args.data_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            opts=child,
        )
        dead_letter_depth_alarm(
            f"{name}-evaluation-dlq-depth",
            alarm_name=role_name(args.stack, args.cell, "model-evaluation-undelivered"),
            description="A nightly evaluation could not be started (runbooks/model-drift-alert.md)",
            queue_name=dead_letters.name,
            alarm_actions=[topic.arn],
            opts=child,
        )
        scheduler_role = service_role(
            "scheduler",
            "scheduler.amazonaws.com",
            f"EventBridge Scheduler starts the {args.jurisdiction} nightly evaluation",
            pulumi.Output.all(evaluation.arn, dead_letters.arn).apply(
                lambda resolved: scheduler_policy(resolved[0], resolved[1])
            ),
        )
        aws.scheduler.Schedule(
            f"{name}-nightly-evaluation",
            name=role_name(args.stack, args.cell, "model-nightly-evaluation"),
            description=f"Nightly evaluation of the {args.jurisdiction} models against the golden dataset",
            schedule_expression=EVALUATION_SCHEDULE,
            schedule_expression_timezone=args.schedule_time_zone,
            flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
            kms_key_arn=args.data_key_arn,
            target=aws.scheduler.ScheduleTargetArgs(
                arn=evaluation.arn,
                role_arn=scheduler_role.arn,
                input=json.dumps({"models": [{"name": model} for model in args.models]}, sort_keys=True),
                dead_letter_config=aws.scheduler.ScheduleTargetDeadLetterConfigArgs(arn=dead_letters.arn),
                retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                    maximum_event_age_in_seconds=86400, maximum_retry_attempts=185
                ),
            ),
            opts=child,
        )
        events_role = service_role(
            "retraining-events",
            "events.amazonaws.com",
            f"EventBridge starts {args.jurisdiction} retraining on a drift alarm",
            retraining.arn.apply(lambda arn: start_execution_policy([arn])),
        )

        self.execution_role_arn = execution.arn
        self.security_group_id = group.id
        self.evaluation_arn = evaluation.arn
        self.retraining_arn = retraining.arn
        self.alert_topic_arn = topic.arn
        self.events_role_arn = events_role.arn
        self.register_outputs(
            {
                "execution_role_arn": self.execution_role_arn,
                "evaluation_arn": self.evaluation_arn,
                "retraining_arn": self.retraining_arn,
                "alert_topic_arn": self.alert_topic_arn,
            }
        )
