"""Incident records: plain YAML or JSON files in `incidents/`, one per incident, kept in git as evidence.

A record holds what happened (title, severity, service), where (jurisdiction cells, affected US states), whether
personal data is involved, when the impact started, and a timeline of events in time order::

    id: INC-2026-12-04-001
    title: Ledger writes failing in the UK cell
    severity: sev1
    service: ledger
    jurisdictions: [UK]
    personal_data: false
    impact_started_at: '2026-12-04T09:10:30Z'
    timeline:
    - {at: '2026-12-04T09:12:00Z', event: detected, note: LedgerFreshnessErrorBudgetBurnPage}
    - {at: '2026-12-04T09:14:00Z', event: acknowledged, by: on-call platform}

Events: the lifecycle `detected`, `acknowledged`, `mitigated`, `resolved` (each once, in that order, the first
event is always `detected`); `breach-aware` (the moment we became aware that personal data was compromised: the
notification clocks start here, else at `detected`); `notified-authority:<ID>` and `notified-subjects[:<ID>]`
(a notification sent; ID names the clock it meets, e.g. `ICO`, `EU-SA`, `OPC`, `US-TX`); `not-required:<ID>`
(the DPO decided that clock's notification is not required; the note says why); `note`.

Every read checks the schema (`schemas/incident.schema.json`) and these rules; a problem is one line naming the
file and the field.

Usage::

    from trustfabric.incident.record import load_incident, find_record

    incident = load_incident(find_record(Path("incidents"), "INC-2026-12-04-001"))
    incident.time_of("acknowledged") - incident.detected_at
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from domain.residency import JURISDICTIONS
from trustfabric.errors import TrustFabricError

from .documents import SUFFIXES, read_document, validate_document, write_document
from .targets import SEVERITIES
from .timestamps import format_timestamp, parse_timestamp

LIFECYCLE: tuple[str, ...] = ("detected", "acknowledged", "mitigated", "resolved")
BREACH_AWARE = "breach-aware"
NOTE = "note"
NOTIFIED_AUTHORITY = "notified-authority"
NOTIFIED_SUBJECTS = "notified-subjects"
NOT_REQUIRED = "not-required"
ALLOWED_EVENTS = (
    "detected, acknowledged, mitigated, resolved, breach-aware, notified-authority:<ID>, "
    "notified-subjects[:<ID>], not-required:<ID>, note"
)

ID_PATTERN = re.compile(r"^INC-(\d{4}-\d{2}-\d{2})-(\d{3})$")
_TARGET = r"[A-Z][A-Z0-9-]*"
_EVENT = re.compile(
    rf"^(?:{'|'.join(LIFECYCLE)}|{BREACH_AWARE}|{NOTE}|{NOTIFIED_AUTHORITY}:{_TARGET}|"
    rf"{NOTIFIED_SUBJECTS}(?::{_TARGET})?|{NOT_REQUIRED}:{_TARGET})$"
)

_STATE_CODES = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI"
US_STATES: frozenset[str] = frozenset(_STATE_CODES.split(" "))
"""USPS codes of the 50 states, DC and the territories with breach-notification laws (PR, GU, VI)."""


@dataclass(frozen=True)
class Event:
    """One entry of the timeline."""

    at: dt.datetime
    """When it happened (UTC)."""
    event: str
    """What happened: a lifecycle step, `breach-aware`, a notification, `not-required:<ID>` or `note`."""
    note: str = ""
    """Free text: what was seen or decided, the reference of a notification."""
    by: str = ""
    """Who did it or decided it (a role or a name)."""

    @property
    def target(self) -> str:
        """`ICO` for `notified-authority:ICO`; empty for events without a target."""
        return self.event.partition(":")[2]

    @property
    def kind(self) -> str:
        """`notified-authority` for `notified-authority:ICO`; the event itself otherwise."""
        return self.event.partition(":")[0]

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"at": format_timestamp(self.at), "event": self.event}
        if self.note:
            entry["note"] = self.note
        if self.by:
            entry["by"] = self.by
        return entry


@dataclass(frozen=True)
class Incident:
    """One incident record, checked."""

    id: str
    title: str
    severity: str
    service: str
    jurisdictions: tuple[str, ...]
    personal_data: bool
    timeline: tuple[Event, ...]
    impact_started_at: dt.datetime | None = None
    """When the impact began; None while unknown (MTTD cannot be measured then)."""
    us_states: tuple[str, ...] = ()
    """Affected US states (USPS codes); empty while unknown."""
    people_affected: int | None = None
    exercise: bool = False
    """A tabletop exercise or an example: the metrics never count it."""
    path: Path | None = field(default=None, compare=False)
    """The file it was read from or is written to."""

    def time_of(self, event: str) -> dt.datetime | None:
        """When `event` was first logged, or None."""
        return next((entry.at for entry in self.timeline if entry.event == event), None)

    @property
    def detected_at(self) -> dt.datetime:
        return self.timeline[0].at

    @property
    def aware_at(self) -> dt.datetime:
        """When the breach-notification clocks start: `breach-aware` if logged, else detection."""
        return self.time_of(BREACH_AWARE) or self.detected_at

    @property
    def resolved(self) -> bool:
        return self.time_of("resolved") is not None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "service": self.service,
            "jurisdictions": list(self.jurisdictions),
        }
        if self.us_states:
            data["us_states"] = list(self.us_states)
        data["personal_data"] = self.personal_data
        if self.people_affected is not None:
            data["people_affected"] = self.people_affected
        if self.exercise:
            data["exercise"] = True
        data["impact_started_at"] = format_timestamp(self.impact_started_at) if self.impact_started_at else None
        data["timeline"] = [entry.as_dict() for entry in self.timeline]
        return data


def event_problem(timeline: Sequence[Event], index: int, *, personal_data: bool = True) -> str | None:
    """Why `timeline[index]` cannot follow the events before it, or None when it can."""
    entry = timeline[index]
    earlier = timeline[:index]
    if not _EVENT.match(entry.event):
        return f"unknown event {entry.event!r}; allowed: {ALLOWED_EVENTS}"
    if index == 0:
        return None if entry.event == "detected" else f"the timeline starts with 'detected', not {entry.event!r}"
    previous = earlier[-1]
    if entry.at < previous.at:
        return (
            f"{entry.event!r} at {format_timestamp(entry.at)} is before the previous event "
            f"({previous.event!r} at {format_timestamp(previous.at)}); events are kept in time order"
        )
    logged = {e.event: e for e in earlier}
    if (entry.event in LIFECYCLE or entry.event == BREACH_AWARE) and entry.event in logged:
        return f"{entry.event!r} is already logged at {format_timestamp(logged[entry.event].at)}"
    if entry.event in LIFECYCLE:
        before = LIFECYCLE[LIFECYCLE.index(entry.event) - 1]
        if before not in logged:
            return f"{entry.event!r} before {before!r}; the lifecycle is {', '.join(LIFECYCLE)}"
    if entry.event == BREACH_AWARE and not personal_data:
        return f"{BREACH_AWARE!r} on an incident with personal_data false; set personal_data to true"
    return None


def incident_from_dict(data: Any, *, where: str) -> Incident:
    """Check `data` (a parsed record) against the schema and the timeline rules; `where` names the file."""
    if data is None:
        raise TrustFabricError(f"{where}: empty file; an incident record is a mapping (id, title, severity, ...)")
    validate_document(data, "incident", where=where)
    timeline: list[Event] = []
    for index, entry in enumerate(data["timeline"]):
        timeline.append(
            Event(
                at=parse_timestamp(entry["at"], where=f"{where}: timeline[{index}].at"),
                event=entry["event"],
                note=entry.get("note", ""),
                by=entry.get("by", ""),
            )
        )
    personal_data = bool(data["personal_data"])
    for index in range(len(timeline)):
        problem = event_problem(timeline, index, personal_data=personal_data)
        if problem:
            raise TrustFabricError(f"{where}: timeline[{index}].event: {problem}")
    started = data.get("impact_started_at")
    impact_started_at = None
    if started is not None:
        impact_started_at = parse_timestamp(started, where=f"{where}: impact_started_at")
        if impact_started_at > timeline[0].at:
            raise TrustFabricError(
                f"{where}: impact_started_at: {format_timestamp(impact_started_at)} is after 'detected' "
                f"({format_timestamp(timeline[0].at)})"
            )
    us_states = tuple(data.get("us_states", ()))
    if us_states and "US" not in data["jurisdictions"]:
        raise TrustFabricError(f"{where}: us_states: listed, but US is not among the jurisdictions")
    unknown = [code for code in us_states if code not in US_STATES]
    if unknown:
        raise TrustFabricError(f"{where}: us_states: {unknown[0]!r} is not a USPS code of a US state or territory")
    return Incident(
        id=data["id"],
        title=data["title"],
        severity=data["severity"],
        service=data["service"],
        jurisdictions=tuple(data["jurisdictions"]),
        personal_data=personal_data,
        timeline=tuple(timeline),
        impact_started_at=impact_started_at,
        us_states=us_states,
        people_affected=data.get("people_affected"),
        exercise=bool(data.get("exercise", False)),
    )


def load_incident(path: Path) -> Incident:
    """Read and check one record; its id must be its file name."""
    incident = incident_from_dict(read_document(path), where=str(path))
    if incident.id != path.stem:
        raise TrustFabricError(f"{path}: id: {incident.id!r} differs from the file name {path.stem!r}")
    return replace(incident, path=path)


def save_incident(incident: Incident) -> Path:
    """Write the record to its path (YAML or JSON by suffix)."""
    if incident.path is None:
        raise ValueError(f"{incident.id}: no path to write to")
    write_document(incident.path, incident.as_dict())
    return incident.path


def check_id(text: str) -> str:
    """`text` when it is an incident id; bad input otherwise."""
    if not ID_PATTERN.match(text):
        raise TrustFabricError(f"ID: {text!r} is not an incident id like INC-2026-12-04-001")
    return text


def _check_folder(directory: Path) -> None:
    if not directory.is_dir():
        raise TrustFabricError(f"--dir: {directory}: no such folder")


def find_record(directory: Path, incident_id: str) -> Path:
    """The file of `incident_id` in `directory` (`<ID>.yaml`, `.yml` or `.json`)."""
    check_id(incident_id)
    _check_folder(directory)
    found = [
        directory / f"{incident_id}{suffix}" for suffix in SUFFIXES if (directory / f"{incident_id}{suffix}").is_file()
    ]
    if not found:
        raise TrustFabricError(f"{directory}: no incident record {incident_id} ({incident_id}.yaml, .yml or .json)")
    if len(found) > 1:
        raise TrustFabricError(
            f"{directory}: {incident_id} has more than one record: {', '.join(p.name for p in found)}"
        )
    return found[0]


def record_files(directory: Path) -> list[Path]:
    """The record files of a folder: its YAML and JSON files (README.md and postmortems are not records)."""
    _check_folder(directory)
    return sorted(path for path in directory.iterdir() if path.is_file() and path.suffix in SUFFIXES)


def load_folder(directory: Path) -> list[Incident]:
    """Every record of a folder, checked; two files with one id are bad input."""
    incidents: dict[str, Incident] = {}
    for path in record_files(directory):
        incident = load_incident(path)
        if incident.id in incidents:
            raise TrustFabricError(f"{path}: id: {incident.id} is also the id of {incidents[incident.id].path}")
        incidents[incident.id] = incident
    return sorted(incidents.values(), key=lambda incident: (incident.detected_at, incident.id))


def next_id(directory: Path, day: dt.date) -> str:
    """`INC-<day>-NNN`, one more than the highest number of that day in the folder."""
    prefix = f"INC-{day.isoformat()}-"
    numbers = [
        int(match.group(2))
        for path in (directory.iterdir() if directory.is_dir() else ())
        if (match := ID_PATTERN.match(path.stem)) and path.stem.startswith(prefix)
    ]
    number = max(numbers, default=0) + 1
    if number > 999:
        raise TrustFabricError(f"{directory}: {prefix}999 is taken: no more incident ids for {day.isoformat()}")
    return f"{prefix}{number:03d}"


def known_jurisdiction(code: str) -> str:
    """`code` upper-cased when it is a jurisdiction cell; bad input otherwise."""
    upper = code.upper()
    if upper not in JURISDICTIONS:
        raise TrustFabricError(f"--jurisdiction: unknown jurisdiction {code!r}; allowed: {', '.join(JURISDICTIONS)}")
    return upper


def known_severity(text: str) -> str:
    lower = text.lower()
    if lower not in SEVERITIES:
        raise TrustFabricError(f"--severity: {text!r} is not one of {', '.join(SEVERITIES)}")
    return lower
