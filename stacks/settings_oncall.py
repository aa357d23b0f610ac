"""Typed on-call settings: who is paged (the `oncall/` program's directory) and how a cloud stack pages them.

Two sections, validated like `stacks.settings` (one line naming the file and the key, exact messages tested):

- the directory, `trust-fabric-oncall:*` in `oncall/Pulumi.pagerduty.yaml` (`parse_directory`): the people,
  their time zones, the rotation and the escalation timings. One PagerDuty account holds one set of people, so
  one program owns them (docs/adr/0011-on-call-as-code.md);
- `trust-fabric:oncall` in `Pulumi.<stack>.yaml` (`parse_oncall`, optional): the directory stack the cloud
  stack reads its escalation policy from, how its services page, and the support hours of its business-hours
  service.

=========================  ========  =====================================================================
key (trust-fabric-oncall:) required  meaning
=========================  ========  =====================================================================
members                    yes       list of {email, name, timeZone}: the rotation, in order; at least 2
manager                    yes       {email, name, timeZone}: the engineering manager (last escalation)
team                       no        the PagerDuty team's name (default Trust Fabric on-call)
rotation                   no        {lengthDays 1..28 (7), handoff HH:MM (09:00), start YYYY-MM-DD
                                     (2026-01-05), timeZone (Europe/London)}
escalation                 no        {secondaryAfterMinutes 1..30 (10), managerAfterMinutes 2..60 (20)}
=========================  ========  =====================================================================

=========================  ========  =====================================================================
key (trust-fabric:oncall.) required  meaning
=========================  ========  =====================================================================
directoryStack             no        the directory's stack (default trust-fabric-oncall/pagerduty)
pagingUrgency              no        severity (default: critical and error page, warning and info notify)
                                     or low (dev: never pages, notifies)
businessHours              no        {start HH:MM (09:00), end HH:MM (17:30), timeZone (Europe/London),
                                     days: ISO weekdays 1..7 ([1, 2, 3, 4, 5])}
pagerdutySubdomain         prod      the PagerDuty account's subdomain (`<subdomain>.pagerduty.com`), for
                                     Datadog's PagerDuty integration, which only prod declares
=========================  ========  =====================================================================

Datadog's integration also takes a PagerDuty REST API token (read-only), the top-level secret
`trust-fabric:pagerdutyApiToken` (`pulumi config set --secret`): refused in plain text (`stacks.settings`).

Usage::

    from stacks.settings_oncall import parse_directory

    directory = parse_directory(config, project="trust-fabric-oncall", stack="pagerduty",
                                source="Pulumi.pagerduty.yaml")
    print([member.email for member in directory.members])
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from components.oncall.directory import Person
from components.oncall.services import SupportHours

if TYPE_CHECKING:
    from stacks.settings_reader import _Reader

DIRECTORY_PROJECT = "trust-fabric-oncall"
DIRECTORY_STACK = "pagerduty"
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
STACK_NAME = re.compile(r"^([A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]+$")
URGENCIES = ("severity", "low")
DIRECTORY_KEYS = ("members", "manager", "team", "rotation", "escalation")
PERSON_KEYS = ("email", "name", "timeZone")
ROTATION_KEYS = ("lengthDays", "handoff", "start", "timeZone")
ESCALATION_KEYS = ("secondaryAfterMinutes", "managerAfterMinutes")
ONCALL_KEYS = ("directoryStack", "pagingUrgency", "businessHours", "pagerdutySubdomain")
SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
BUSINESS_HOURS_KEYS = ("start", "end", "timeZone", "days")


@cache
def time_zones() -> frozenset[str]:
    """IANA time zone names (the tz database PagerDuty also uses)."""
    return frozenset(zoneinfo.available_timezones())


@dataclass(frozen=True)
class Rotation:
    length_days: int = 7
    """How long each member is on call (primary, then secondary in the next turn)."""
    handoff: str = "09:00"
    """Local time of the hand-off, in `time_zone`."""
    start: str = "2026-01-05"
    """The date the rotation order counts from (the first member is primary from then)."""
    time_zone: str = "Europe/London"


@dataclass(frozen=True)
class Escalation:
    secondary_after_minutes: int = 10
    """An unacknowledged page goes to the secondary after this long."""
    manager_after_minutes: int = 20
    """... and to the engineering manager after this long (from the first page)."""


@dataclass(frozen=True)
class DirectorySettings:
    """The on-call directory: one PagerDuty team, its primary and secondary schedules, its escalation policy."""

    source: str
    members: tuple[Person, ...]
    manager: Person
    team: str = "Trust Fabric on-call"
    rotation: Rotation = Rotation()
    escalation: Escalation = Escalation()


@dataclass(frozen=True)
class OnCallSettings:
    """How a cloud stack pages: its services' urgency and support hours, the directory it reads."""

    directory_stack: str = f"{DIRECTORY_PROJECT}/{DIRECTORY_STACK}"
    """The directory's stack, `[org/]project/stack`; its `escalation_policy_id` output names who is paged."""
    paging_urgency: str = "severity"
    """`severity`: the alert's severity decides (critical and error page at once); `low`: notify, never page."""
    business_hours: SupportHours = field(default_factory=SupportHours)
    pagerduty_subdomain: str | None = None
    """The PagerDuty account's subdomain (`<subdomain>.pagerduty.com`), named by Datadog's PagerDuty integration
    (declared by prod only, one Datadog account); required in prod."""


