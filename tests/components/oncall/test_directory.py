"""On-call directory: the team, its people, layered primary/secondary schedules and the Sev1 escalation."""

from __future__ import annotations

import pytest

from components.oncall.directory import OnCallDirectoryArgs, Person, layer_start, validate_args
from tests.components.helpers import only, refusal

ANA = Person("ana@example.com", "Ana", "Europe/London")
BO = Person("bo@example.com", "Bo", "America/Toronto")
EM = Person("em@example.com", "Em", "Europe/London")
USER = "pagerduty:index/user:User"
SCHEDULE = "pagerduty:index/schedule:Schedule"
POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy"
MEMBERSHIP = "pagerduty:index/teamMembership:TeamMembership"


def test_sev1_escalates_primary_then_secondary_at_10_then_the_manager_at_20(directory):
    policy = only(directory, POLICY, "oncall-escalation")
    rules = policy.props["rules"]
    primary = only(directory, SCHEDULE, "oncall-primary")
    secondary = only(directory, SCHEDULE, "oncall-secondary")
    manager = only(directory, USER, "oncall-manager")
    assert [rule["targets"] for rule in rules] == [
        [{"type": "schedule_reference", "id": primary.id}],
        [{"type": "schedule_reference", "id": secondary.id}],
        [{"type": "user_reference", "id": manager.id}],
    ]
    delays = [rule["escalationDelayInMinutes"] for rule in rules]
    assert delays[0] == 10
    assert delays[0] + delays[1] == 20
    assert policy.props["numLoops"] == 2


def test_the_secondary_layer_is_the_same_rotation_one_turn_later(directory):
    members = [only(directory, USER, f"oncall-member-{index}").id for index in range(4)]
    [primary] = only(directory, SCHEDULE, "oncall-primary").props["layers"]
    [secondary] = only(directory, SCHEDULE, "oncall-secondary").props["layers"]
    assert primary["users"] == members
    assert secondary["users"] == members[1:] + members[:1]
    assert primary["rotationTurnLengthSeconds"] == secondary["rotationTurnLengthSeconds"] == 7 * 86400
    assert primary["start"] == secondary["start"] == "2026-01-05T09:00:00+00:00"


def test_every_person_is_a_team_member_with_their_time_zone(directory):
    users = directory.of_type(USER)
    assert {user.props["timeZone"] for user in users} >= {"Europe/London", "America/Toronto"}
    memberships = directory.of_type(MEMBERSHIP)
    assert sorted(m.props["role"] for m in memberships) == ["manager"] + ["responder"] * 4
    assert {m.props["userId"] for m in memberships} == {user.id for user in users}


def test_every_child_is_parented_to_the_directory(directory):
    for resource in directory:
        if resource.type.startswith("pagerduty:index/"):
            assert resource.parent and resource.parent.endswith("trustfabric:oncall:OnCallDirectory::oncall")


def test_the_first_hand_off_carries_the_time_zones_offset_that_day():
    summer = OnCallDirectoryArgs(team="t", members=(ANA, BO), manager=EM, start="2026-07-06", handoff="08:30")
    assert layer_start(summer) == "2026-07-06T08:30:00+01:00"


def args(**changes):
    values = {"team": "t", "members": (ANA, BO), "manager": EM, **changes}
    return OnCallDirectoryArgs(**values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members": (ANA,)}, "OnCallDirectory: members: 1 given; allowed: at least 2 (primary, secondary)"),
        (
            {"members": (ANA, Person("ANA@example.com", "A", "UTC"))},
            "OnCallDirectory: members: ana@example.com is listed twice",
        ),
        ({"manager": ANA}, "OnCallDirectory: manager: ana@example.com is also a member; allowed: someone else"),
        (
            {"manager": Person("em@example.com", "Em", "Mars/Olympus")},
            "OnCallDirectory: em@example.com: 'Mars/Olympus' is not an IANA time zone",
        ),
        ({"rotation_days": 0}, "OnCallDirectory: rotation_days: 0 is out of range; allowed: 1..28"),
        ({"handoff": "9am"}, "OnCallDirectory: handoff: '9am' is not a time of day; allowed: HH:MM"),
        ({"start": "05/01/2026"}, "OnCallDirectory: start: '05/01/2026' is not a date; allowed: YYYY-MM-DD"),
        (
            {"secondary_after_minutes": 45},
            "OnCallDirectory: secondary_after_minutes: 45 is out of range; allowed: 1..30",
        ),
        ({"manager_after_minutes": 10}, "OnCallDirectory: manager_after_minutes: 10 is out of range; allowed: 11..60"),
    ],
)
def test_bad_arguments_are_refused_by_name(changes, message):
    assert refusal(lambda: validate_args(args(**changes))) == message
