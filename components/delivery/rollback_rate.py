"""The rollback rate of feature-flag deployments, as a recorded metric with a dashboard panel.

AppConfig sends every deployment's end to EventBridge (`source: aws.appconfig`, detail types `On Deployment
Complete` and `On Deployment Rollback`). A rule of the cell's default bus writes both to a log group (the cell's
logs key, the stack's retention), two metric filters count them (namespace `TrustFabric/Delivery/<cell>`, one per
cell because two cells of dr share a region: `DeploymentsCompleted`, `DeploymentsRolledBack`; a filter's metric
cannot carry a constant dimension), and a dashboard shows the rollback rate,
100 x rolled back / (completed + rolled back), per day against the mission's target line (`TARGET_PERCENT`).

Usage::

    DeliveryMetrics(
        "uk-delivery-metrics",
        DeliveryMetricsArgs(deployment="prod", cell="uk", region="eu-west-2", logs_kms_key_arn=logs_key_arn,
                            log_retention_days=400),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.validation import require_range

METRIC_NAMESPACE = "TrustFabric/Delivery"
"""Prefix of each cell's namespace (`metric_namespace`)."""
COMPLETED_METRIC = "DeploymentsCompleted"
ROLLED_BACK_METRIC = "DeploymentsRolledBack"
COMPLETE_EVENT = "On Deployment Complete"
ROLLBACK_EVENT = "On Deployment Rollback"
TARGET_PERCENT = 2.0
"""The mission's ceiling on the rollback rate (percent of deployments)."""


@dataclass(frozen=True)
class DeliveryMetricsArgs:
    """Arguments of a cell's deployment metrics."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr)."""
    cell: str
    """The cell's name prefix (`uk`): part of the metrics' namespace."""
    region: str
    """Region of the cell's provider (the dashboard's metrics region)."""
    logs_kms_key_arn: pulumi.Input[str]
    """The cell's logs key: encrypts the deployment-event log group."""
    log_retention_days: int = 400
    """Retention of the deployment events: 365..3653 days (the log-retention policy's floor is 365)."""


def validate_args(args: DeliveryMetricsArgs) -> None:
    require_range("DeliveryMetrics", "log_retention_days", args.log_retention_days, 365, 3653)


def event_pattern() -> str:
    return json.dumps({"source": ["aws.appconfig"], "detail-type": [COMPLETE_EVENT, ROLLBACK_EVENT]}, sort_keys=True)


def metric_namespace(cell: str) -> str:
    return f"{METRIC_NAMESPACE}/{cell}"


def metric_pattern(detail_type: str) -> str:
    """A CloudWatch Logs filter pattern matching one detail type of the JSON events."""
    return f'{{ $.detail-type = "{detail_type}" }}'


def dashboard_body(region: str, cell: str) -> str:
    """One panel: the daily rollback rate in percent, with the target as a horizontal line."""
    namespace = metric_namespace(cell)
    body: dict[str, Any] = {
        "widgets": [
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": f"Feature-flag rollback rate, cell {cell} (target under {TARGET_PERCENT:g}%)",
                    "region": region,
                    "view": "timeSeries",
                    "period": 86400,
                    "stat": "Sum",
                    "metrics": [
                        [namespace, ROLLED_BACK_METRIC, {"id": "rolledback", "visible": False}],
                        [namespace, COMPLETED_METRIC, {"id": "completed", "visible": False}],
                        [
                            {
                                "id": "rate",
                                "label": "rollback rate (%)",
                                "expression": "IF(rolledback + completed > 0, "
                                "100 * rolledback / (rolledback + completed), 0)",
                            }
                        ],
                    ],
                    "yAxis": {"left": {"min": 0, "label": "%", "showUnits": False}},
                    "annotations": {"horizontal": [{"label": "target", "value": TARGET_PERCENT}]},
                },
            }
        ]
    }
    return json.dumps(body, sort_keys=True)


class DeliveryMetrics(pulumi.ComponentResource):
    """AppConfig deployment outcomes counted from EventBridge, and the rollback-rate dashboard."""

    dashboard_name: pulumi.Output[str]

    def __init__(self, name: str, args: DeliveryMetricsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:delivery:DeliveryMetrics", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-events",
            name=f"/aws/events/trustfabric-{args.deployment}-{args.cell}-appconfig-deployments",
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        aws.cloudwatch.LogResourcePolicy(
            f"{name}-events-delivery",
            policy_name=f"trustfabric-{args.deployment}-{args.cell}-appconfig-deployments",
            policy_document=log_group.arn.apply(
                lambda arn: policy_document(
                    [
                        {
                            "Sid": "EventBridgeWritesDeploymentEvents",
                            "Effect": "Allow",
                            "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": f"{arn}:*",
                        }
                    ]
                )
            ),
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-deployments",
            name=f"trustfabric-{args.deployment}-{args.cell}-appconfig-deployments",
            description="AppConfig deployments that completed or rolled back: the rollback-rate metric",
            event_pattern=event_pattern(),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-deployments-to-logs",
            rule=rule.name,
            arn=log_group.arn,
            opts=child,
        )
        for metric, detail_type in ((COMPLETED_METRIC, COMPLETE_EVENT), (ROLLED_BACK_METRIC, ROLLBACK_EVENT)):
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{metric.lower()}",
                name=metric,
                log_group_name=log_group.name,
                pattern=metric_pattern(detail_type),
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    namespace=metric_namespace(args.cell),
                    name=metric,
                    value="1",
                    default_value="0",
                    unit="Count",
                ),
                opts=child,
            )
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=f"trustfabric-{args.deployment}-{args.cell}-delivery",
            dashboard_body=dashboard_body(args.region, args.cell),
            opts=child,
        )
        self.dashboard_name = dashboard.dashboard_name
        self.register_outputs({"dashboard_name": self.dashboard_name})
