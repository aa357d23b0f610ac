"""The blameless postmortem, pre-filled from an incident record: `runbooks/postmortem-template.md` is a Jinja2
template; this module gives it the facts (timeline, durations against targets, notification clocks) and leaves
every judgement (impact, root cause, actions) marked for the review to write.

Usage::

    from trustfabric.incident.postmortem import render_postmortem

    markdown = render_postmortem(incident, now=now_utc())
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from trustfabric.errors import TrustFabricError

from ..paths import REPO_ROOT
from .clocks import Clock, evaluate_clocks, unmatched_notifications
from .record import BREACH_AWARE, Incident
from .targets import TARGETS
from .timestamps import format_duration, format_timestamp

DEFAULT_TEMPLATE = REPO_ROOT / "runbooks" / "postmortem-template.md"
TO_WRITE = "_to be written by the review_"


@dataclass(frozen=True)
class Duration:
    """One of the four durations of the lifecycle, with its target where one is set."""

    name: str
    start_label: str
    end_label: str
    took: dt.timedelta | None
    target: dt.timedelta | None

    @property
    def verdict(self) -> str:
        if self.took is None:
            return "not recorded"
        if self.target is None:
            return "-"
        return "met" if self.took < self.target else "missed"

    @property
    def took_text(self) -> str:
        return format_duration(self.took) if self.took is not None else "not recorded"

    @property
    def target_text(self) -> str:
        return f"< {format_duration(self.target)}" if self.target is not None else "-"


def durations(incident: Incident) -> list[Duration]:
    """Time to detect, acknowledge, mitigate and resolve (None where a timestamp is not in the record)."""
    targets = TARGETS[incident.severity]

    def between(start: dt.datetime | None, end: dt.datetime | None) -> dt.timedelta | None:
        return end - start if start is not None and end is not None else None

    detected = incident.detected_at
    return [
        Duration(
            "Time to detect", "impact start", "detected", between(incident.impact_started_at, detected), targets.detect
        ),
        Duration(
            "Time to acknowledge",
            "detected",
            "acknowledged",
            between(detected, incident.time_of("acknowledged")),
            targets.acknowledge,
        ),
        Duration("Time to mitigate", "detected", "mitigated", between(detected, incident.time_of("mitigated")), None),
        Duration(
            "Time to resolve", "detected", "resolved", between(detected, incident.time_of("resolved")), targets.resolve
        ),
    ]


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _timestamp(value: dt.datetime | None) -> str:
    return format_timestamp(value) if value is not None else "not recorded"


def _clock_row(clock: Clock) -> dict[str, str]:
    deadline = clock.deadline
    return {
        "to": clock.rule.notify,
        "required_by": clock.rule.law,
        "deadline": format_timestamp(deadline) if deadline else clock.rule.deadline_text,
        "sent_at": format_timestamp(clock.notified_at) if clock.notified_at else "-",
        "state": clock.state.value,
        "event": clock.rule.event,
    }


def context(incident: Incident, now: dt.datetime) -> dict[str, Any]:
    """Everything the template may use."""
    clocks = evaluate_clocks(incident, now)
    return {
        "incident": incident,
        "severity": incident.severity.capitalize(),
        "cells": ", ".join(incident.jurisdictions),
        "started": _timestamp(incident.impact_started_at),
        "detected": _timestamp(incident.detected_at),
        "acknowledged": _timestamp(incident.time_of("acknowledged")),
        "mitigated": _timestamp(incident.time_of("mitigated")),
        "resolved": _timestamp(incident.time_of("resolved")),
        "aware": format_timestamp(incident.aware_at),
        "aware_source": BREACH_AWARE if incident.time_of(BREACH_AWARE) else "detected",
        "timeline": [
            {
                "at": format_timestamp(entry.at),
                "event": f"{entry.event}: {entry.note}" if entry.note else entry.event,
                "by": entry.by,
            }
            for entry in incident.timeline
        ],
        "durations": durations(incident),
        "clocks": [_clock_row(clock) for clock in clocks],
        "clocks_failed": [clock.rule.id for clock in clocks if clock.state.failed],
        "other_notifications": unmatched_notifications(incident, clocks),
        "now": format_timestamp(now),
        "to_write": TO_WRITE,
    }


def render_postmortem(incident: Incident, *, now: dt.datetime, template: Path = DEFAULT_TEMPLATE) -> str:
    """The postmortem of `incident` as Markdown; a template that does not render is bad input naming the file."""
    try:
        source = template.read_text(encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"--template: {template}: cannot read: {error.strerror or error}") from None
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML; table cells go through `cell`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["cell"] = _cell
    try:
        return environment.from_string(source).render(**context(incident, now))
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        where = f"{template}:{line}" if line else str(template)
        raise TrustFabricError(f"--template: {where}: {error.message or error}") from None
