"""IAM documents of the ModelOps pipelines and endpoints: pure functions (no Pulumi import), each scoped to one
cell's stores, keys, groups and state machines.

- `execution_policy`: the SageMaker execution role of the cell's jobs, models and monitors;
- `pipeline_policy`: the evaluation and retraining state machines' role;
- `start_execution_policy`: EventBridge or the scheduler starting one state machine (`components.modelops.registry`).

Usage::

    document = execution_policy(scope, bucket_arns=[artefact_arn, lineage_arn], data_key="arn:aws:kms:...")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.documents import policy_document
from domain.naming import cell_prefix

METRICS_NAMESPACE = "TrustFabric/ModelOps"
"""Where the evaluation jobs and the drift monitors publish their metrics (alarms read them)."""
SYNC_RULES = (
    "StepFunctionsGetEventsForSageMakerTrainingJobsRule",
    "StepFunctionsGetEventsForSageMakerProcessingJobsRule",
)
"""Managed rules Step Functions creates to wait on SageMaker jobs (`.sync` integrations)."""


@dataclass(frozen=True)
class PipelineScope:
    """What a cell's ModelOps documents are scoped to."""

    account_id: str
    stack: str
    cell: str
    region: str

    @property
    def prefix(self) -> str:
        """Names of the cell's ModelOps resources start with it (`trustfabric-prod-uk`)."""
        return cell_prefix(self.stack, self.cell)

    def sagemaker(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account_id}:{kind}/{name}"


def execution_policy(scope: PipelineScope, *, bucket_arns: Sequence[str], data_key: str) -> str:
    """Jobs, models and monitors read and write the cell's stores, use its data key, pull its images, publish
    metrics to their namespace and run inside its VPC."""
    return policy_document(
        [
            {
                "Sid": "Stores",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [*bucket_arns, *(f"{arn}/*" for arn in bucket_arns)],
            },
            {
                "Sid": "DataKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"],
                "Resource": data_key,
            },
            {
                "Sid": "PullImages",
                "Effect": "Allow",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                "Resource": f"arn:aws:ecr:{scope.region}:{scope.account_id}:repository/trustfabric/*",
            },
            {
                # GetAuthorizationToken authorises on the registry, not a repository.
                "Sid": "RegistryLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {
                "Sid": "PublishMetrics",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
            },
            {
                "Sid": "JobLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{scope.region}:{scope.account_id}:log-group:/aws/sagemaker/*",
            },
            {
                # Jobs in a VPC attach network interfaces; EC2 authorises these on the account's resources.
                "Sid": "VpcNetworkInterfaces",
                "Effect": "Allow",
                "Action": [
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                ],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": scope.region}},
            },
        ]
    )


def pipeline_policy(scope: PipelineScope, *, execution_role: str, data_key: str) -> str:
    """The evaluation and retraining state machines: run the cell's jobs as the execution role, register
    candidate versions (never approve them), publish events and deliver their logs."""
    jobs = [
        scope.sagemaker(kind, f"{prefix}-*")
        for kind in ("processing-job", "training-job")
        for prefix in ("eval", "retrain")
    ]
    return policy_document(
        [
            {
                "Sid": "RunJobs",
                "Effect": "Allow",
                "Action": [
                    "sagemaker:CreateProcessingJob",
                    "sagemaker:DescribeProcessingJob",
                    "sagemaker:StopProcessingJob",
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:DescribeTrainingJob",
                    "sagemaker:StopTrainingJob",
                    "sagemaker:AddTags",
                ],
                "Resource": jobs,
            },
            {
                "Sid": "PassExecutionRole",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": execution_role,
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
            {
                "Sid": "RegisterCandidates",
                "Effect": "Allow",
                "Action": "sagemaker:CreateModelPackage",
                "Resource": [
                    scope.sagemaker("model-package-group", f"{scope.prefix}-*"),
                    scope.sagemaker("model-package", f"{scope.prefix}-*/*"),
                ],
            },
            {
                "Sid": "WaitForJobs",
                "Effect": "Allow",
                "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                "Resource": [f"arn:aws:events:{scope.region}:{scope.account_id}:rule/{rule}" for rule in SYNC_RULES],
            },
            {
                "Sid": "PublishEvents",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": f"arn:aws:events:{scope.region}:{scope.account_id}:event-bus/default",
            },
            {
                "Sid": "ExecutionData",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": data_key,
            },
            {
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


def start_execution_policy(state_machine_arns: Sequence[str]) -> str:
    """EventBridge (or the scheduler) may start these state machines, and nothing else."""
    return policy_document(
        [
            {
                "Sid": "StartExecution",
                "Effect": "Allow",
                "Action": "states:StartExecution",
                "Resource": sorted(state_machine_arns),
            }
        ]
    )


def scheduler_policy(state_machine_arn: str, queue_arn: str) -> str:
    """The scheduler starts one state machine and puts an undeliverable invocation on its dead-letter queue."""
    return policy_document(
        [
            {
                "Sid": "StartExecution",
                "Effect": "Allow",
                "Action": "states:StartExecution",
                "Resource": state_machine_arn,
            },
            {"Sid": "DeadLetter", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn},
        ]
    )
