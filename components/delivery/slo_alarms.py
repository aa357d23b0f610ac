"""SLO burn-rate alarms in CloudWatch: the one definition of "healthy" that AppConfig rollbacks and FIS stop
conditions watch.

For each SLO of `slos/`, the fast page condition that `slogen` generates for Prometheus (the error ratio above
14.4 x the error budget over both 1h and 5m, scaled to the SLO's period) is declared again in CloudWatch, where
AppConfig and FIS can read it: two metric alarms (the long and the short window, each a metric-math error ratio)
and one composite alarm that is in ALARM only when both are. The composite alarm's ARN is what a monitor or stop
condition names.

The ratio is computed from two counters the cell's OpenTelemetry collector publishes per SLO (the metric
contract of `slogen.cloudwatch`, published by `components/observability/sli_metrics.py`): `TotalEvents` and
`BadEvents`, dimensions `Slo` and `Cell`; a timeslice SLO counts
minutes (one event per minute, bad when the gauge is on the wrong side of its threshold). No traffic is not an
outage: missing data is not breaching, so a quiet environment never rolls a deployment back.

Usage::

    alarms = SloAlarms(
        "uk-slo-alarms",
        SloAlarmsArgs(deployment="prod", cell="uk", slos=load_slo_dir(Path("slos"))),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    alarms.alarm_arns["filing-success"]         # the composite alarm of that SLO
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from slogen.alerts import AlertCondition, alert_conditions
from slogen.cloudwatch import BAD_METRIC, SLI_NAMESPACE, TOTAL_METRIC
from slogen.promql import duration_minutes
from slogen.spec import SloSpec

__all__ = ["BAD_METRIC", "SLI_NAMESPACE", "TOTAL_METRIC", "SloAlarms", "SloAlarmsArgs"]
_CELL = re.compile(r"^[a-z]{2}$")
_DEPLOYMENT = re.compile(r"^[a-z][a-z0-9-]{0,19}$")


@dataclass(frozen=True)
class SloAlarmsArgs:
    """Arguments of a cell's SLO alarms."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of every alarm name."""
    cell: str
    """The cell's name prefix (`uk`): the `Cell` dimension of the SLI metrics."""
    slos: Sequence[SloSpec]
    """The SLO specs (`slogen.spec.load_slo_dir`); one composite alarm each."""
    alarm_actions: Mapping[str, Sequence[pulumi.Input[str]]] = field(default_factory=dict)
    """Service -> topics its composite alarms notify: for services whose burn no AppConfig monitor or FIS stop
    condition acts on (the 48-hour drift SLO notifies the cell's model alert topic)."""


def validate_args(args: SloAlarmsArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    if not _DEPLOYMENT.match(args.deployment):
        raise ValueError(f"SloAlarms: deployment: {args.deployment!r} is not a deployment name; allowed: a-z, 0-9, '-'")
    if not _CELL.match(args.cell):
        raise ValueError(f"SloAlarms: cell: {args.cell!r} is not a cell name; allowed: two lowercase letters")
    if not args.slos:
        raise ValueError("SloAlarms: slos: must not be empty")
    names = [slo.name for slo in args.slos]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"SloAlarms: slos: {', '.join(duplicates)} listed twice")


def fast_burn(slo: SloSpec) -> AlertCondition:
    """The condition the alarms declare: the SLO's fastest page condition (long and short window)."""
    return alert_conditions(slo, "page")[0]


def alarm_name(deployment: str, cell: str, slo: SloSpec, window: str = "") -> str:
    """`trustfabric-prod-uk-filing-success-burn`, and `...-burn-1h` / `...-burn-5m` for its windows."""
    base = f"trustfabric-{deployment}-{cell}-{slo.name}-burn"
    return f"{base}-{window}" if window else base


def error_ratio_queries(
    slo: SloSpec, cell: str, period_seconds: int
) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgs]:
    """bad / total over one period, 0 when there was no traffic."""
    dimensions = {"Slo": slo.name, "Cell": cell}

    def metric(query_id: str, name: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
        return aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=query_id,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=SLI_NAMESPACE,
                metric_name=name,
                dimensions=dimensions,
                period=period_seconds,
                stat="Sum",
            ),
            return_data=False,
        )

    return [
        metric("bad", BAD_METRIC),
        metric("total", TOTAL_METRIC),
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="ratio", expression="IF(total > 0, bad / total, 0)", label="error ratio", return_data=True
        ),
    ]


class SloAlarms(pulumi.ComponentResource):
    """Per SLO: a long-window and a short-window error-ratio alarm, and the composite alarm of both."""

    alarm_arns: dict[str, pulumi.Output[str]]
    """SLO name -> ARN of its composite burn-rate alarm."""
    services: dict[str, tuple[str, ...]]
    """Service -> the names of its SLOs, sorted."""

    def __init__(self, name: str, args: SloAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:delivery:SloAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.alarm_arns = {}
        services: dict[str, list[str]] = {}
        for slo in args.slos:
            condition = fast_burn(slo)
            windows: list[aws.cloudwatch.MetricAlarm] = []
            for window, threshold in (
                (condition.long_window, condition.long_threshold),
                (condition.short_window, condition.short_threshold),
            ):
                windows.append(
                    aws.cloudwatch.MetricAlarm(
                        f"{name}-{slo.name}-{window}",
                        name=alarm_name(args.deployment, args.cell, slo, window),
                        alarm_description=(
                            f"{slo.display_name}: error ratio over {window} above {threshold:g} "
                            f"({condition.factor:g}x the {slo.window} budget). Runbook: {slo.runbook}"
                        ),
                        comparison_operator="GreaterThanThreshold",
                        threshold=threshold,
                        evaluation_periods=1,
                        datapoints_to_alarm=1,
                        treat_missing_data="notBreaching",
                        metric_queries=error_ratio_queries(slo, args.cell, duration_minutes(window) * 60),
                        opts=child,
                    )
                )
            long_alarm, short_alarm = windows
            composite = aws.cloudwatch.CompositeAlarm(
                f"{name}-{slo.name}",
                alarm_name=alarm_name(args.deployment, args.cell, slo),
                alarm_description=(
                    f"SLO {slo.name} ({slo.service}) burns its error budget fast in cell {args.cell}: "
                    f"rolls back AppConfig deployments and stops FIS experiments. Runbook: {slo.runbook}"
                ),
                alarm_rule=pulumi.Output.all(long_alarm.name, short_alarm.name).apply(
                    lambda names: f'ALARM("{names[0]}") AND ALARM("{names[1]}")'
                ),
                actions_enabled=True,
                alarm_actions=list(args.alarm_actions.get(slo.service, ())) or None,
                opts=child,
            )
            self.alarm_arns[slo.name] = composite.arn
            services.setdefault(slo.service, []).append(slo.name)
        self.services = {service: tuple(sorted(names)) for service, names in sorted(services.items())}
        self.register_outputs({"alarm_arns": self.alarm_arns})
