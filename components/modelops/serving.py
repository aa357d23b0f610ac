"""Serving and drift monitoring of one GA model family in a cell: its endpoint, its data-quality monitor, its
drift alarms and the rule that starts retraining when one fires.

Declares, in the cell's region:

- the SageMaker model of the live version (`model_package_name`: the approved version of the family's group) and,
  with `candidate_version`, of the candidate: network-isolated, in the cell's VPC, run by the cell's execution role;
- the endpoint configuration: storage encrypted with the cell's data key, data capture on (requests and
  responses, into the lineage store's `capture/<model>/`, encrypted with the same key), the live variant, and the
  candidate as a shadow variant (it receives a copy of the traffic, its answers are captured and never returned);
- the endpoint `trustfabric-<stack>-<cell>-<model>`: blue/green updates with linear traffic shifting that roll
  back on their own when a drift alarm fires during the shift (the rollback path: runbooks/model-approval-and-rollback.md);
- a data-quality job definition (isolated, in the VPC, KMS-encrypted volume and output in the lineage store's
  `monitoring/<model>/`) and its hourly monitoring schedule on the endpoint;
- two alarms on the metrics the evaluation and monitoring jobs publish in `TrustFabric/ModelOps` (dimensions
  `Model`, `Jurisdiction`): `FeatureDrift` above the family's threshold and `AccuracyDrop` above its threshold.
  Both notify the cell's model alert topic (the on-call path);
- an EventBridge rule on either alarm entering ALARM that starts the cell's retraining state machine for the
  family; what it registers waits for the approval gate.

Usage::

    ModelServing(
        "uk-tax-computation",
        ModelServingArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2", model="tax-computation",
                         tier="critical", group_name=registry.group_names["tax-computation"], version=3,
                         feature_drift_threshold=0.2, accuracy_drop_threshold=0.02, ...),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.modelops.documents import METRICS_NAMESPACE
from components.modelops.pipelines import image_uri
from components.validation import require_choice, require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import cell_prefix
from domain.tags import MODEL

TIERS = ("critical", "high", "standard")
INSTANCES = {"critical": 2, "high": 2, "standard": 1}
"""Live instances per tier: critical and high families survive the loss of one instance."""
INSTANCE_TYPE = "ml.m5.xlarge"
METRIC_PERIOD_SECONDS = 86400
"""The nightly evaluation publishes both metrics once a day; an alarm judges the day's maximum."""
MONITOR_SCHEDULE = "cron(0 * ? * * *)"
"""Hourly: the data-quality monitor compares the last hour's captured requests with the baseline."""


@dataclass(frozen=True)
class ModelServingArgs:
    """Arguments of one GA family's serving and monitoring in a cell."""

    stack: str
    cell: str
    jurisdiction: str
    region: str
    model: str
    """The family, e.g. `tax-computation`."""
    tier: str
    """critical, high or standard: instance count."""
    group_name: str
    """The family's model package group (the registry's)."""
    version: int
    """The approved version served live."""
    feature_drift_threshold: float
    """`FeatureDrift` above which the drift alarm fires (0..1)."""
    accuracy_drop_threshold: float
    """`AccuracyDrop` above which the accuracy alarm fires (0..1)."""
    execution_role_arn: pulumi.Input[str]
    data_key_arn: pulumi.Input[str]
    lineage_bucket_name: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    alert_topic_arn: pulumi.Input[str]
    retraining_arn: pulumi.Input[str]
    events_role_arn: pulumi.Input[str]
    """The role EventBridge starts retraining with."""
    candidate_version: int | None = None
    """A version under evaluation, served as a shadow variant; None: no shadow."""
    scaled_down: bool = False
    """The standby footprint (dr, role standby): one live instance whatever the tier; an active dr serves the tier's
    count."""


def validate_args(args: ModelServingArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ModelServing", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ModelServing", "region", args.region, args.jurisdiction)
    require_choice("ModelServing", "tier", args.tier, TIERS)
    require_range("ModelServing", "version", args.version, 1, 1_000_000)
    if args.candidate_version is not None:
        require_range("ModelServing", "candidate_version", args.candidate_version, 1, 1_000_000)
        if args.candidate_version == args.version:
            raise ValueError(
                f"ModelServing: candidate_version: {args.candidate_version} is the live version; "
                "allowed: another approved version"
            )
    for field_name in ("feature_drift_threshold", "accuracy_drop_threshold"):
        value = getattr(args, field_name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"ModelServing: {field_name}: {value!r} is out of range; allowed: 0..1")
    if not args.subnet_ids:
        raise ValueError("ModelServing: subnet_ids: must not be empty; allowed: the cell's private subnets")


def endpoint_name(stack: str, cell: str, model: str) -> str:
    """The family's endpoint in a cell (`trustfabric-<stack>-<cell>-<model>`): the `Endpoint` dimension of its
    data-quality monitor's per-feature metrics."""
    return f"{cell_prefix(stack, cell)}-{model}"