def _person(reader: _Reader, key: str, value: Any) -> Person:
    item = reader.mapping(key, value)
    reader.unknown_keys(f"{key}.", item, PERSON_KEYS)
    for required in PERSON_KEYS:
        if required not in item:
            raise reader.fail(f"{key}.{required}", f"missing required key; allowed: {_PERSON_HELP[required]}")
    email = reader.matching(f"{key}.email", item["email"], EMAIL, "an email address", "name@example.com")
    name = reader.string(f"{key}.name", item["name"])
    if not name.strip():
        raise reader.fail(f"{key}.name", "must not be empty")
    return Person(email=email.lower(), name=name, time_zone=_time_zone(reader, f"{key}.timeZone", item["timeZone"]))


_PERSON_HELP = {"email": "an email address", "name": "the person's name", "timeZone": "an IANA time zone"}


def _time_zone(reader: _Reader, key: str, value: Any) -> str:
    text = reader.string(key, value)
    if text not in time_zones():
        raise reader.fail(key, f"{text!r} is not an IANA time zone; allowed: e.g. Europe/London, America/Toronto")
    return text


def _clock(reader: _Reader, key: str, value: Any) -> str:
    return reader.matching(key, value, CLOCK, "a time of day", "HH:MM, 00:00..23:59")


def parse_directory(values: Mapping[str, str], *, project: str, stack: str, source: str) -> DirectorySettings:
    """Validate the directory program's config (namespaced keys, string values as the CLI passes them)."""
    from stacks.settings_reader import _decode, _Reader, _type_name

    reader = _Reader(source, project)
    prefix = f"{project}:"
    own = {key[len(prefix) :]: raw for key, raw in values.items() if key.startswith(prefix)}
    reader.unknown_keys("", own, DIRECTORY_KEYS)
    for key in ("members", "manager"):
        if key not in own:
            raise reader.fail(key, f"missing required key ({_DIRECTORY_HELP[key]})")

    members_value = _decode(own["members"])
    if not isinstance(members_value, list) or len(members_value) < 2:
        shown = f"{len(members_value)} member" if isinstance(members_value, list) else _type_name(members_value)
        raise reader.fail("members", f"expected a list of at least 2 people (primary and secondary), got {shown}")
    members: list[Person] = []
    for index, item in enumerate(members_value):
        person = _person(reader, f"members[{index}]", item)
        if any(person.email == other.email for other in members):
            raise reader.fail(f"members[{index}].email", f"{person.email} is listed twice; each person is one member")
        members.append(person)
    manager = _person(reader, "manager", _decode(own["manager"]))
    if any(manager.email == member.email for member in members):
        raise reader.fail(
            "manager.email", f"{manager.email} is also a member; the last escalation must reach someone else"
        )

    team = reader.string("team", own.get("team", "Trust Fabric on-call"))
    if not team.strip():
        raise reader.fail("team", "must not be empty")

    rotation = Rotation()
    if "rotation" in own:
        raw = reader.mapping("rotation", _decode(own["rotation"]))
        reader.unknown_keys("rotation.", raw, ROTATION_KEYS)
        start = reader.string("rotation.start", raw.get("start", rotation.start))
        try:
            datetime.date.fromisoformat(start)
        except ValueError:
            raise reader.fail("rotation.start", f"{start!r} is not a date; allowed: YYYY-MM-DD") from None
        rotation = Rotation(
            length_days=reader.integer("rotation.lengthDays", raw.get("lengthDays", rotation.length_days), 1, 28),
            handoff=_clock(reader, "rotation.handoff", raw.get("handoff", rotation.handoff)),
            start=start,
            time_zone=_time_zone(reader, "rotation.timeZone", raw.get("timeZone", rotation.time_zone)),
        )

    escalation = Escalation()
    if "escalation" in own:
        raw = reader.mapping("escalation", _decode(own["escalation"]))
        reader.unknown_keys("escalation.", raw, ESCALATION_KEYS)
        secondary = reader.integer(
            "escalation.secondaryAfterMinutes",
            raw.get("secondaryAfterMinutes", escalation.secondary_after_minutes),
            1,
            30,
        )
        manager_after = reader.integer(
            "escalation.managerAfterMinutes", raw.get("managerAfterMinutes", escalation.manager_after_minutes), 2, 60
        )
        if manager_after <= secondary:
            raise reader.fail(
                "escalation.managerAfterMinutes",
                f"{manager_after} is not after the secondary's {secondary}; allowed: {secondary + 1}..60",
            )
        escalation = Escalation(secondary_after_minutes=secondary, manager_after_minutes=manager_after)

    return DirectorySettings(
        source=source, members=tuple(members), manager=manager, team=team, rotation=rotation, escalation=escalation
    )


