"""The ModelOps components as the stacks declare them: secure defaults, parenting, tags, the prod/dr pair, and
exact validation errors."""

from __future__ import annotations

import json

import pytest

from components.modelops.feedback import FeedbackQueuesArgs
from components.modelops.feedback import validate_args as validate_feedback
from components.modelops.pipelines import ModelPipelinesArgs
from components.modelops.pipelines import validate_args as validate_pipelines
from components.modelops.registry import ModelRegistryArgs, RegisteredModel
from components.modelops.registry import validate_args as validate_registry
from components.modelops.serving import ModelServingArgs
from components.modelops.serving import validate_args as validate_serving
from components.modelops.stores import ModelStoresArgs
from components.modelops.stores import validate_args as validate_stores
from tests.components.helpers import CELLS, document, only, parent_type, provider_region, refusal, statements
from trustfabric.engine import ACCOUNT_ID

GA_FAMILIES = ("document-extraction", "categorisation", "tax-computation")
FAMILIES = (*GA_FAMILIES, "anomaly-detection")
KINDS = ("artefact", "lineage", "explain")


def test_every_cell_has_locked_encrypted_stores_that_prod_replicates_to_dr(prod, dr):
    for cell in CELLS:
        for kind in KINDS:
            bucket = only(prod, "aws:s3/bucket:Bucket", f"{cell}-model-stores-{kind}")
            assert bucket.props["objectLockEnabled"] is True
            assert bucket.props["tags"]["backup-tier"] == "records"
            assert parent_type(prod, bucket) == "trustfabric:modelops:ModelStores"
            lock = only(
                prod,
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                f"{cell}-model-stores-{kind}-object-lock",
            )
            assert lock.props["rule"]["defaultRetention"]["mode"] == "COMPLIANCE"
            encryption = only(
                prod,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                f"{cell}-model-stores-{kind}-encryption",
            )
            assert encryption.props["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
            only(prod, "aws:s3/bucketLogging:BucketLogging", f"{cell}-model-stores-{kind}-logging")
            replication = only(
                prod,
                "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                f"{cell}-model-stores-{kind}-replication",
            )
            replica = only(dr, "aws:s3/bucket:Bucket", f"{cell}-model-stores-{kind}")
            destination = replication.props["rules"][0]["destination"]["bucket"]
            assert destination == f"arn:aws:s3:::{replica.props['bucket']}"
            assert replica.props["tags"]["replica-of"] == f"arn:aws:s3:::{bucket.props['bucket']}"
            assert provider_region(dr, replica) != provider_region(prod, bucket)
    uk_years = only(
        prod,
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "uk-model-stores-lineage-object-lock",
    ).props["rule"]["defaultRetention"]["years"]
    eu_years = only(
        prod,
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "eu-model-stores-lineage-object-lock",
    ).props["rule"]["defaultRetention"]["years"]
    assert (uk_years, eu_years) == (6, 10)


def test_the_records_tier_backs_up_the_stores(dev):
    selection = only(dev, "aws:backup/selection:Selection", "uk-backup-records-selection")
    lineage = only(dev, "aws:s3/bucket:Bucket", "uk-model-stores-lineage")
    assert f"arn:aws:s3:::{lineage.props['bucket']}" in selection.props["resources"]


def test_a_group_per_family_reachable_only_from_the_cell(prod):
    for cell in CELLS:
        for family in FAMILIES:
            group = only(prod, "aws:sagemaker/modelPackageGroup:ModelPackageGroup", f"{cell}-model-registry-{family}")
            assert group.props["modelPackageGroupName"] == f"trustfabric-prod-{cell}-{family}"
            assert group.props["tags"]["model-ga"] == ("false" if family == "anomaly-detection" else "true")
            policy = only(
                prod,
                "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
                f"{cell}-model-registry-{family}-policy",
            )
            found = statements(policy, "resourcePolicy")
            assert all(f"trustfabric-prod-{cell}-" in arn for arn in found["CellRoles"]["Principal"]["AWS"])
            assert found["DenyOutsideCell"]["Condition"]["ArnNotLike"]["aws:PrincipalArn"] == (
                f"arn:aws:iam::{ACCOUNT_ID}:role/trustfabric-prod-{cell}-*"
            )


def test_the_gate_starts_on_approval_changes_and_logs_every_decision(dev):
    rule = only(dev, "aws:cloudwatch/eventRule:EventRule", "uk-model-registry-approval-changes")
    pattern = json.loads(rule.props["eventPattern"])
    assert pattern["detail"]["ModelPackageGroupName"] == ["trustfabric-dev-uk-tax-computation"]
    gate = only(dev, "aws:sfn/stateMachine:StateMachine", "uk-model-registry-gate")
    assert gate.props["loggingConfiguration"]["level"] == "ALL"
    assert gate.props["loggingConfiguration"]["includeExecutionData"] is True
    assert gate.props["encryptionConfiguration"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"
    logs = only(dev, "aws:cloudwatch/logGroup:LogGroup", "uk-model-registry-gate-logs")
    assert logs.props["kmsKeyId"] and logs.props["retentionInDays"] >= 365
    definition = json.loads(gate.props["definition"])
    assert definition["States"]["Evaluate-trustfabric-dev-uk-tax-computation"]["Choices"][0]["Or"][2] == {
        "Variable": "$.evaluation.metrics.accuracy",
        "NumericLessThan": 0.995,
    }
    approver = only(dev, "aws:iam/role:Role", "uk-model-registry-approver")
    trust = document(approver, "assumeRolePolicy")["Statement"][0]
    assert trust["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}


def test_the_nightly_evaluation_is_encrypted_with_a_dead_letter_queue(dev):
    schedule = only(dev, "aws:scheduler/schedule:Schedule", "uk-model-pipelines-nightly-evaluation")
    assert schedule.props["kmsKeyArn"]
    assert json.loads(schedule.props["target"]["input"]) == {"models": [{"name": "tax-computation"}]}
    queue = only(dev, "aws:sqs/queue:Queue", "uk-model-pipelines-evaluation-dlq")
    assert schedule.props["target"]["deadLetterConfig"]["arn"].endswith(queue.props["name"])
    assert queue.props["kmsMasterKeyId"]
    group = only(dev, "aws:ec2/securityGroup:SecurityGroup", "uk-model-pipelines-jobs")
    assert group.props.get("ingress") in (None, [])
    assert [(e["fromPort"], e["toPort"]) for e in group.props["egress"]] == [(443, 443)]


def test_ga_families_are_served_isolated_captured_and_watched(prod):
    for cell in CELLS:
        for family in GA_FAMILIES:
            model = only(prod, "aws:sagemaker/model:Model", f"{cell}-{family}-live")
            assert model.props["enableNetworkIsolation"] is True
            assert model.props["vpcConfig"]["subnets"]
            config = only(prod, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", f"{cell}-{family}-config")
            assert config.props["kmsKeyArn"] and config.props["dataCaptureConfig"]["kmsKeyId"]
            assert config.props["dataCaptureConfig"]["destinationS3Uri"].startswith(
                f"s3://trustfabric-prod-{cell}-ml-lineage-"
            )
            endpoint = only(prod, "aws:sagemaker/endpoint:Endpoint", f"{cell}-{family}-endpoint")
            rollback = endpoint.props["deploymentConfig"]["autoRollbackConfiguration"]["alarms"]
            assert [a["alarmName"] for a in rollback] == [
                f"trustfabric-prod-{cell}-{family}-FeatureDrift",
                f"trustfabric-prod-{cell}-{family}-AccuracyDrop",
            ]
            for metric in ("featuredrift", "accuracydrop"):
                alarm = only(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", f"{cell}-{family}-{metric}")
                assert alarm.props["alarmActions"] and alarm.props["tags"]["model"] == family
            only(prod, "aws:sagemaker/monitoringSchedule:MonitoringSchedule", f"{cell}-{family}-monitor")
            target = only(prod, "aws:cloudwatch/eventTarget:EventTarget", f"{cell}-{family}-drift-retraining-target")
            assert target.props["arn"].endswith(f"trustfabric-prod-{cell}-model-retraining")
            transformer = target.props["inputTransformer"]
            assert transformer["inputPaths"] == {"alarm": "$.detail.alarmName"}
            assert json.loads(transformer["inputTemplate"]) == {
                "model": family,
                "group": f"trustfabric-prod-{cell}-{family}",
                "alarm": "<alarm>",
            }
        assert not [
            r for r in prod.of_type("aws:sagemaker/endpoint:Endpoint") if r.name == f"{cell}-anomaly-detection-endpoint"
        ]


def test_the_standby_footprint_serves_one_instance_per_family(prod, dr):
    def live_instances(graph, name):
        config = only(graph, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name)
        return config.props["productionVariants"][0]["initialInstanceCount"]

    assert live_instances(prod, "uk-tax-computation-config") == 2  # critical
    assert live_instances(dr, "uk-tax-computation-config") == 1


def test_feedback_queues_redrive_to_encrypted_dead_letter_queues(dev):
    for kind in ("user-corrections", "autopilot-overrides", "compliance-feedback"):
        queue = only(dev, "aws:sqs/queue:Queue", f"uk-feedback-{kind}")
        dead = only(dev, "aws:sqs/queue:Queue", f"uk-feedback-{kind}-dlq")
        redrive = json.loads(queue.props["redrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(dead.props["name"]) and redrive["maxReceiveCount"] == 5
        assert queue.props["kmsMasterKeyId"] and dead.props["kmsMasterKeyId"]


STORES = {"deployment": "prod", "cell": "uk", "jurisdiction": "UK", "region": "eu-west-2", "kms_key_arn": "k"}
PLACE = {"cell": "uk", "jurisdiction": "UK", "region": "eu-west-2"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: validate_stores(ModelStoresArgs(**{**STORES, "region": "us-east-1"})),
            "ModelStores: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            lambda: validate_stores(ModelStoresArgs(**STORES, replicate_to_region="eu-west-1")),
            "ModelStores: replica_kms_key_arn: required with replicate_to_region; allowed: the data key's replica in "
            "eu-west-1",
        ),
        (
            lambda: validate_stores(ModelStoresArgs(**STORES, retention_years=5)),
            "ModelStores: retention_years: 5 is out of range; allowed: 6..100",
        ),
        (
            lambda: validate_registry(
                ModelRegistryArgs(
                    stack="prod",
                    **PLACE,
                    models=(),
                    data_key_arn="k",
                    logs_key_arn="k",
                    lineage_bucket_name="b",
                    lineage_bucket_arn="a",
                )
            ),
            "ModelRegistry: models: must not be empty; allowed: one RegisteredModel per family",
        ),
        (
            lambda: validate_registry(
                ModelRegistryArgs(
                    stack="prod",
                    **PLACE,
                    models=(RegisteredModel("m", "o", ga=True),),
                    data_key_arn="k",
                    logs_key_arn="k",
                    lineage_bucket_name="b",
                    lineage_bucket_arn="a",
                )
            ),
            "ModelRegistry: models[0].evaluation: a GA model needs thresholds; allowed: accuracy, precision, recall, f1 "
            "(each 0..1)",
        ),
        (
            lambda: validate_registry(
                ModelRegistryArgs(
                    stack="prod",
                    **PLACE,
                    models=(RegisteredModel("m", "o", evaluation={"acc": 0.5}),),
                    data_key_arn="k",
                    logs_key_arn="k",
                    lineage_bucket_name="b",
                    lineage_bucket_arn="a",
                )
            ),
            "ModelRegistry: models[0].evaluation: 'acc' is not allowed; allowed: accuracy, precision, recall, f1",
        ),
        (
            lambda: validate_pipelines(
                ModelPipelinesArgs(
                    stack="prod",
                    **PLACE,
                    models=("m",),
                    data_key_arn="k",
                    logs_key_arn="k",
                    artefact_bucket_name="a",
                    lineage_bucket_name="l",
                    bucket_arns=(),
                    vpc_id="v",
                    subnet_ids=(),
                    vpc_cidr="10.0.0.0/16",
                )
            ),
            "ModelPipelines: subnet_ids: must not be empty; allowed: the cell's private subnets",
        ),
        (
            lambda: validate_serving(
                ModelServingArgs(
                    stack="prod",
                    **PLACE,
                    model="m",
                    tier="standard",
                    group_name="g",
                    version=2,
                    candidate_version=2,
                    feature_drift_threshold=0.2,
                    accuracy_drop_threshold=0.01,
                    execution_role_arn="r",
                    data_key_arn="k",
                    lineage_bucket_name="b",
                    subnet_ids=("s",),
                    security_group_id="g",
                    alert_topic_arn="t",
                    retraining_arn="r",
                    events_role_arn="e",
                )
            ),
            "ModelServing: candidate_version: 2 is the live version; allowed: another approved version",
        ),
        (
            lambda: validate_feedback(
                FeedbackQueuesArgs(stack="prod", **PLACE, kms_key_arn="k", alert_topic_arn="t", max_receive_count=0)
            ),
            "FeedbackQueues: max_receive_count: 0 is out of range; allowed: 1..100",
        ),
    ],
)
def test_exact_validation_errors(call, message):
    assert refusal(call) == message
