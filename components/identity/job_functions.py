"""The job functions people hold, as IAM Identity Center permission sets and Kubernetes roles: one table.

Each job function is one permission set per cell (`tf-<stack>-<cell>-<function>`, under the cell's permission
boundary, so a UK support engineer never reaches the EU cell's regions) and one Kubernetes role on the cell's
cluster. A function is *privileged* when it may change anything (any policy beyond the read-only ones): its
sessions last at most one hour. A function that is not *standing* is never assigned to a group in code: it is
granted only just in time, to one person, for a bounded time, after a second person approved
(`trustfabric access`, docs/access.md).

=================  =====================================================  =======  ==========  ===============
function           AWS policies                                           session  privileged  assignment
=================  =====================================================  =======  ==========  ===============
auditor            ViewOnlyAccess, SecurityAudit (no data reads)          4 h      no          standing
platform-engineer  ReadOnlyAccess (changes go through the pipeline)       4 h      no          standing
sre-on-call        ReadOnlyAccess, SecurityAudit, containment actions     1 h      yes         standing
security           SecurityAudit, ReadOnlyAccess, Security Hub, GuardDuty 1 h      yes         standing
support            ViewOnlyAccess, AWSSupportAccess                       1 h      yes         just in time
break-glass        AdministratorAccess (under the boundary)               1 h      yes         just in time
=================  =====================================================  =======  ==========  ===============

Usage::

    from components.identity.job_functions import JOB_FUNCTIONS, by_name

    assert by_name("support").standing is False
"""

from __future__ import annotations

from dataclasses import dataclass

MANAGED = "arn:aws:iam::aws:policy"


@dataclass(frozen=True)
class JobFunction:
    """One job function: its permission set's policies and session, and how people come to hold it."""

    name: str
    """Short name, part of the permission set's name and of the Kubernetes role's."""
    description: str
    managed_policies: tuple[str, ...]
    """AWS managed policy ARNs of the permission set."""
    session_duration: str
    """ISO 8601 duration of a session (Identity Center's `session_duration`)."""
    privileged: bool
    """May change something: sessions of at most one hour."""
    standing: bool
    """Assigned to its IdP group in code; False: granted only just in time (never assigned in code)."""
    containment: bool = False
    """Carries the containment actions of runbooks/secret-leak.md as an inline policy."""


JOB_FUNCTIONS: tuple[JobFunction, ...] = (
    JobFunction(
        "auditor",
        "Read-only auditor: configuration and security settings, never data",
        (f"{MANAGED}/job-function/ViewOnlyAccess", f"{MANAGED}/SecurityAudit"),
        "PT4H",
        privileged=False,
        standing=True,
    ),
    JobFunction(
        "platform-engineer",
        "Platform engineer: reads everything; changes go through the pipeline",
        (f"{MANAGED}/ReadOnlyAccess",),
        "PT4H",
        privileged=False,
        standing=True,
    ),
    JobFunction(
        "sre-on-call",
        "SRE on call: reads everything and runs the containment runbooks",
        (f"{MANAGED}/ReadOnlyAccess", f"{MANAGED}/SecurityAudit"),
        "PT1H",
        privileged=True,
        standing=True,
        containment=True,
    ),
    JobFunction(
        "security",
        "Security engineer: security services and findings",
        (
            f"{MANAGED}/SecurityAudit",
            f"{MANAGED}/ReadOnlyAccess",
            f"{MANAGED}/AWSSecurityHubFullAccess",
            f"{MANAGED}/AmazonGuardDutyFullAccess",
        ),
        "PT1H",
        privileged=True,
        standing=True,
    ),
    JobFunction(
        "support",
        "Support engineer: granted just in time, after a second person approved",
        (f"{MANAGED}/job-function/ViewOnlyAccess", f"{MANAGED}/AWSSupportAccess"),
        "PT1H",
        privileged=True,
        standing=False,
    ),
    JobFunction(
        "break-glass",
        "Emergency administrator under the cell boundary: just in time only, every use alerted",
        (f"{MANAGED}/AdministratorAccess",),
        "PT1H",
        privileged=True,
        standing=False,
    ),
)
"""Every job function, in the order of the table above."""

NAMES = tuple(function.name for function in JOB_FUNCTIONS)
GROUP_FUNCTIONS = tuple(function.name for function in JOB_FUNCTIONS if function.name != "break-glass")
"""Functions whose people form an IdP group (break-glass is requested by sre-on-call, never a group of its own)."""
JIT_FUNCTIONS = tuple(function.name for function in JOB_FUNCTIONS if not function.standing)
"""Functions granted only just in time."""
JIT_ELIGIBLE = {"support": "support", "break-glass": "sre-on-call"}
"""Just-in-time function -> the group whose members may request it."""
JIT_APPROVERS = {"support": "sre-on-call", "break-glass": "security"}
"""Just-in-time function -> the group whose members (other than the requester) may approve it."""


def by_name(name: str) -> JobFunction:
    """The job function called `name`; ValueError naming the allowed ones otherwise."""
    for function in JOB_FUNCTIONS:
        if function.name == name:
            return function
    raise ValueError(f"unknown job function {name!r}; allowed: {', '.join(NAMES)}")