_DIRECTORY_HELP = {
    "members": "a list of {email, name, timeZone}, at least 2",
    "manager": "an object {email, name, timeZone}",
}


def parse_oncall(reader: _Reader, value: Any) -> OnCallSettings:
    """`trust-fabric:oncall` of a cloud stack (already decoded from its JSON text)."""
    raw = reader.mapping("oncall", value)
    reader.unknown_keys("oncall.", raw, ONCALL_KEYS)
    defaults = OnCallSettings()
    directory = reader.matching(
        "oncall.directoryStack",
        raw.get("directoryStack", defaults.directory_stack),
        STACK_NAME,
        "a stack name",
        "[organization/]project/stack",
    )
    urgency = reader.string("oncall.pagingUrgency", raw.get("pagingUrgency", defaults.paging_urgency), URGENCIES)
    hours = defaults.business_hours
    if "businessHours" in raw:
        given = reader.mapping("oncall.businessHours", raw["businessHours"])
        reader.unknown_keys("oncall.businessHours.", given, BUSINESS_HOURS_KEYS)
        start = _clock(reader, "oncall.businessHours.start", given.get("start", hours.start))
        end = _clock(reader, "oncall.businessHours.end", given.get("end", hours.end))
        if end <= start:
            raise reader.fail("oncall.businessHours.end", f"{end!r} is not after the start {start!r}")
        days_value = given.get("days", list(hours.days))
        if not isinstance(days_value, list) or not days_value:
            raise reader.fail("oncall.businessHours.days", "expected a non-empty list of ISO weekdays; allowed: 1..7")
        days = tuple(
            reader.integer(f"oncall.businessHours.days[{index}]", day, 1, 7) for index, day in enumerate(days_value)
        )
        if len(set(days)) != len(days):
            raise reader.fail("oncall.businessHours.days", "a weekday is listed twice")
        hours = SupportHours(
            start=start,
            end=end,
            time_zone=_time_zone(reader, "oncall.businessHours.timeZone", given.get("timeZone", hours.time_zone)),
            days=tuple(sorted(days)),
        )
    subdomain = None
    if "pagerdutySubdomain" in raw:
        subdomain = reader.matching(
            "oncall.pagerdutySubdomain",
            raw["pagerdutySubdomain"],
            SUBDOMAIN,
            "a PagerDuty subdomain",
            "the <subdomain> of https://<subdomain>.pagerduty.com (lower-case letters, digits, '-')",
        )
    return OnCallSettings(
        directory_stack=directory, paging_urgency=urgency, business_hours=hours, pagerduty_subdomain=subdomain
    )
