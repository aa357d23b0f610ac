"""On-call directory: the PagerDuty team, its people, the layered primary/secondary schedules and the escalation
policy every Trust Fabric service pages through.

The escalation is the Sev1 path of `docs/incidents.md`: the primary is paged at once, an unacknowledged page
goes to the secondary after `secondary_after_minutes` (10) and to the engineering manager after
`manager_after_minutes` (20); then the chain repeats. The secondary schedule rotates the same people one turn
later, so the secondary is never the primary. Declared once, by the `oncall/` program: people and rotas belong
to the PagerDuty account, not to one environment (docs/adr/0011-on-call-as-code.md).

Usage::

    directory = OnCallDirectory(
        "oncall",
        OnCallDirectoryArgs(
            team="Trust Fabric on-call",
            members=(Person("ana@example.com", "Ana", "Europe/London"), Person("bo@example.com", "Bo", "America/Toronto")),
            manager=Person("em@example.com", "Em", "Europe/London"),
        ),
        opts=pulumi.ResourceOptions(provider=pagerduty_provider),
    )
    pulumi.export("escalation_policy_id", directory.escalation_policy_id)
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_pagerduty as pagerduty

from components.validation import require_range

COMPONENT = "OnCallDirectory"
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LAST_RULE_DELAY_MINUTES = 10
"""How long the manager has before the chain starts again from the primary."""
LOOPS = 2
"""How many times the whole chain repeats while nobody acknowledges."""


@dataclass(frozen=True)
class Person:
    """Someone PagerDuty may page."""

    email: str
    """The PagerDuty login (unique in the account)."""
    name: str
    time_zone: str
    """IANA time zone: PagerDuty shows shifts and sends notifications in it."""


@dataclass(frozen=True)
class OnCallDirectoryArgs:
    """Arguments of the on-call directory."""

    team: str
    """The PagerDuty team's name."""
    members: Sequence[Person]
    """The rotation, in order: at least two people (a primary and a secondary), each email once."""
    manager: Person
    """The engineering manager: the last escalation, never a member of the rotation."""
    rotation_days: int = 7
    """Length of one on-call turn, 1..28 days."""
    handoff: str = "09:00"
    """Local time of the hand-off (HH:MM) in `time_zone`."""
    start: str = "2026-01-05"
    """Date (YYYY-MM-DD) from which the rotation order counts."""
    time_zone: str = "Europe/London"
    """The schedules' time zone."""
    secondary_after_minutes: int = 10
    """An unacknowledged page escalates to the secondary after this long (1..30)."""
    manager_after_minutes: int = 20
    """... and to the manager after this long from the first page (more than the secondary's, at most 60)."""


def validate_args(args: OnCallDirectoryArgs) -> None:
    if len(args.members) < 2:
        raise ValueError(f"{COMPONENT}: members: {len(args.members)} given; allowed: at least 2 (primary, secondary)")
    emails = [member.email.lower() for member in args.members]
    for email in emails:
        if emails.count(email) > 1:
            raise ValueError(f"{COMPONENT}: members: {email} is listed twice")
    if args.manager.email.lower() in emails:
        raise ValueError(f"{COMPONENT}: manager: {args.manager.email} is also a member; allowed: someone else")
    for person in (*args.members, args.manager):
        if person.time_zone not in zoneinfo.available_timezones():
            raise ValueError(f"{COMPONENT}: {person.email}: {person.time_zone!r} is not an IANA time zone")
    if args.time_zone not in zoneinfo.available_timezones():
        raise ValueError(f"{COMPONENT}: time_zone: {args.time_zone!r} is not an IANA time zone")
    require_range(COMPONENT, "rotation_days", args.rotation_days, 1, 28)
    if not CLOCK.fullmatch(args.handoff):
        raise ValueError(f"{COMPONENT}: handoff: {args.handoff!r} is not a time of day; allowed: HH:MM")
    try:
        datetime.date.fromisoformat(args.start)
    except ValueError:
        raise ValueError(f"{COMPONENT}: start: {args.start!r} is not a date; allowed: YYYY-MM-DD") from None
    require_range(COMPONENT, "secondary_after_minutes", args.secondary_after_minutes, 1, 30)
    require_range(COMPONENT, "manager_after_minutes", args.manager_after_minutes, args.secondary_after_minutes + 1, 60)


