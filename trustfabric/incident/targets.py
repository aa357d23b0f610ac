"""Severities and the response targets each one is held to: time to detect, acknowledge and resolve.

Sev1 is set by the mission: detected within 2 minutes of impact, resolved within 30 minutes of detection. The
others follow docs/compliance/incident-response.md#severities, where each severity's response is defined:

| severity | detect (MTTD) | acknowledge (MTTA) | resolve (MTTR) | why |
|---|---|---|---|---|
| sev1 | 2 min | 5 min | 30 min | pages at once, any hour; the full-outage SLO alerts fire within 2 minutes; an acknowledgement after 5 minutes leaves too little of the 30 |
| sev2 | 15 min | 1 h | 24 h | pages in business hours, "within 1 hour otherwise"; "fix within 24 h" |
| sev3 | 24 h | 3 days | 30 days | a ticket, triaged within one working day (3 days spans a weekend); fixed within the 30 days the information security policy gives a high finding |

MTTD runs from impact start to detection, MTTA from detection to acknowledgement, MTTR from detection to
resolution (the mission times every incident "from detection to resolution").

Usage::

    from trustfabric.incident.targets import SEVERITIES, TARGETS

    assert TARGETS["sev1"].resolve == dt.timedelta(minutes=30)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEVERITIES: tuple[str, ...] = ("sev1", "sev2", "sev3")
"""The severities of docs/compliance/incident-response.md and of the alert routes (`severity="sev1"`)."""


@dataclass(frozen=True)
class Targets:
    """The response targets of one severity; each mean over a period must stay strictly below its target."""

    detect: dt.timedelta
    """MTTD: impact start -> detected."""
    acknowledge: dt.timedelta
    """MTTA: detected -> acknowledged by a person."""
    resolve: dt.timedelta
    """MTTR: detected -> resolved."""

    def of(self, metric: str) -> dt.timedelta:
        """The target of `mttd`, `mtta` or `mttr`."""
        return {"mttd": self.detect, "mtta": self.acknowledge, "mttr": self.resolve}[metric]


TARGETS: dict[str, Targets] = {
    "sev1": Targets(
        detect=dt.timedelta(minutes=2), acknowledge=dt.timedelta(minutes=5), resolve=dt.timedelta(minutes=30)
    ),
    "sev2": Targets(detect=dt.timedelta(minutes=15), acknowledge=dt.timedelta(hours=1), resolve=dt.timedelta(hours=24)),
    "sev3": Targets(detect=dt.timedelta(hours=24), acknowledge=dt.timedelta(days=3), resolve=dt.timedelta(days=30)),
}

GATING_SEVERITY = "sev1"
"""A missed target of this severity makes `trustfabric incident metrics` exit 1; the others are reported."""

METRICS: tuple[str, ...] = ("mttd", "mtta", "mttr")
METRIC_NAMES = {"mttd": "time to detect", "mtta": "time to acknowledge", "mttr": "time to resolve"}
