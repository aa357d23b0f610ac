"""Opening a record and logging events: every change goes through the same rules a record is read with.

Usage::

    from trustfabric.incident.lifecycle import OpenRequest, open_incident, log_event

    incident = open_incident(Path("incidents"), OpenRequest(severity="sev1", service="ledger", ...), now)
    incident = log_event(incident.path, "acknowledged", at=now, note="on it", by="on-call platform")
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from trustfabric.errors import TrustFabricError

from .record import (
    BREACH_AWARE,
    LIFECYCLE,
    US_STATES,
    Event,
    Incident,
    event_problem,
    incident_from_dict,
    known_jurisdiction,
    known_severity,
    load_incident,
    next_id,
    save_incident,
)
from .timestamps import format_timestamp

STARTED = "started"
"""Not a timeline event: `log ID started --at T` records when the impact began (`impact_started_at`), which is
usually learned after detection."""


@dataclass(frozen=True)
class OpenRequest:
    """What `trustfabric incident open` is given."""

    severity: str
    """sev1, sev2 or sev3."""
    service: str
    """The affected service (e.g. ledger, filing, ingestion)."""
    jurisdictions: tuple[str, ...]
    """Affected jurisdiction cells: UK, EU, US, CA."""
    personal_data: bool
    """Whether personal data may be involved: starts the breach-notification clocks."""
    title: str
    detected_at: dt.datetime
    impact_started_at: dt.datetime | None = None
    us_states: tuple[str, ...] = ()
    exercise: bool = False
    note: str = ""
    by: str = ""


def open_incident(directory: Path, request: OpenRequest, *, suffix: str = ".yaml") -> Incident:
    """Create `<directory>/<new id><suffix>` with its `detected` event; the folder is created if missing."""
    jurisdictions = tuple(dict.fromkeys(known_jurisdiction(code) for code in request.jurisdictions))
    if not jurisdictions:
        raise TrustFabricError("--jurisdiction: at least one is required (UK, EU, US, CA)")
    if not request.title.strip():
        raise TrustFabricError("--title: must not be empty")
    if not request.service.strip():
        raise TrustFabricError("--service: must not be empty")
    if request.impact_started_at and request.impact_started_at > request.detected_at:
        raise TrustFabricError(
            f"--started-at: {format_timestamp(request.impact_started_at)} is after --detected-at "
            f"({format_timestamp(request.detected_at)})"
        )
    us_states = tuple(dict.fromkeys(code.upper() for code in request.us_states))
    if us_states and "US" not in jurisdictions:
        raise TrustFabricError("--us-state: given, but US is not among the --jurisdiction values")
    unknown = [code for code in us_states if code not in US_STATES]
    if unknown:
        raise TrustFabricError(f"--us-state: {unknown[0]!r} is not a USPS code of a US state or territory")
    if directory.exists() and not directory.is_dir():
        raise TrustFabricError(f"--dir: {directory} is not a folder")
    directory.mkdir(parents=True, exist_ok=True)
    incident_id = next_id(directory, request.detected_at.date())
    draft = Incident(
        id=incident_id,
        title=request.title.strip(),
        severity=known_severity(request.severity),
        service=request.service.strip(),
        jurisdictions=jurisdictions,
        personal_data=request.personal_data,
        timeline=(Event(at=request.detected_at, event="detected", note=request.note, by=request.by),),
        impact_started_at=request.impact_started_at,
        us_states=us_states,
        exercise=request.exercise,
        path=directory / f"{incident_id}{suffix}",
    )
    # The new record must read back: the same checks as every other read (US states, schema).
    incident_from_dict(draft.as_dict(), where=str(draft.path))
    save_incident(draft)
    return draft


def log_event(path: Path, event: str, *, at: dt.datetime, note: str = "", by: str = "") -> Incident:
    """Add `event` to the timeline of the record at `path` at its place in time, or record the impact start
    (`started`); the result must pass the rules every read applies."""
    incident = load_incident(path)
    where = f"{path}: cannot log {event!r} at {format_timestamp(at)}"
    if event == STARTED:
        if at > incident.detected_at:
            raise TrustFabricError(
                f"{where}: the impact cannot start after 'detected' ({format_timestamp(incident.detected_at)})"
            )
        updated = replace(incident, impact_started_at=at)
    else:
        if at < incident.detected_at:
            raise TrustFabricError(
                f"{where}: before 'detected' ({format_timestamp(incident.detected_at)}); the timeline starts at "
                f"detection (log the impact start as 'started')"
            )
        earlier = incident.time_of(event) if event in (*LIFECYCLE, BREACH_AWARE) else None
        if earlier is not None:
            raise TrustFabricError(f"{where}: {event!r} is already logged at {format_timestamp(earlier)}")
        # Events are kept in time order: one logged after the fact takes its place among the others, and the
        # lifecycle order is judged on the result.
        position = bisect.bisect_right([entry.at for entry in incident.timeline], at)
        entry = Event(at=at, event=event, note=note, by=by)
        timeline = (*incident.timeline[:position], entry, *incident.timeline[position:])
        personal_data = incident.personal_data or event == BREACH_AWARE
        for index in (position, *range(len(timeline))):
            problem = event_problem(timeline, index, personal_data=personal_data)
            if problem:
                raise TrustFabricError(f"{where}: {problem}")
        # Becoming aware of a breach means personal data is involved, whatever was known at opening.
        updated = replace(incident, timeline=timeline, personal_data=personal_data)
    save_incident(updated)
    return updated
