"""The SLI counters' path to CloudWatch: what the burn-rate alarms of the delivery layer read.

Prometheus records two per-minute counters per SLO (`slogen.cloudwatch.counter_rule_file`, one PrometheusRule
object of the telemetry stack). The cell's OpenTelemetry collector:

- federates only those two series from the cell's Prometheus (`prometheus/sli` receiver, every minute);
- renames them to the CloudWatch metrics of the contract and keeps exactly the `Slo` and `Cell` dimensions
  (`transform/sli` processor);
- publishes them as CloudWatch embedded-metric-format records (`awsemf/sli` exporter) to one log group of the
  cell, from which CloudWatch extracts `TrustFabric/SLI` metrics. No `cloudwatch:PutMetricData` grant is needed.

`SliPublisher` declares that log group (the cell's logs key, the stack's retention) and grants the collector's
role only `logs:CreateLogStream`, `logs:PutLogEvents` and `logs:DescribeLogStreams` on it: the group is never
created by the collector, no other group is writable.

The collector reads this pipeline as a second configuration file (`collector_sli_config`), from its own
ConfigMap: its content is known before deployment, so a policy can read what the collector publishes
(`aws-cloudwatch-alarm-metric-published`).

Usage::

    publisher = SliPublisher(
        "uk-sli-metrics",
        SliPublisherArgs(deployment="prod", cell="uk", region="eu-west-2", role_name=collector.role_name,
                         logs_kms_key_arn=keys["logs"]),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    TelemetryArgs(..., sli_metrics=collector_sli_config(cell="uk", region="eu-west-2",
                                                        log_group_name=publisher.log_group_name))
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.validation import require_range
from slogen.cloudwatch import DIMENSIONS, RECORDS, SLI_NAMESPACE

PUBLISH_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")
PROMETHEUS_URL = "kube-prometheus-stack-prometheus.observability:9090"
"""The cell's Prometheus service (release `kube-prometheus-stack`, namespace `observability`)."""
LOG_STREAM = "otel-collector"
_CELL = re.compile(r"^[a-z]{2}$")
_DEPLOYMENT = re.compile(r"^[a-z][a-z0-9-]{0,19}$")


def log_group_name(deployment: str, cell: str) -> str:
    return f"/trustfabric/{deployment}/{cell}/sli-metrics"


def collector_sli_config(*, cell: str, region: str, log_group_name: str, prometheus: str = PROMETHEUS_URL) -> Any:
    """The collector's SLI pipeline, a configuration file merged with its main one (memory limiter and batch
    processors come from there)."""
    if not _CELL.match(cell):
        raise ValueError(f"collector_sli_config: cell: {cell!r} is not a cell name; allowed: two lowercase letters")
    selector = '{__name__=~"' + "|".join(sorted(RECORDS)) + '"}'
    renames = [f'set(name, "{metric}") where name == "{record}"' for record, metric in sorted(RECORDS.items())]
    return {
        "receivers": {
            "prometheus/sli": {
                "config": {
                    "scrape_configs": [
                        {
                            "job_name": "sli-federate",
                            "scrape_interval": "60s",
                            "honor_labels": True,
                            "metrics_path": "/federate",
                            "params": {"match[]": [selector]},
                            "static_configs": [{"targets": [prometheus]}],
                        }
                    ]
                }
            }
        },
        "processors": {
            "filter/sli": {
                "error_mode": "propagate",
                "metrics": {"metric": [" and ".join(f'name != "{record}"' for record in sorted(RECORDS))]},
            },
            "transform/sli": {
                "error_mode": "propagate",
                "metric_statements": [
                    {"context": "metric", "statements": renames},
                    {
                        "context": "datapoint",
                        "statements": [
                            'set(attributes["Slo"], attributes["slo"])',
                            f'set(attributes["Cell"], "{cell}")',
                            f"keep_keys(attributes, [{', '.join(json.dumps(key) for key in DIMENSIONS)}])",
                        ],
                    },
                ],
            },
        },
        "exporters": {
            "awsemf/sli": {
                "namespace": SLI_NAMESPACE,
                "region": region,
                "log_group_name": log_group_name,
                "log_stream_name": LOG_STREAM,
                "dimension_rollup_option": "NoDimensionRollup",
                "resource_to_telemetry_conversion": {"enabled": False},
                "metric_declarations": [
                    {
                        "dimensions": [list(DIMENSIONS)],
                        "metric_name_selectors": [f"^{metric}$" for metric in sorted(RECORDS.values())],
                    }
                ],
            }
        },
        "service": {
            "pipelines": {
                "metrics/sli": {
                    "receivers": ["prometheus/sli"],
                    "processors": ["memory_limiter", "filter/sli", "transform/sli", "batch"],
                    "exporters": ["awsemf/sli"],
                }
            }
        },
    }


def publish_policy(log_group_arn: str) -> str:
    """Log streams and events of the one SLI log group; nothing else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublishSliMetrics",
                    "Effect": "Allow",
                    "Action": list(PUBLISH_ACTIONS),
                    "Resource": [log_group_arn, f"{log_group_arn}:log-stream:*"],
                }
            ],
        },
        sort_keys=True,
    )


@dataclass(frozen=True)
class SliPublisherArgs:
    """Arguments of a cell's SLI metric publishing."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr)."""
    cell: str
    """The cell's name prefix (`uk`): the `Cell` dimension."""
    region: str
    """Region of the cell's provider (where the metrics and alarms live)."""
    role_name: pulumi.Input[str]
    """The collector's role (`CollectorIdentity.role_name`), granted writes to the log group only."""
    logs_kms_key_arn: pulumi.Input[str]
    """The cell's logs key: encrypts the embedded-metric records."""
    log_retention_days: int = 400
    """Retention of the records: 365..3653 days (the metrics themselves live in CloudWatch)."""


def validate_args(args: SliPublisherArgs) -> None:
    if not _DEPLOYMENT.match(args.deployment):
        raise ValueError(
            f"SliPublisher: deployment: {args.deployment!r} is not a deployment name; allowed: a-z, 0-9, '-'"
        )
    if not _CELL.match(args.cell):
        raise ValueError(f"SliPublisher: cell: {args.cell!r} is not a cell name; allowed: two lowercase letters")
    require_range("SliPublisher", "log_retention_days", args.log_retention_days, 365, 3653)


class SliPublisher(pulumi.ComponentResource):
    """The SLI log group (CMK, retention) and the collector role's grant to write it."""

    log_group_name: str
    log_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SliPublisherArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:observability:SliPublisher", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.log_group_name = log_group_name(args.deployment, args.cell)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=self.log_group_name,
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        policy: Any = identity.account_id.apply(
            lambda account: publish_policy(f"arn:aws:logs:{args.region}:{account}:log-group:{self.log_group_name}")
        )
        aws.iam.RolePolicy(
            f"{name}-publish",
            role=args.role_name,
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group]),
        )
        self.log_group_arn = log_group.arn
        self.register_outputs({"log_group_arn": self.log_group_arn})
