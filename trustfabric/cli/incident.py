"""`trustfabric incident ...`: incident records in git, breach-notification clocks, postmortems, response metrics
and the tabletop-exercise ledger.

Contract (exit codes as every command of the CLI)::

    trustfabric incident open --severity sev1|sev2|sev3 --service NAME --jurisdiction UK [--jurisdiction EU ...]
                              --personal-data yes|no --title TEXT [--detected-at ISO8601] [--started-at ISO8601]
                              [--us-state TX ...] [--exercise] [--note TEXT] [--by WHO] [--dir DIR]
                              [--format yaml|json]
    trustfabric incident log ID EVENT [--at ISO8601] [--note TEXT] [--by WHO] [--dir DIR]
    trustfabric incident status ID [--now ISO8601] [--dir DIR] [--format text|json]
    trustfabric incident postmortem ID [--out FILE] [--now ISO8601] [--template FILE] [--dir DIR]
    trustfabric incident metrics [--dir DIR] [--since DATE] [--until DATE] [--format text|json]
    trustfabric incident tabletop [--now DATE] [--ledger FILE] [--format text|json]

0 ok; 1 the command's verdict failed (status: a clock overdue or met late; metrics: a sev1 target missed or not
measurable; tabletop: a scenario stale); 2 bad input, one line on stderr naming the file and key, no traceback.
`--dir` defaults to this repository's `incidents/`. Machine formats print only JSON on stdout.

Importing this module adds the `incident` group to the CLI's app (`trustfabric.cli`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..errors import TrustFabricError
from ..incident.timestamps import format_timestamp, now_utc, parse_date, parse_timestamp
from ..paths import REPO_ROOT
from ..report.formats import DATA_FORMATS, RECORD_FORMATS, choose_format
from .common import app, command_group

DEFAULT_DIR = REPO_ROOT / "incidents"

incident_app = command_group(
    "incident",
    "Incident records in git: open, log, status (breach-notification clocks), postmortem, metrics, tabletop.",
)
app.add_typer(incident_app, name="incident")

F = TypeVar("F", bound=Callable[..., Any])


def guarded(command: F) -> F:
    """Bad input becomes one line on stderr and exit 2 (here, so it holds under any Typer app)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrustFabricError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _choice(value: str, option: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise TrustFabricError(f"{option}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _timestamp_option(value: str | None, option: str) -> dt.datetime:
    return parse_timestamp(value, where=option) if value is not None else now_utc()


def _emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


DirOption = Annotated[
    Path, typer.Option("--dir", help="Folder of incident records; default: incidents/ of this repository.")
]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Incident id, e.g. INC-2026-12-04-001.")]
FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]


@incident_app.command("open")
@guarded
def open_command(
    severity: Annotated[str, typer.Option("--severity", help="sev1, sev2 or sev3.")],
    service: Annotated[str, typer.Option("--service", help="Affected service, e.g. ledger, filing, ingestion.")],
    jurisdiction: Annotated[
        list[str], typer.Option("--jurisdiction", "-j", help="Affected jurisdiction cell (UK, EU, US, CA); repeat.")
    ],
    personal_data: Annotated[str, typer.Option("--personal-data", help="yes or no: may personal data be involved?")],
    title: Annotated[str, typer.Option("--title", help="One line: what is happening.")],
    detected_at: Annotated[
        str | None, typer.Option("--detected-at", help="When it was detected (ISO 8601 with offset); default now.")
    ] = None,
    started_at: Annotated[
        str | None, typer.Option("--started-at", help="When the impact started, if known (ISO 8601 with offset).")
    ] = None,
    us_state: Annotated[
        list[str] | None, typer.Option("--us-state", help="Affected US state (USPS code, e.g. TX); repeat.")
    ] = None,
    exercise: Annotated[
        bool, typer.Option("--exercise", help="A tabletop exercise: never counted by metrics.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="What was seen: the alert, the report.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who detected or declared it.")] = "",
    directory: DirOption = DEFAULT_DIR,
    output_format: Annotated[str, typer.Option("--format", help="Record file format: yaml or json.")] = "yaml",
) -> None:
    """Open an incident record (its first event is 'detected'); prints the new id."""
    from ..incident.lifecycle import OpenRequest, open_incident

    suffix = "." + choose_format(output_format, RECORD_FORMATS)
    flag = _choice(personal_data.lower(), "--personal-data", ("yes", "no"))
    request = OpenRequest(
        severity=severity,
        service=service,
        jurisdictions=tuple(jurisdiction),
        personal_data=flag == "yes",
        title=title,
        detected_at=_timestamp_option(detected_at, "--detected-at"),
        impact_started_at=parse_timestamp(started_at, where="--started-at") if started_at else None,
        us_states=tuple(us_state or ()),
        exercise=exercise,
        note=note,
        by=by,
    )
    incident = open_incident(directory, request, suffix=suffix)
    typer.echo(f"wrote {incident.path}", err=True)
    typer.echo(incident.id)


@incident_app.command("log")
@guarded
def log_command(
    incident_id: IdArgument,
    event: Annotated[
        str,
        typer.Argument(
            metavar="EVENT",
            help="acknowledged, mitigated, resolved, breach-aware, notified-authority:<ID>, "
            "notified-subjects[:<ID>], not-required:<ID>, note; or started (the impact start time).",
        ),
    ],
    at: Annotated[str | None, typer.Option("--at", help="When (ISO 8601 with offset); default now.")] = None,
    note: Annotated[str, typer.Option("--note", help="What happened or was decided; a notification's reference.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who did or decided it.")] = "",
    directory: DirOption = DEFAULT_DIR,
) -> None:
    """Append a timestamped event to the timeline (time order and lifecycle order are enforced)."""
    from ..incident.lifecycle import log_event
    from ..incident.record import find_record

    when = _timestamp_option(at, "--at")
    incident = log_event(find_record(directory, incident_id), event, at=when, note=note, by=by)
    typer.echo(f"{incident.id}: logged {event} at {format_timestamp(when)}")


@incident_app.command("status")
@guarded
def status_command(
    incident_id: IdArgument,
    now: Annotated[str | None, typer.Option("--now", help="Evaluate at this instant (ISO 8601); default now.")] = None,
    directory: DirOption = DEFAULT_DIR,
    output_format: FormatOption = "text",
) -> None:
    """The breach-notification clocks of the incident: deadline, elapsed, remaining, met or overdue; 1 if one failed."""
    from ..incident.clocks import evaluate_clocks, unmatched_notifications, us_states_without_clock
    from ..incident.record import find_record, load_incident
    from ..incident.render import status_text

    choose_format(output_format, DATA_FORMATS)
    incident = load_incident(find_record(directory, incident_id))
    instant = _timestamp_option(now, "--now")
    if instant < incident.detected_at:
        raise TrustFabricError(
            f"--now: {format_timestamp(instant)} is before the incident was detected ({format_timestamp(incident.detected_at)})"
        )
    clocks = evaluate_clocks(incident, instant)
    failed = [clock.rule.id for clock in clocks if clock.state.failed]
    if output_format == "json":
        _emit_json(
            {
                "id": incident.id,
                "severity": incident.severity,
                "now": format_timestamp(instant),
                "personal_data": incident.personal_data,
                "clocks_start": format_timestamp(incident.aware_at) if incident.personal_data else None,
                "clocks": [clock.as_dict() for clock in clocks],
                "unmatched_notifications": unmatched_notifications(incident, clocks),
                "us_states_without_clock": us_states_without_clock(incident),
                "failed": failed,
            }
        )
    else:
        sys.stdout.write(status_text(incident, clocks, instant))
    if failed:
        raise typer.Exit(1)


@incident_app.command("postmortem")
@guarded
def postmortem_command(
    incident_id: IdArgument,
    out: Annotated[Path | None, typer.Option("--out", help="Write the Markdown here; default stdout.")] = None,
    now: Annotated[str | None, typer.Option("--now", help="Evaluate the clocks at this instant; default now.")] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="Jinja2 template; default runbooks/postmortem-template.md.")
    ] = None,
    directory: DirOption = DEFAULT_DIR,
) -> None:
    """Render the blameless postmortem pre-filled from the timeline: durations, clocks, sections to write."""
    from ..incident.postmortem import DEFAULT_TEMPLATE, render_postmortem
    from ..incident.record import find_record, load_incident

    incident = load_incident(find_record(directory, incident_id))
    markdown = render_postmortem(incident, now=_timestamp_option(now, "--now"), template=template or DEFAULT_TEMPLATE)
    if out is None:
        sys.stdout.write(markdown)
        return
    try:
        out.write_text(markdown, encoding="utf-8")
    except OSError as error:
        raise TrustFabricError(f"--out: {out}: cannot write: {error.strerror or error}") from None
    typer.echo(f"wrote {out}")


@incident_app.command("metrics")
@guarded
def metrics_command(
    directory: DirOption = DEFAULT_DIR,
    since: Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD) of detection.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD), inclusive.")] = None,
    output_format: FormatOption = "text",
) -> None:
    """MTTD, MTTA, MTTR per severity against the targets; 1 when a sev1 target is missed over the period."""
    from ..incident.metrics import compute_metrics
    from ..incident.record import load_folder
    from ..incident.render import metrics_text

    choose_format(output_format, DATA_FORMATS)
    first = parse_date(since, where="--since") if since else None
    last = parse_date(until, where="--until") if until else None
    if first and last and first > last:
        raise TrustFabricError(f"--since: {first.isoformat()} is after --until ({last.isoformat()})")
    report = compute_metrics(load_folder(directory), since=first, until=last)
    if output_format == "json":
        _emit_json(report.as_dict())
    else:
        sys.stdout.write(metrics_text(report))
    if not report.passed:
        raise typer.Exit(1)