def layer_start(args: OnCallDirectoryArgs) -> str:
    """The first hand-off as PagerDuty wants it: ISO 8601 with the schedule time zone's offset on that day."""
    hour, minute = (int(part) for part in args.handoff.split(":"))
    local = datetime.datetime.combine(
        datetime.date.fromisoformat(args.start), datetime.time(hour, minute), zoneinfo.ZoneInfo(args.time_zone)
    )
    return local.isoformat()


class OnCallDirectory(pulumi.ComponentResource):
    """A team, its users, primary and secondary schedules, and the escalation policy (primary -> secondary ->
    manager)."""

    escalation_policy_id: pulumi.Output[str]
    team_id: pulumi.Output[str]

    def __init__(self, name: str, args: OnCallDirectoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__(f"trustfabric:oncall:{COMPONENT}", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        team = pagerduty.Team(
            f"{name}-team", name=args.team, description="Trust Fabric on-call (declared in oncall/)", opts=child
        )
        users = []
        for index, person in enumerate(args.members):
            user = pagerduty.User(
                f"{name}-member-{index}", email=person.email, name=person.name, time_zone=person.time_zone, opts=child
            )
            pagerduty.TeamMembership(
                f"{name}-member-{index}-membership", team_id=team.id, user_id=user.id, role="responder", opts=child
            )
            users.append(user)
        manager = pagerduty.User(
            f"{name}-manager",
            email=args.manager.email,
            name=args.manager.name,
            time_zone=args.manager.time_zone,
            opts=child,
        )
        pagerduty.TeamMembership(
            f"{name}-manager-membership", team_id=team.id, user_id=manager.id, role="manager", opts=child
        )

        start = layer_start(args)
        schedules = {}
        for turn, layer in enumerate(("primary", "secondary")):
            # The secondary layer is the same order one turn later: the secondary is never the primary.
            order = users[turn:] + users[:turn]
            schedules[layer] = pagerduty.Schedule(
                f"{name}-{layer}",
                name=f"{args.team} - {layer}",
                time_zone=args.time_zone,
                teams=[team.id],
                layers=[
                    pagerduty.ScheduleLayerArgs(
                        name=f"{layer} rotation",
                        start=start,
                        rotation_virtual_start=start,
                        rotation_turn_length_seconds=args.rotation_days * 86400,
                        users=[user.id for user in order],
                    )
                ],
                opts=child,
            )

        policy = pagerduty.EscalationPolicy(
            f"{name}-escalation",
            name=f"{args.team} - Sev1",
            description=(
                f"Primary at once, secondary after {args.secondary_after_minutes} min, engineering manager after "
                f"{args.manager_after_minutes} min (docs/incidents.md)."
            ),
            num_loops=LOOPS,
            teams=team.id,
            rules=[
                pagerduty.EscalationPolicyRuleArgs(
                    escalation_delay_in_minutes=args.secondary_after_minutes,
                    targets=[
                        pagerduty.EscalationPolicyRuleTargetArgs(type="schedule_reference", id=schedules["primary"].id)
                    ],
                ),
                pagerduty.EscalationPolicyRuleArgs(
                    escalation_delay_in_minutes=args.manager_after_minutes - args.secondary_after_minutes,
                    targets=[
                        pagerduty.EscalationPolicyRuleTargetArgs(
                            type="schedule_reference", id=schedules["secondary"].id
                        )
                    ],
                ),
                pagerduty.EscalationPolicyRuleArgs(
                    escalation_delay_in_minutes=LAST_RULE_DELAY_MINUTES,
                    targets=[pagerduty.EscalationPolicyRuleTargetArgs(type="user_reference", id=manager.id)],
                ),
            ],
            opts=child,
        )
        self.escalation_policy_id = policy.id
        self.team_id = team.id
        self.register_outputs({"escalation_policy_id": self.escalation_policy_id, "team_id": self.team_id})
