"""Breach-notification clocks: which apply to an incident, their deadlines, and whether each was met.

The rules are data (`data/clocks.yaml`, every row with its legal source); this module only applies them. A clock
applies when the incident involves personal data and one of its jurisdictions; it starts when we became aware
of the breach (`breach-aware`, else `detected`). Its state at an instant `now`:

| state | meaning | a failure? |
|---|---|---|
| met | notified no later than the deadline (or notified, for an "as soon as feasible" clock) | no |
| not required | the DPO logged `not-required:<ID>` | no |
| open | not notified yet, deadline still ahead | no |
| due now | an "as soon as feasible" clock not notified yet: no fixed hour, owed now | no |
| late | notified, but after the deadline | yes |
| overdue | not notified and the deadline has passed | yes |

Usage::

    from trustfabric.incident.clocks import evaluate_clocks

    for clock in evaluate_clocks(incident, now):
        print(clock.rule.id, clock.state, clock.deadline)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from trustfabric.errors import TrustFabricError

from . import PACKAGE_DIR
from .documents import read_document, validate_document
from .record import NOT_REQUIRED, Incident
from .timestamps import format_timestamp

CLOCKS_FILE = PACKAGE_DIR / "data" / "clocks.yaml"


class ClockState(StrEnum):
    met = "met"
    not_required = "not required"
    open = "open"
    due_now = "due now"
    late = "late"
    overdue = "overdue"

    @property
    def failed(self) -> bool:
        return self in (ClockState.late, ClockState.overdue)


@dataclass(frozen=True)
class ClockRule:
    """One notification duty: whom to notify, by when, under which law."""

    id: str
    """What the notification event names: `notified-<via>:<id>` meets it, `not-required:<id>` closes it."""
    jurisdiction: str
    law: str
    """Short citation, e.g. `GDPR Art. 33(1)`."""
    notify: str
    """Whom to notify."""
    via: str
    """`authority` or `subjects`: the notification event is `notified-authority:<id>` or `notified-subjects:<id>`."""
    source: str
    """The statute's words and where they are."""
    deadline: dt.timedelta | None
    """From awareness to the deadline; None for "as soon as feasible"."""
    us_state: str | None = None
    min_people: int | None = None
    condition: str = ""
    """When the duty arises beyond a personal data breach (shown, not judged)."""
    deadline_in_hours: bool = False
    """The law counts this deadline in hours (72 hours), not days."""

    @property
    def event(self) -> str:
        return f"notified-{self.via}:{self.id}"

    @property
    def deadline_text(self) -> str:
        """As the law says it: `72 hours`, `30 days`, `as soon as feasible`."""
        if self.deadline is None:
            return "as soon as feasible"
        if self.deadline_in_hours:
            return f"{int(self.deadline.total_seconds() // 3600)} hours"
        return f"{self.deadline.days} days"

    def applies_to(self, incident: Incident) -> bool:
        if not incident.personal_data or self.jurisdiction not in incident.jurisdictions:
            return False
        if self.us_state and incident.us_states and self.us_state not in incident.us_states:
            return False
        return not (
            self.min_people and incident.people_affected is not None and incident.people_affected < self.min_people
        )


@dataclass(frozen=True)
class Clock:
    """One clock of one incident at one instant."""

    rule: ClockRule
    start: dt.datetime
    now: dt.datetime
    notified_at: dt.datetime | None
    not_required_at: dt.datetime | None

    @property
    def deadline(self) -> dt.datetime | None:
        return self.start + self.rule.deadline if self.rule.deadline is not None else None

    @property
    def state(self) -> ClockState:
        deadline = self.deadline
        if self.notified_at is not None:
            return ClockState.late if deadline is not None and self.notified_at > deadline else ClockState.met
        if self.not_required_at is not None:
            return ClockState.not_required
        if deadline is None:
            return ClockState.due_now
        return ClockState.overdue if self.now > deadline else ClockState.open

    @property
    def elapsed(self) -> dt.timedelta:
        """From the start to the notification (or the decision), else to now."""
        return (self.notified_at or self.not_required_at or self.now) - self.start

    @property
    def remaining(self) -> dt.timedelta | None:
        """Deadline minus now (negative when overdue) while the clock runs; None once closed or with no deadline."""
        if self.deadline is None or self.notified_at is not None or self.not_required_at is not None:
            return None
        return self.deadline - self.now

    def as_dict(self) -> dict[str, Any]:
        deadline = self.deadline
        remaining = self.remaining
        return {
            "id": self.rule.id,
            "jurisdiction": self.rule.jurisdiction,
            "us_state": self.rule.us_state,
            "law": self.rule.law,
            "notify": self.rule.notify,
            "event": self.rule.event,
            "condition": self.rule.condition or None,
            "source": self.rule.source,
            "start": format_timestamp(self.start),
            "deadline": format_timestamp(deadline) if deadline else None,
            "deadline_rule": self.rule.deadline_text,
            "notified_at": format_timestamp(self.notified_at) if self.notified_at else None,
            "not_required_at": format_timestamp(self.not_required_at) if self.not_required_at else None,
            "elapsed_seconds": int(self.elapsed.total_seconds()),
            "remaining_seconds": int(remaining.total_seconds()) if remaining is not None else None,
            "state": self.state.value,
        }