def monitoring_schedule_name(stack: str, cell: str, model: str) -> str:
    """The family's hourly data-quality monitoring schedule: the `MonitoringSchedule` dimension of its metrics."""
    return f"{endpoint_name(stack, cell, model)}-data-quality"


def version_arn(region: str, account_id: str, group: str, version: int) -> str:
    """The ARN of a version of a model package group."""
    return f"arn:aws:sagemaker:{region}:{account_id}:model-package/{group}/{version}"


def alarm_state_pattern(alarm_names: Sequence[str]) -> str:
    """These alarms entering ALARM."""
    return json.dumps(
        {
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "detail": {"alarmName": sorted(alarm_names), "state": {"value": ["ALARM"]}},
        },
        sort_keys=True,
    )


class ModelServing(pulumi.ComponentResource):
    """Endpoint, data-quality monitor, drift alarms and retraining trigger of one GA family in a cell."""

    endpoint_name: pulumi.Output[str]
    alarm_names: list[pulumi.Output[str]]

    def __init__(self, name: str, args: ModelServingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:modelops:ModelServing", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        base = endpoint_name(args.stack, args.cell, args.model)
        tags = {MODEL: args.model}
        vpc = aws.sagemaker.ModelVpcConfigArgs(
            security_group_ids=[args.security_group_id], subnets=list(args.subnet_ids)
        )

        def model(role: str, version: int) -> aws.sagemaker.Model:
            return aws.sagemaker.Model(
                f"{name}-{role}",
                name=f"{base}-v{version}",
                execution_role_arn=args.execution_role_arn,
                primary_container=aws.sagemaker.ModelPrimaryContainerArgs(
                    model_package_name=account_id.apply(
                        lambda account: version_arn(args.region, account, args.group_name, version)
                    ),
                ),
                enable_network_isolation=True,
                vpc_config=vpc,
                tags=tags,
                opts=child,
            )

        live = model("live", args.version)
        candidate = model("candidate", args.candidate_version) if args.candidate_version is not None else None
        capture = pulumi.Output.from_input(args.lineage_bucket_name).apply(
            lambda bucket: f"s3://{bucket}/capture/{args.model}/"
        )
        config = aws.sagemaker.EndpointConfiguration(
            f"{name}-config",
            kms_key_arn=args.data_key_arn,
            production_variants=[
                aws.sagemaker.EndpointConfigurationProductionVariantArgs(
                    variant_name="live",
                    model_name=live.name,
                    instance_type=INSTANCE_TYPE,
                    initial_instance_count=1 if args.scaled_down else INSTANCES[args.tier],
                    initial_variant_weight=1,
                )
            ],
            shadow_production_variants=[
                aws.sagemaker.EndpointConfigurationShadowProductionVariantArgs(
                    variant_name="shadow",
                    model_name=candidate.name,
                    instance_type=INSTANCE_TYPE,
                    initial_instance_count=1,
                    initial_variant_weight=1,
                )
            ]
            if candidate is not None
            else None,
            data_capture_config=aws.sagemaker.EndpointConfigurationDataCaptureConfigArgs(
                enable_capture=True,
                initial_sampling_percentage=100,
                destination_s3_uri=capture,
                kms_key_id=args.data_key_arn,
                capture_options=[
                    aws.sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs(capture_mode="Input"),
                    aws.sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs(capture_mode="Output"),
                ],
            ),
            tags=tags,
            opts=child,
        )

        def alarm(metric: str, threshold: float, what: str) -> aws.cloudwatch.MetricAlarm:
            return aws.cloudwatch.MetricAlarm(
                f"{name}-{metric.lower()}",
                name=f"{base}-{metric}",
                alarm_description=(
                    f"{args.jurisdiction} {args.model}: {what} above {threshold}; starts retraining "
                    "(runbooks/model-drift-alert.md)"
                ),
                namespace=METRICS_NAMESPACE,
                metric_name=metric,
                dimensions={"Model": args.model, "Jurisdiction": args.jurisdiction},
                statistic="Maximum",
                period=METRIC_PERIOD_SECONDS,
                evaluation_periods=1,
                threshold=threshold,
                comparison_operator="GreaterThanThreshold",
                # No datum is not drift (it must not start retraining) but is news: the job did not report.
                treat_missing_data="missing",
                alarm_actions=[args.alert_topic_arn],
                ok_actions=[args.alert_topic_arn],
                insufficient_data_actions=[args.alert_topic_arn],
                tags=tags,
                opts=child,
            )

        drift = alarm("FeatureDrift", args.feature_drift_threshold, "distance of live inputs from the baseline")
        accuracy = alarm("AccuracyDrop", args.accuracy_drop_threshold, "accuracy lost since approval")

        endpoint = aws.sagemaker.Endpoint(
            f"{name}-endpoint",
            name=base,
            endpoint_config_name=config.name,
            deployment_config=aws.sagemaker.EndpointDeploymentConfigArgs(
                blue_green_update_policy=aws.sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyArgs(
                    traffic_routing_configuration=aws.sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationArgs(
                        type="LINEAR",
                        wait_interval_in_seconds=600,
                        linear_step_size=aws.sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicyTrafficRoutingConfigurationLinearStepSizeArgs(
                            type="CAPACITY_PERCENT", value=25
                        ),
                    ),
                    termination_wait_in_seconds=600,
                ),
                auto_rollback_configuration=aws.sagemaker.EndpointDeploymentConfigAutoRollbackConfigurationArgs(
                    alarms=[
                        aws.sagemaker.EndpointDeploymentConfigAutoRollbackConfigurationAlarmArgs(alarm_name=a.name)
                        for a in (drift, accuracy)
                    ]
                ),
            ),
            tags=tags,
            opts=child,
        )

        definition = aws.sagemaker.DataQualityJobDefinition(
            f"{name}-data-quality",
            name=f"{base}-data-quality",
            role_arn=args.execution_role_arn,
            data_quality_app_specification=aws.sagemaker.DataQualityJobDefinitionDataQualityAppSpecificationArgs(
                image_uri=account_id.apply(lambda account: image_uri(account, args.region, "model-monitor")),
                environment={"publish_cloudwatch_metrics": "Enabled"},
            ),
            data_quality_baseline_config=aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigArgs(
                constraints_resource=aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigConstraintsResourceArgs(
                    s3_uri=pulumi.Output.from_input(args.lineage_bucket_name).apply(
                        lambda bucket: f"s3://{bucket}/baselines/{args.model}/v{args.version}/constraints.json"
                    )
                ),
                statistics_resource=aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigStatisticsResourceArgs(
                    s3_uri=pulumi.Output.from_input(args.lineage_bucket_name).apply(
                        lambda bucket: f"s3://{bucket}/baselines/{args.model}/v{args.version}/statistics.json"
                    )
                ),
            ),
            data_quality_job_input=aws.sagemaker.DataQualityJobDefinitionDataQualityJobInputArgs(
                endpoint_input=aws.sagemaker.DataQualityJobDefinitionDataQualityJobInputEndpointInputArgs(
                    endpoint_name=endpoint.name
                )
            ),
            data_quality_job_output_config=aws.sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigArgs(
                kms_key_id=args.data_key_arn,
                monitoring_outputs=aws.sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsArgs(
                    s3_output=aws.sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsS3OutputArgs(
                        s3_uri=pulumi.Output.from_input(args.lineage_bucket_name).apply(
                            lambda bucket: f"s3://{bucket}/monitoring/{args.model}/"
                        ),
                        local_path="/opt/ml/processing/output",
                        s3_upload_mode="EndOfJob",
                    )
                ),
            ),
            job_resources=aws.sagemaker.DataQualityJobDefinitionJobResourcesArgs(
                cluster_config=aws.sagemaker.DataQualityJobDefinitionJobResourcesClusterConfigArgs(
                    instance_count=1,
                    instance_type=INSTANCE_TYPE,
                    volume_size_in_gb=20,
                    volume_kms_key_id=args.data_key_arn,
                )
            ),
            network_config=aws.sagemaker.DataQualityJobDefinitionNetworkConfigArgs(
                enable_network_isolation=True,
                enable_inter_container_traffic_encryption=True,
                vpc_config=aws.sagemaker.DataQualityJobDefinitionNetworkConfigVpcConfigArgs(
                    security_group_ids=[args.security_group_id], subnets=list(args.subnet_ids)
                ),
            ),
            stopping_condition=aws.sagemaker.DataQualityJobDefinitionStoppingConditionArgs(max_runtime_in_seconds=3600),
            tags=tags,
            opts=child,
        )
        aws.sagemaker.MonitoringSchedule(
            f"{name}-monitor",
            name=monitoring_schedule_name(args.stack, args.cell, args.model),
            monitoring_schedule_config=aws.sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type="DataQuality",
                monitoring_job_definition_name=definition.name,
                schedule_config=aws.sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                    schedule_expression=MONITOR_SCHEDULE
                ),
            ),
            tags=tags,
            opts=child,
        )

        rule = aws.cloudwatch.EventRule(
            f"{name}-drift-retraining",
            name=f"{base}-drift-retraining",
            description=f"Retrain {args.jurisdiction} {args.model} when a drift alarm fires",
            event_pattern=pulumi.Output.all(drift.name, accuracy.name).apply(alarm_state_pattern),
            tags=tags,
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-drift-retraining-target",
            rule=rule.name,
            arn=args.retraining_arn,
            role_arn=args.events_role_arn,
            input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
                input_paths={"alarm": "$.detail.alarmName"},
                # A string placeholder stays inside its quotes: EventBridge substitutes the alarm's name there.
                input_template=json.dumps({"model": args.model, "group": args.group_name, "alarm": "<alarm>"}),
            ),
            opts=child,
        )

        self.endpoint_name = endpoint.name
        self.alarm_names = [drift.name, accuracy.name]
        self.register_outputs({"endpoint_name": self.endpoint_name, "alarm_names": self.alarm_names})
