"""A control's result in the control matrix: one enum for every reporter (Markdown, HTML, JSON, OSCAL, CLI).

=================  =================  ======================================================================
value              label              meaning
=================  =================  ======================================================================
fail               fail               a counted finding, a loosened policy config, or a failed drill/test
evidence-missing   evidence missing   a source the control names (test results, a drill report, checkov
                                      results, a policy turned off) is absent or unreadable: never a pass
stale              stale              every source passed, but the newest drill report is older than the
                                      control's frequency allows (freshness.py), or carries no time
exempted           exempted           no counted finding; a live, approved exemption moved one aside
pass               pass               every evidence source the control names is present and passing
manual             manual             nothing automated applies; the documented procedure is the evidence
not-applicable     not applicable     its policies apply to resource types this stack does not declare
=================  =================  ======================================================================

Each member carries its label, its colour on the auditor's page and whether OSCAL reports it as satisfied;
a new state is one more line, and `tests/trustfabric/
evidence/test_status.py` holds every member to having them.

Usage::

    from trustfabric.evidence.status import ControlStatus

    status = ControlStatus("evidence-missing")
    print(status.label, status.colour, status.satisfied)   # evidence missing #b26a00 False
"""

from __future__ import annotations

from enum import StrEnum


class ControlStatus(StrEnum):
    """A control's result; the value is what control-matrix.json and OSCAL carry."""

    label: str
    """Words for people ("evidence missing")."""
    colour: str
    """The page's colour for it (a CSS colour; text on it is dark)."""
    satisfied: bool
    """True when OSCAL's objective status is `satisfied`."""

    def __new__(cls, value: str, label: str = "", colour: str = "", satisfied: bool = False) -> ControlStatus:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.colour = colour
        member.satisfied = satisfied
        return member

    FAIL = ("fail", "fail", "#e57373", False)
    EVIDENCE_MISSING = ("evidence-missing", "evidence missing", "#ffb74d", False)
    STALE = ("stale", "stale", "#ce93d8", False)
    EXEMPTED = ("exempted", "exempted", "#fff176", True)
    PASS = ("pass", "pass", "#81c784", True)
    MANUAL = ("manual", "manual", "#90caf9", False)
    NOT_APPLICABLE = ("not-applicable", "not applicable", "#cfd8dc", False)


STATUSES: tuple[ControlStatus, ...] = tuple(ControlStatus)
"""Every state, in the order reports list them (worst first)."""


__all__ = ["STATUSES", "ControlStatus"]
