"""What a stack declares for chaos, read from its previewed graph: the FIS experiment templates with their stop
conditions, and the game-day schedules with their next runs.

Usage::

    from trustfabric.chaos.catalog import experiment_templates, next_game_days

    graph = load_graph("prod", None)
    for template in experiment_templates(graph):
        template.name, template.stop_conditions
    for entry in next_game_days(graph, after=now, count=3):
        entry.cell, entry.starts_at, entry.experiment
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from domain.game_days import BLACKOUT_TAG, GameDay, parse_cron
from domain.game_days import next_game_days as occurrences

from ..graph import ResourceGraph

TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
SCHEDULE = "aws:scheduler/schedule:Schedule"
GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
FIS_TARGET_PREFIX = "arn:aws:scheduler:::aws-sdk:fis:"


@dataclass(frozen=True)
class StopCondition:
    source: str
    value: str
    """The alarm ARN (or `(known after deploy)`)."""

    @property
    def alarm(self) -> str:
        """The alarm's name: the last part of its ARN."""
        return self.value.rsplit(":", 1)[-1] if self.value.startswith("arn:") else self.value


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    """The Pulumi resource name (`uk-chaos-az-impairment`)."""
    template_id: str
    region: str
    description: str
    actions: tuple[str, ...]
    stop_conditions: tuple[StopCondition, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.template_id,
            "region": self.region,
            "description": self.description,
            "actions": list(self.actions),
            "stop_conditions": [{"source": s.source, "alarm": s.alarm, "value": s.value} for s in self.stop_conditions],
        }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "(known after deploy)"


def experiment_templates(graph: ResourceGraph) -> list[TemplateInfo]:
    """Every FIS experiment template of the graph, by name."""
    found = []
    for resource in graph.resources.values():
        if resource.type != TEMPLATE:
            continue
        inputs = resource.inputs
        found.append(
            TemplateInfo(
                name=resource.name,
                template_id=resource.id,
                region=resource.region or "",
                description=_text(inputs.get("description", "")),
                actions=tuple(_text(a.get("actionId")) for a in inputs.get("actions") or [] if isinstance(a, dict)),
                stop_conditions=tuple(
                    StopCondition(_text(s.get("source")), _text(s.get("value", "none")))
                    for s in inputs.get("stopConditions") or []
                    if isinstance(s, dict)
                ),
            )
        )
    return sorted(found, key=lambda template: template.name)


@dataclass(frozen=True)
class CalendarEntry:
    schedule: str
    """The schedule's name (`trustfabric-prod-uk-game-day-az-impairment-d08`)."""
    group: str
    experiment: str
    """The template id the schedule starts."""
    starts_at: dt.datetime
    time_zone: str
    blackouts: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "schedule": self.schedule,
            "group": self.group,
            "experiment_template": self.experiment,
            "starts_at": self.starts_at.isoformat(),
            "time_zone": self.time_zone,
            "blackouts": self.blackouts,
        }


def next_game_days(graph: ResourceGraph, *, after: dt.datetime, count: int) -> list[CalendarEntry]:
    """The next `count` runs of each schedule group's game days (in its time zone), soonest first per group."""
    tags = {
        resource.inputs.get("name"): (resource.inputs.get("tags") or {}).get(BLACKOUT_TAG, "")
        for resource in graph.resources.values()
        if resource.type == GROUP
    }
    by_group: dict[str, list[CalendarEntry]] = {}
    for resource in graph.resources.values():
        inputs = resource.inputs
        target = inputs.get("target") or {}
        if resource.type != SCHEDULE or not str(target.get("arn", "")).startswith(FIS_TARGET_PREFIX):
            continue
        parsed = parse_cron(str(inputs.get("scheduleExpression", "")))
        if parsed is None:
            continue
        minute, hour, day, months = parsed
        try:
            template = str(json.loads(target.get("input") or "{}").get("ExperimentTemplateId", "?"))
        except (TypeError, ValueError):
            template = "?"
        zone = str(inputs.get("scheduleExpressionTimezone") or "UTC")
        group = str(inputs.get("groupName") or "default")
        days = [GameDay(month, day, template) for month in months]
        for occurrence in occurrences(days, hour=hour, minute=minute, time_zone=zone, after=after, count=count):
            by_group.setdefault(group, []).append(
                CalendarEntry(
                    schedule=str(inputs.get("name") or resource.name),
                    group=group,
                    experiment=occurrence.experiment,
                    starts_at=occurrence.starts_at,
                    time_zone=zone,
                    blackouts=str(tags.get(group, "")),
                )
            )
    entries = []
    for group in sorted(by_group):
        entries += sorted(by_group[group], key=lambda entry: entry.starts_at)[:count]
    return entries
