"""Datadog SLOs and burn-rate monitors, declared from the definitions `slogen.datadog` generates.

The same objectives and burn-rate factors as the Prometheus alerts, in Datadog: one metric SLO per objective and
one `slo alert` monitor per burn-rate window, notifying by severity (`@pagerduty-trustfabric-sev1`, ...). API and
application keys come from the deployer's environment (DD_API_KEY, DD_APP_KEY), never from config.

`pulumi_datadog` takes seconds to import, so only this module imports it, and the stack imports this module only
when it declares Datadog resources.

Usage::

    documents = slogen.documents.generate(Path("slos"))
    DatadogSlos("datadog-slos", DatadogSlosArgs(definitions=documents.datadog, environment="prod"),
                opts=pulumi.ResourceOptions(provider=datadog_provider))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_datadog as datadog

from slogen.datadog import SLO_ID, DatadogDefinition, DatadogRatioQuery, DatadogSliSpecification, DatadogThreshold


@dataclass(frozen=True)
class DatadogSlosArgs:
    definitions: Mapping[str, DatadogDefinition]
    """Generated definitions by artefact name `slo-<name>` (`SloDocuments.datadog`): an SLO and its monitors."""
    environment: str
    """The stack: tags every SLO and monitor `env:<stack>`."""


def validate_args(args: DatadogSlosArgs) -> None:
    if not args.definitions:
        raise ValueError("DatadogSlos: definitions: must not be empty")
    for name, document in args.definitions.items():
        if not isinstance(document, dict) or "slo" not in document or "monitors" not in document:
            raise ValueError(f"DatadogSlos: definitions[{name!r}]: expected an object with slo and monitors")


def ratio_query(query: DatadogRatioQuery | None) -> datadog.ServiceLevelObjectiveQueryArgsDict | None:
    if query is None:
        return None
    return datadog.ServiceLevelObjectiveQueryArgsDict(numerator=query["numerator"], denominator=query["denominator"])


def sli_specification(
    specification: DatadogSliSpecification | None,
) -> datadog.ServiceLevelObjectiveSliSpecificationArgsDict | None:
    if specification is None:
        return None
    time_slice = specification["time_slice"]
    queries = [
        datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryArgsDict(
            metric_query=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryMetricQueryArgsDict(
                name=query["metric_query"]["name"],
                data_source=query["metric_query"]["data_source"],
                query=query["metric_query"]["query"],
            )
        )
        for query in time_slice["query"]["queries"]
    ]
    formula = datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryFormulaArgsDict(
        formula_expression=time_slice["query"]["formula"]["formula_expression"]
    )
    return datadog.ServiceLevelObjectiveSliSpecificationArgsDict(
        time_slice=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceArgsDict(
            comparator=time_slice["comparator"],
            threshold=time_slice["threshold"],
            query_interval_seconds=time_slice["query_interval_seconds"],
            query=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryArgsDict(formula=formula, queries=queries),
        )
    )


def thresholds(items: list[DatadogThreshold]) -> list[datadog.ServiceLevelObjectiveThresholdArgsDict]:
    return [
        datadog.ServiceLevelObjectiveThresholdArgsDict(timeframe=item["timeframe"], target=item["target"])
        for item in items
    ]


def watching(query: str, slo_id: pulumi.Output[str]) -> pulumi.Output[str]:
    """A monitor's query with its `SLO_ID` placeholder replaced by the id of the SLO it watches."""
    return slo_id.apply(lambda identifier: query.replace(SLO_ID, identifier))


class DatadogSlos(pulumi.ComponentResource):
    def __init__(self, name: str, args: DatadogSlosArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:observability:DatadogSlos", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        env_tag = f"env:{args.environment}"
        self.slo_ids: dict[str, pulumi.Output[str]] = {}
        for key in sorted(args.definitions):
            definition = args.definitions[key]
            slug = key.removeprefix("slo-")
            spec = definition["slo"]
            slo = datadog.ServiceLevelObjective(
                f"{name}-{slug}",
                name=spec["name"],
                description=spec["description"],
                type=spec["type"],
                query=ratio_query(spec.get("query")),
                sli_specification=sli_specification(spec.get("sli_specification")),
                thresholds=thresholds(spec["thresholds"]),
                tags=[*spec["tags"], env_tag],
                opts=child,
            )
            self.slo_ids[slug] = slo.id
            for index, monitor in enumerate(definition["monitors"]):
                datadog.Monitor(
                    f"{name}-{slug}-burn-{index}",
                    name=monitor["name"],
                    type=monitor["type"],
                    message=monitor["message"],
                    priority=monitor["priority"],
                    query=watching(monitor["query"], slo.id),
                    monitor_thresholds=datadog.MonitorMonitorThresholdsArgsDict(
                        critical=monitor["monitor_thresholds"]["critical"]
                    ),
                    tags=[*monitor["tags"], env_tag],
                    opts=child,
                )
        self.register_outputs({"slo_ids": self.slo_ids})