def rules_from_data(data: Any, *, where: str) -> tuple[ClockRule, ...]:
    """The rules of a parsed clocks file, checked against `schemas/clocks.schema.json`."""
    validate_document(data, "clocks", where=where)
    rules = []
    for row in data["clocks"]:
        if "deadline_hours" in row:
            deadline: dt.timedelta | None = dt.timedelta(hours=row["deadline_hours"])
        elif "deadline_days" in row:
            deadline = dt.timedelta(days=row["deadline_days"])
        else:
            deadline = None
        rules.append(
            ClockRule(
                id=row["id"],
                jurisdiction=row["jurisdiction"],
                law=row["law"],
                notify=row["notify"],
                via=row["via"],
                source=" ".join(row["source"].split()),
                deadline=deadline,
                us_state=row.get("us_state"),
                min_people=row.get("min_people"),
                condition=row.get("condition", ""),
                deadline_in_hours="deadline_hours" in row,
            )
        )
    ids = [rule.id for rule in rules]
    repeated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if repeated:
        raise TrustFabricError(f"{where}: clocks: the id {repeated[0]} is used twice")
    return tuple(rules)


@cache
def clock_rules() -> tuple[ClockRule, ...]:
    """The shipped rules (`data/clocks.yaml`)."""
    return rules_from_data(read_document(CLOCKS_FILE), where=str(CLOCKS_FILE))


def evaluate_clocks(incident: Incident, now: dt.datetime, rules: tuple[ClockRule, ...] | None = None) -> list[Clock]:
    """Every clock that applies to `incident`, as it stands at `now`."""
    clocks = []
    for rule in rules if rules is not None else clock_rules():
        if not rule.applies_to(incident):
            continue
        notified = next((e.at for e in incident.timeline if e.event == rule.event), None)
        waived = next((e.at for e in incident.timeline if e.event == f"{NOT_REQUIRED}:{rule.id}"), None)
        clocks.append(Clock(rule=rule, start=incident.aware_at, now=now, notified_at=notified, not_required_at=waived))
    return clocks


def unmatched_notifications(incident: Incident, clocks: list[Clock]) -> list[str]:
    """Notification and `not-required` events of the timeline that name no clock of this incident (a typo, or
    a notification no rule models, such as a customer's contract)."""
    known = {clock.rule.event for clock in clocks} | {f"{NOT_REQUIRED}:{clock.rule.id}" for clock in clocks}
    return [
        entry.event
        for entry in incident.timeline
        if entry.kind in ("notified-authority", "notified-subjects", NOT_REQUIRED) and entry.event not in known
    ]


def us_states_without_clock(incident: Incident, rules: tuple[ClockRule, ...] | None = None) -> list[str]:
    """Affected US states the table has no row for: their laws still apply, and the DPO checks them."""
    if not incident.personal_data or "US" not in incident.jurisdictions:
        return []
    covered = {rule.us_state for rule in (rules if rules is not None else clock_rules()) if rule.us_state}
    return [state for state in incident.us_states if state not in covered]


def us_states_unrecorded(incident: Incident) -> bool:
    """True when US personal data is involved but the affected states are not recorded yet."""
    return incident.personal_data and "US" in incident.jurisdictions and not incident.us_states
