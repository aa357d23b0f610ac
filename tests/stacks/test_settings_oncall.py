"""Typed on-call settings: the directory program's section and a cloud stack's `trust-fabric:oncall`, each bad
value refused with one exact line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from components.oncall.directory import Person
from components.oncall.services import SupportHours
from stacks.settings import SettingsError, parse_settings
from stacks.settings_oncall import OnCallSettings, parse_directory

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI = REPO_ROOT / ".venv" / "bin" / "trustfabric"
SOURCE = "Pulumi.pagerduty.yaml"
NS = "trust-fabric-oncall"
MEMBERS = [
    {"email": "ana@example.com", "name": "Ana", "timeZone": "Europe/London"},
    {"email": "bo@example.com", "name": "Bo", "timeZone": "America/Toronto"},
]
MANAGER = {"email": "em@example.com", "name": "Em", "timeZone": "Europe/London"}


def directory(**changes):
    values = {"members": MEMBERS, "manager": MANAGER, **changes}
    config = {f"{NS}:{key}": json.dumps(value) for key, value in values.items() if value is not None}
    return parse_directory(config, project=NS, stack="pagerduty", source=SOURCE)


def directory_error(**changes) -> str:
    with pytest.raises(SettingsError) as error:
        directory(**changes)
    return str(error.value)


def test_the_repositorys_directory_parses_with_its_defaults():
    config = yaml.safe_load((REPO_ROOT / "oncall" / SOURCE).read_text(encoding="utf-8"))["config"]
    settings = parse_directory(
        {key: json.dumps(value) for key, value in config.items()}, project=NS, stack="pagerduty", source=SOURCE
    )
    assert len(settings.members) >= 2
    assert settings.escalation.secondary_after_minutes == 10
    assert settings.escalation.manager_after_minutes == 20
    assert settings.rotation.length_days == 7


def test_emails_are_read_in_lower_case():
    settings = directory(members=[{**MEMBERS[0], "email": "Ana@Example.com"}, MEMBERS[1]])
    assert settings.members[0] == Person("ana@example.com", "Ana", "Europe/London")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members": None}, "members: missing required key (a list of {email, name, timeZone}, at least 2)"),
        (
            {"members": MEMBERS[:1]},
            "members: expected a list of at least 2 people (primary and secondary), got 1 member",
        ),
        (
            {"members": [MEMBERS[0], {**MEMBERS[1], "emial": "x"}]},
            "members[1].emial: unknown key; did you mean 'email'? allowed: email, name, timeZone",
        ),
        (
            {"members": [MEMBERS[0], {"name": "Bo", "timeZone": "UTC"}]},
            "members[1].email: missing required key; allowed: an email address",
        ),
        (
            {"members": [MEMBERS[0], {**MEMBERS[1], "email": "bo at example"}]},
            "members[1].email: 'bo at example' is not an email address; allowed: name@example.com",
        ),
        (
            {"members": [MEMBERS[0], {**MEMBERS[1], "timeZone": "EST5"}]},
            "members[1].timeZone: 'EST5' is not an IANA time zone; allowed: e.g. Europe/London, America/Toronto",
        ),
        (
            {"members": [MEMBERS[0], {**MEMBERS[0], "name": "Ana again"}]},
            "members[1].email: ana@example.com is listed twice; each person is one member",
        ),
        (
            {"manager": MEMBERS[1]},
            "manager.email: bo@example.com is also a member; the last escalation must reach someone else",
        ),
        ({"rotation": {"lengthDays": 30}}, "rotation.lengthDays: 30 is out of range; allowed: 1..28"),
        (
            {"rotation": {"handoff": "25:00"}},
            "rotation.handoff: '25:00' is not a time of day; allowed: HH:MM, 00:00..23:59",
        ),
        ({"rotation": {"start": "next monday"}}, "rotation.start: 'next monday' is not a date; allowed: YYYY-MM-DD"),
        (
            {"escalation": {"secondaryAfterMinutes": 0}},
            "escalation.secondaryAfterMinutes: 0 is out of range; allowed: 1..30",
        ),
        (
            {"escalation": {"secondaryAfterMinutes": 15, "managerAfterMinutes": 15}},
            "escalation.managerAfterMinutes: 15 is not after the secondary's 15; allowed: 16..60",
        ),
        (
            {"teem": "x"},
            "teem: unknown key; did you mean 'team'? allowed: members, manager, team, rotation, escalation",
        ),
    ],
)
def test_bad_directory_settings_name_the_file_and_key(changes, message):
    assert directory_error(**changes) == f"{SOURCE}: {NS}:{message}"


STACK = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": json.dumps([{"jurisdiction": "UK"}]),
    "trust-fabric:vault": json.dumps({"address": "https://vault.example.internal:8200"}),
}


def stack_oncall(value) -> OnCallSettings:
    config = {**STACK, "trust-fabric:oncall": json.dumps(value)}
    return parse_settings(config, project="trust-fabric", stack="dev", source="Pulumi.dev.yaml").oncall


def test_every_stack_pages_by_default():
    settings = parse_settings(STACK, project="trust-fabric", stack="dev", source="Pulumi.dev.yaml")
    assert settings.oncall == OnCallSettings()
    assert settings.oncall.paging_urgency == "severity"
    assert settings.oncall.directory_stack == "trust-fabric-oncall/pagerduty"


def test_a_stack_may_set_its_urgency_and_business_hours():
    settings = stack_oncall(
        {
            "pagingUrgency": "low",
            "businessHours": {"start": "08:00", "end": "16:00", "timeZone": "America/Toronto", "days": [5, 1]},
        }
    )
    assert settings.paging_urgency == "low"
    assert settings.business_hours == SupportHours("08:00", "16:00", "America/Toronto", (1, 5))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yes", "oncall: expected an object, got a string ('yes')"),
        ({"pagingUrgency": "high"}, "oncall.pagingUrgency: 'high' is not allowed; allowed: severity, low"),
        (
            {"directoryStack": "a b"},
            "oncall.directoryStack: 'a b' is not a stack name; allowed: [organization/]project/stack",
        ),
        (
            {"buisnessHours": {}},
            "oncall.buisnessHours: unknown key; did you mean 'businessHours'? allowed: directoryStack, pagingUrgency, businessHours, pagerdutySubdomain",
        ),
        ({"businessHours": {"start": "18:00"}}, "oncall.businessHours.end: '17:30' is not after the start '18:00'"),
        (
            {"businessHours": {"days": []}},
            "oncall.businessHours.days: expected a non-empty list of ISO weekdays; allowed: 1..7",
        ),
        ({"businessHours": {"days": [1, 8]}}, "oncall.businessHours.days[1]: 8 is out of range; allowed: 1..7"),
        ({"businessHours": {"days": [1, 1]}}, "oncall.businessHours.days: a weekday is listed twice"),
        (
            {"businessHours": {"timeZone": "London"}},
            "oncall.businessHours.timeZone: 'London' is not an IANA time zone; allowed: e.g. Europe/London, America/Toronto",
        ),
    ],
)
def test_bad_stack_oncall_settings_name_the_file_and_key(value, message):
    with pytest.raises(SettingsError) as error:
        stack_oncall(value)
    assert str(error.value) == f"Pulumi.dev.yaml: trust-fabric:{message}"


def test_a_bad_directory_file_is_one_line_from_the_cli_with_exit_2(tmp_path):
    program = tmp_path / "oncall"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(
        f"name: {NS}\nruntime: python\nmain: {REPO_ROOT / 'oncall'}\n", encoding="utf-8"
    )
    bad = {"config": {f"{NS}:members": MEMBERS[:1], f"{NS}:manager": MANAGER}}
    (program / SOURCE).write_text(yaml.safe_dump(bad), encoding="utf-8")
    result = subprocess.run(
        [str(CLI), "preview", "--program", str(program), "--stack", "pagerduty"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert (
        f"{SOURCE}: {NS}:members: expected a list of at least 2 people (primary and secondary), got 1 member"
        in result.stderr
    )