@incident_app.command("tabletop")
@guarded
def tabletop_command(
    now: Annotated[str | None, typer.Option("--now", help="Judge as of this day (YYYY-MM-DD); default today.")] = None,
    ledger: Annotated[
        Path | None, typer.Option("--ledger", help="Exercise ledger; default runbooks/tabletop/exercises.yaml.")
    ] = None,
    output_format: FormatOption = "text",
) -> None:
    """Each tabletop scenario with when it was last exercised; 1 when one is never exercised or over 365 days old."""
    from ..incident.render import tabletop_text
    from ..incident.tabletop import DEFAULT_LEDGER, MAX_AGE_DAYS, load_ledger, scenario_status

    choose_format(output_format, DATA_FORMATS)
    today = parse_date(now, where="--now") if now else dt.datetime.now(dt.UTC).date()
    rows = scenario_status(load_ledger(ledger or DEFAULT_LEDGER), today)
    if output_format == "json":
        _emit_json(
            {
                "today": today.isoformat(),
                "max_age_days": MAX_AGE_DAYS,
                "scenarios": [row.as_dict() for row in rows],
                "stale": [row.scenario.id for row in rows if row.stale],
            }
        )
    else:
        sys.stdout.write(tabletop_text(rows, today))
    if any(row.stale for row in rows):
        raise typer.Exit(1)


__all__ = ["DEFAULT_DIR", "incident_app"]
