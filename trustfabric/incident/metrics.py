"""Response metrics over a folder of incident records: MTTD, MTTA and MTTR per severity, against the targets.

- MTTD: mean of `detected - impact_started_at`;
- MTTA: mean of `acknowledged - detected`;
- MTTR: mean of `resolved - detected`.

An incident counts in the period when it was detected in it. Exercises (`exercise: true`) never count. A mean
meets its target when it is strictly below it. What a mean cannot see is reported beside it, never hidden:

- `pending`: still open, so not acknowledged or resolved yet (and the impact start may still be learned);
- `missing`: resolved without a recorded impact start, so its time to detect is unknown. A severity with a
  missing value cannot be shown to meet its MTTD target: its verdict is `incomplete`, which gates like `missed`.

Usage::

    from trustfabric.incident.metrics import compute_metrics

    report = compute_metrics(load_folder(Path("incidents")), since=date(2026, 1, 1), until=date(2026, 3, 31))
    report.passed   # False when a sev1 target is missed or incomplete
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .record import Incident
from .targets import GATING_SEVERITY, METRICS, SEVERITIES, TARGETS


@dataclass(frozen=True)
class Measure:
    """One metric of one severity over the period."""

    metric: str
    """mttd, mtta or mttr."""
    target: dt.timedelta
    samples: tuple[tuple[str, dt.timedelta], ...]
    """(incident id, duration) of every incident that has both timestamps."""
    pending: tuple[str, ...]
    """Open incidents that have no value yet."""
    missing: tuple[str, ...]
    """Resolved incidents without the timestamps this metric needs."""

    @property
    def mean(self) -> dt.timedelta | None:
        if not self.samples:
            return None
        return sum((duration for _, duration in self.samples), dt.timedelta()) / len(self.samples)

    @property
    def longest(self) -> dt.timedelta | None:
        return max((duration for _, duration in self.samples), default=None)

    @property
    def over_target(self) -> tuple[str, ...]:
        """Incidents whose own value reached the target (informational: the verdict is on the mean)."""
        return tuple(incident_id for incident_id, duration in self.samples if duration >= self.target)

    @property
    def verdict(self) -> str:
        """met, missed, incomplete (a value is missing) or no data."""
        mean = self.mean
        if mean is not None and mean >= self.target:
            return "missed"
        if self.missing:
            return "incomplete"
        return "no data" if mean is None else "met"

    def as_dict(self) -> dict[str, Any]:
        mean, longest = self.mean, self.longest
        return {
            "target_seconds": int(self.target.total_seconds()),
            "count": len(self.samples),
            "mean_seconds": round(mean.total_seconds(), 1) if mean is not None else None,
            "max_seconds": int(longest.total_seconds()) if longest is not None else None,
            "samples": {incident_id: int(duration.total_seconds()) for incident_id, duration in self.samples},
            "over_target": list(self.over_target),
            "pending": list(self.pending),
            "missing": list(self.missing),
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class SeverityMetrics:
    severity: str
    incidents: tuple[str, ...]
    measures: dict[str, Measure]

    @property
    def failed(self) -> bool:
        return any(measure.verdict in ("missed", "incomplete") for measure in self.measures.values())


@dataclass(frozen=True)
class MetricsReport:
    since: dt.date | None
    until: dt.date | None
    severities: dict[str, SeverityMetrics]
    exercises_excluded: int

    @property
    def passed(self) -> bool:
        """False when a target of the gating severity (sev1) is missed or cannot be shown to be met."""
        return not self.severities[GATING_SEVERITY].failed

    @property
    def incident_count(self) -> int:
        return sum(len(group.incidents) for group in self.severities.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "by": "detected",
            },
            "incidents": self.incident_count,
            "exercises_excluded": self.exercises_excluded,
            "gating_severity": GATING_SEVERITY,
            "severities": {
                severity: {
                    "incidents": list(group.incidents),
                    "metrics": {metric: measure.as_dict() for metric, measure in group.measures.items()},
                }
                for severity, group in self.severities.items()
            },
            "verdict": "met" if self.passed else "missed",
        }


def _in_period(incident: Incident, since: dt.date | None, until: dt.date | None) -> bool:
    day = incident.detected_at.date()
    return (since is None or day >= since) and (until is None or day <= until)


def _measure(metric: str, severity: str, incidents: Sequence[Incident]) -> Measure:
    samples: list[tuple[str, dt.timedelta]] = []
    pending: list[str] = []
    missing: list[str] = []
    for incident in incidents:
        start: dt.datetime | None
        end: dt.datetime | None
        if metric == "mttd":
            start, end = incident.impact_started_at, incident.detected_at
        elif metric == "mtta":
            start, end = incident.detected_at, incident.time_of("acknowledged")
        else:
            start, end = incident.detected_at, incident.time_of("resolved")
        if start is not None and end is not None:
            samples.append((incident.id, end - start))
        elif incident.resolved:
            missing.append(incident.id)
        else:
            pending.append(incident.id)
    return Measure(
        metric=metric,
        target=TARGETS[severity].of(metric),
        samples=tuple(samples),
        pending=tuple(pending),
        missing=tuple(missing),
    )


def compute_metrics(
    incidents: Sequence[Incident], *, since: dt.date | None = None, until: dt.date | None = None
) -> MetricsReport:
    """MTTD, MTTA and MTTR per severity over the incidents detected from `since` through `until` (inclusive)."""
    counted = [incident for incident in incidents if not incident.exercise and _in_period(incident, since, until)]
    exercises = sum(1 for incident in incidents if incident.exercise and _in_period(incident, since, until))
    severities = {}
    for severity in SEVERITIES:
        group = [incident for incident in counted if incident.severity == severity]
        severities[severity] = SeverityMetrics(
            severity=severity,
            incidents=tuple(incident.id for incident in group),
            measures={metric: _measure(metric, severity, group) for metric in METRICS},
        )
    return MetricsReport(since=since, until=until, severities=severities, exercises_excluded=exercises)
