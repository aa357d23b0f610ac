"""Mutations for the ModelOps policies: the registry's reach, the endpoint's encryption, isolation and capture
residency, the jobs' isolation, the stores' lock, the GA monitoring footprint, and the feedback queues."""

from __future__ import annotations

from tests.stacks.mutations.edits import DELETE, map_statements, set_at
from tests.stacks.mutations.model import Mutation

GROUP = ("aws:sagemaker/modelPackageGroup:ModelPackageGroup", "uk-model-registry-tax-computation")
CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-kms-key-policy-admits-role-users",
        stack="dev",
        type="aws:kms/key:Key",
        name="uk-keyring-data-confidential",
        change="drop the SageMaker execution role from the data key's users",
        expect="'trustfabric-dev-uk-model-execution' uses KMS key 'uk-keyring-data-confidential' (names the key) but "
        "the key policy does not admit it",
        edit=map_statements(lambda s: None if s.get("Sid") == "LateUseModelExecution" else s),
        flagged=("aws:iam/rolePolicy:RolePolicy", "uk-model-pipelines-execution-policy"),
    ),
    Mutation(
        policy="aws-sqs-queue-encrypted",
        stack="dev",
        type="aws:sqs/queue:Queue",
        name="uk-feedback-user-corrections",
        change="drop the feedback queue's customer-managed key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_master_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-sagemaker-endpoint-config-encrypted-cmk",
        stack="dev",
        type=CONFIG,
        name="uk-tax-computation-config",
        change="drop the endpoint's storage key",
        expect="set kms_key_arn to the cell's data key",
        edit=set_at(["kms_key_arn"], DELETE),
    ),
    Mutation(
        policy="aws-sagemaker-data-capture-resident",
        stack="dev",
        type=CONFIG,
        name="uk-tax-computation-config",
        change="capture UK requests into a bucket in us-east-1",
        expect="in us-east-1, outside UK's allowed regions",
        edit=set_at(
            ["data_capture_config", "destination_s3_uri"],
            "s3://trustfabric-prod-us-ml-lineage-us-east-1-123456789012/capture/",
        ),
    ),
    Mutation(
        policy="aws-sagemaker-model-network-isolated",
        stack="dev",
        type="aws:sagemaker/model:Model",
        name="uk-tax-computation-live",
        change="let the live model's container reach the network",
        expect="is not network-isolated",
        edit=set_at(["enable_network_isolation"], False),
    ),
    Mutation(
        policy="aws-sagemaker-jobs-isolated-encrypted",
        stack="dev",
        type="aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
        name="uk-tax-computation-data-quality",
        change="run the drift monitor's job without network isolation",
        expect="network_config.enable_network_isolation=True",
        edit=set_at(["network_config", "enable_network_isolation"], False),
    ),
    Mutation(
        policy="aws-sagemaker-ga-model-monitored",
        stack="dev",
        type="aws:sagemaker/monitoringSchedule:MonitoringSchedule",
        name="uk-tax-computation-monitor",
        change="remove the GA model's drift monitor",
        expect="has no drift monitor",
        edit=None,
        flagged=GROUP,
    ),
    Mutation(
        policy="aws-sagemaker-model-package-group-cell-only",
        stack="dev",
        type="aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
        name="uk-model-registry-tax-computation-policy",
        change="remove the group's resource policy",
        expect="has no resource policy",
        edit=None,
        flagged=GROUP,
    ),
    Mutation(
        policy="aws-sagemaker-store-object-lock",
        stack="dev",
        type="aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        name="uk-model-stores-lineage-object-lock",
        change="lock the lineage store in governance mode",
        expect="not 'COMPLIANCE'",
        edit=set_at(["rule", "default_retention", "mode"], "GOVERNANCE"),
        flagged=("aws:s3/bucket:Bucket", "uk-model-stores-lineage"),
    ),
)
