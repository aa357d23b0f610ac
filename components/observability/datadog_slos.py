"""Datadog SLOs and burn-rate monitors, from the definitions the SLO generator writes (`rules.datadog_definitions`).

The same objectives and burn-rate factors as the Prometheus alerts, in Datadog: one metric SLO per objective and
one `slo alert` monitor per burn-rate window, notifying by severity (`@pagerduty-trustfabric-sev1`, ...). API and
application keys come from the deployer's environment (DD_API_KEY, DD_APP_KEY), never from config.

`pulumi_datadog` takes seconds to import, so only this module imports it, and the stack imports this module only
when it declares Datadog resources.

Usage::

    DatadogSlos("datadog-slos", DatadogSlosArgs(definitions=generated, environment="prod"),
                opts=pulumi.ResourceOptions(provider=datadog_provider))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_datadog as datadog


@dataclass(frozen=True)
class DatadogSlosArgs:
    definitions: Mapping[str, str]
    """Generated files `datadog/slo-<name>.json` (name -> JSON with `slo` and `monitors`)."""
    environment: str
    """The stack: tags every SLO and monitor `env:<stack>`."""


def validate_args(args: DatadogSlosArgs) -> None:
    if not args.definitions:
        raise ValueError("DatadogSlos: definitions: must not be empty")
    for name, text in args.definitions.items():
        document = json.loads(text)
        if not isinstance(document, dict) or "slo" not in document or "monitors" not in document:
            raise ValueError(f"DatadogSlos: definitions[{name!r}]: expected an object with slo and monitors")


class DatadogSlos(pulumi.ComponentResource):
    def __init__(self, name: str, args: DatadogSlosArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:observability:DatadogSlos", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        env_tag = f"env:{args.environment}"
        self.slo_ids: dict[str, pulumi.Output[str]] = {}
        for key in sorted(args.definitions):
            document: dict[str, Any] = json.loads(args.definitions[key])
            slug = key.rsplit("/", 1)[-1].removesuffix(".json").removeprefix("slo-")
            spec = document["slo"]
            slo = datadog.ServiceLevelObjective(
                f"{name}-{slug}",
                name=spec["name"],
                description=spec["description"],
                type=spec["type"],
                query=spec.get("query"),
                sli_specification=spec.get("sli_specification"),
                thresholds=spec["thresholds"],
                tags=[*spec["tags"], env_tag],
                opts=child,
            )
            self.slo_ids[slug] = slo.id
            for index, monitor in enumerate(document["monitors"]):
                datadog.Monitor(
                    f"{name}-{slug}-burn-{index}",
                    name=monitor["name"],
                    type=monitor["type"],
                    message=monitor["message"],
                    priority=monitor["priority"],
                    query=slo.id.apply(lambda slo_id, q=monitor["query"]: q.replace("{slo_id}", slo_id)),
                    monitor_thresholds=monitor["monitor_thresholds"],
                    tags=[*monitor["tags"], env_tag],
                    opts=child,
                )
        self.register_outputs({"slo_ids": self.slo_ids})
