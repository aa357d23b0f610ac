"""Plain-text views of the incident commands (status, metrics, tabletop): aligned columns, stable order, no colour,
so the output reads the same in a terminal, a CI log and a test.

Usage::

    from trustfabric.incident.render import status_text

    sys.stdout.write(status_text(incident, clocks, now))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .clocks import Clock, ClockState, unmatched_notifications, us_states_unrecorded, us_states_without_clock
from .metrics import MetricsReport
from .record import BREACH_AWARE, LIFECYCLE, Incident
from .tabletop import MAX_AGE_DAYS, ScenarioStatus
from .targets import GATING_SEVERITY, METRICS
from .timestamps import format_duration, format_timestamp


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell; the last column is not padded."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(str(cell).ljust(widths[i]) if i < len(header) - 1 else str(cell) for i, cell in enumerate(row))
        for row in [header, *rows]
    ]


def _state_text(clock: Clock) -> str:
    state = clock.state
    if state is ClockState.overdue and clock.remaining is not None:
        return f"overdue by {format_duration(-clock.remaining)}"
    if state is ClockState.late and clock.deadline is not None and clock.notified_at is not None:
        return f"late: notified {format_timestamp(clock.notified_at)}, {format_duration(clock.notified_at - clock.deadline)} after the deadline"
    if state is ClockState.met and clock.notified_at is not None:
        return f"met: notified {format_timestamp(clock.notified_at)}"
    if state is ClockState.not_required and clock.not_required_at is not None:
        return f"not required (decided {format_timestamp(clock.not_required_at)})"
    return state.value


def status_text(incident: Incident, clocks: Sequence[Clock], now: dt.datetime) -> str:
    lines = [
        f"{incident.id} {incident.severity} {incident.service}: {incident.title}"
        + (" (EXERCISE)" if incident.exercise else ""),
        f"jurisdictions {', '.join(incident.jurisdictions)}; personal data: {'yes' if incident.personal_data else 'no'}; "
        f"now {format_timestamp(now)}",
    ]
    steps = [f"{step} {format_timestamp(at)}" for step in LIFECYCLE if (at := incident.time_of(step))]
    lines.append("lifecycle: " + ", ".join(steps) + ("" if incident.resolved else " (open)"))
    if not incident.personal_data:
        lines.append("no breach-notification clock applies: the record does not involve personal data")
        return "\n".join(lines) + "\n"
    source = BREACH_AWARE if incident.time_of(BREACH_AWARE) else "detected"
    lines.append(f"clocks start at {format_timestamp(incident.aware_at)} ({source})")
    if us_states_unrecorded(incident):
        lines.append("affected US states not recorded: every state of the table is shown; list them in us_states")
    uncovered = us_states_without_clock(incident)
    if uncovered:
        lines.append(f"US states with no row in the clock table (check their statutes): {', '.join(uncovered)}")
    lines.append("")
    rows = []
    for clock in clocks:
        deadline = clock.deadline
        remaining = clock.remaining
        rows.append(
            [
                clock.rule.id,
                clock.rule.law,
                clock.rule.notify,
                format_timestamp(deadline) if deadline else clock.rule.deadline_text,
                format_duration(clock.elapsed),
                format_duration(remaining) if remaining is not None and remaining >= dt.timedelta() else "-",
                _state_text(clock),
            ]
        )
    lines.extend(table(["CLOCK", "LAW", "NOTIFY", "DEADLINE", "ELAPSED", "REMAINING", "STATE"], rows))
    conditions = [f"{clock.rule.id}: only if {clock.rule.condition}" for clock in clocks if clock.rule.condition]
    if conditions:
        lines.append("")
        lines.extend(conditions)
    unmatched = unmatched_notifications(incident, list(clocks))
    if unmatched:
        lines.append(f"logged but matching no clock: {', '.join(unmatched)}")
    failed = [clock.rule.id for clock in clocks if clock.state.failed]
    lines.append("")
    lines.append(f"FAILED: not met in time: {', '.join(failed)}" if failed else "no clock overdue")
    return "\n".join(lines) + "\n"


def _optional(value: dt.timedelta | None) -> str:
    return format_duration(value) if value is not None else "-"


def metrics_text(report: MetricsReport) -> str:
    since = report.since.isoformat() if report.since else "the first record"
    until = report.until.isoformat() if report.until else "the last record"
    lines = [
        f"incidents detected from {since} through {until}: {report.incident_count}"
        + (f" ({report.exercises_excluded} exercises not counted)" if report.exercises_excluded else ""),
        "",
    ]
    rows = []
    notes = []
    for severity, group in report.severities.items():
        for metric in METRICS:
            measure = group.measures[metric]
            rows.append(
                [
                    severity,
                    metric.upper(),
                    str(len(measure.samples)),
                    _optional(measure.mean),
                    _optional(measure.longest),
                    f"< {format_duration(measure.target)}",
                    measure.verdict,
                ]
            )
            label = f"{severity} {metric.upper()}"
            if measure.over_target:
                notes.append(f"{label} over target: {', '.join(measure.over_target)}")
            if measure.missing:
                notes.append(f"{label} missing (resolved without impact_started_at): {', '.join(measure.missing)}")
            if measure.pending:
                notes.append(f"{label} pending (open): {', '.join(measure.pending)}")
    lines.extend(table(["SEVERITY", "METRIC", "N", "MEAN", "MAX", "TARGET", "VERDICT"], rows))
    if notes:
        lines.append("")
        lines.extend(notes)
    lines.append("")
    lines.append(f"{GATING_SEVERITY} targets met" if report.passed else f"FAILED: {GATING_SEVERITY} targets missed")
    return "\n".join(lines) + "\n"


def tabletop_text(rows: Sequence[ScenarioStatus], today: dt.date) -> str:
    table_rows = []
    for row in rows:
        last = row.last.date.isoformat() if row.last else "never"
        age = f"{row.age_days} days ago" if row.age_days is not None else "-"
        verdict = "STALE" if row.stale else "ok"
        table_rows.append([row.scenario.id, last, age, verdict, row.scenario.title])
    lines = [
        f"tabletop scenarios as of {today.isoformat()} (stale: never exercised or over {MAX_AGE_DAYS} days ago)",
        "",
    ]
    lines.extend(table(["SCENARIO", "LAST EXERCISED", "AGE", "STATE", "TITLE"], table_rows))
    stale = [row.scenario.id for row in rows if row.stale]
    lines.append("")
    lines.append(f"FAILED: stale: {', '.join(stale)}" if stale else "every scenario exercised within a year")
    return "\n".join(lines) + "\n"
