"""Delivery settings: defaults, what a stack file may change, and one exact line for each bad value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.delivery.appconfig import CanaryStrategy
from components.delivery.chaos import EXPERIMENT_KEYS
from stacks.settings import SettingsError, parse_settings
from stacks.settings_delivery import STANDBY_EXPERIMENTS, parse_delivery
from tests.stacks.test_settings import GOOD, preview_error

BASE = {
    "trust-fabric:cells": json.dumps([{"jurisdiction": "UK"}]),
    "trust-fabric:vault": json.dumps({"address": "https://vault.example.internal:8200"}),
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}


def settings_for(stack: str = "prod", role: str = "primary", delivery: object = None):
    values = {**BASE, "trust-fabric:role": role}
    if delivery is not None:
        values["trust-fabric:delivery"] = json.dumps(delivery)
    settings = parse_settings(values, project="trust-fabric", stack=stack, source=f"Pulumi.{stack}.yaml")
    return values, settings


def parsed(stack: str = "prod", role: str = "primary", delivery: object = None):
    values, settings = settings_for(stack, role, delivery)
    return parse_delivery(values, settings)


def refused(delivery: object, stack: str = "prod", role: str = "primary") -> str:
    with pytest.raises(SettingsError) as error:
        parsed(stack, role, delivery)
    return str(error.value)


def test_defaults():
    delivery = parsed()
    assert delivery.stages == ("prod",)
    assert delivery.canary == CanaryStrategy(growth_factor=10, deployment_minutes=60, final_bake_minutes=30)
    assert (delivery.chaos_enabled, delivery.experiments) == (True, EXPERIMENT_KEYS)
    assert (delivery.duration_minutes, delivery.latency_ms) == (10, 2000)


def test_dr_runs_no_experiment_unless_told_and_never_a_ledger_failover():
    assert parsed("dr", "standby").chaos_enabled is False
    assert parsed("dr", "active").chaos_enabled is False
    told = parsed("dr", "standby", {"chaos": {"enabled": True}})
    assert (told.chaos_enabled, told.experiments) == (True, STANDBY_EXPERIMENTS)


def test_a_stack_file_changes_what_differs():
    delivery = parsed(
        delivery={
            "stages": ["canary", "prod"],
            "canary": {"growthFactor": 20, "finalBakeMinutes": 45},
            "chaos": {"experiments": ["az-impairment"], "durationMinutes": 5, "latencyMs": 500},
        }
    )
    assert delivery.stages == ("canary", "prod")
    assert delivery.canary == CanaryStrategy(growth_factor=20, deployment_minutes=60, final_bake_minutes=45)
    assert (delivery.experiments, delivery.duration_minutes, delivery.latency_ms) == (("az-impairment",), 5, 500)


@pytest.mark.parametrize(
    ("delivery", "message"),
    [
        ("fast", "delivery: expected an object, got a string ('fast')"),
        ({"canaries": {}}, "delivery.canaries: unknown key; did you mean 'canary'? allowed: stages, canary, chaos"),
        ({"stages": []}, "delivery.stages: expected a non-empty list of stage names, got a list"),
        (
            {"stages": ["Prod"]},
            "delivery.stages[0]: 'Prod' is not a stage name; allowed: 1-32 of a-z, 0-9, '-', starting with a letter",
        ),
        ({"stages": ["prod", "prod"]}, "delivery.stages: a stage is listed twice"),
        ({"canary": {"growthFactor": 100}}, "delivery.canary.growthFactor: 100 is out of range; allowed: 1..50"),
        (
            {"canary": {"finalBakeMinutes": 0}},
            "delivery.canary.finalBakeMinutes: 0 is out of range; allowed: 10..1440",
        ),
        (
            {"canary": {"bake": 10}},
            "delivery.canary.bake: unknown key; allowed: growthFactor, deploymentMinutes, finalBakeMinutes",
        ),
        ({"chaos": {"enabled": "yes"}}, "delivery.chaos.enabled: expected a boolean, got a string ('yes')"),
        (
            {"chaos": {"experiments": ["meteor"]}},
            "delivery.chaos.experiments[0]: 'meteor' is not allowed; allowed: connector-outage, queue-delay, "
            "aurora-failover, az-impairment",
        ),
        ({"chaos": {"durationMinutes": 90}}, "delivery.chaos.durationMinutes: 90 is out of range; allowed: 1..60"),
    ],
)
def test_each_bad_value_is_one_exact_line(delivery, message):
    assert refused(delivery) == f"Pulumi.prod.yaml: trust-fabric:{message}"


def test_a_standby_footprint_cannot_fail_the_ledger_over():
    assert refused({"chaos": {"enabled": True, "experiments": ["aurora-failover"]}}, "dr", "standby") == (
        "Pulumi.dr.yaml: trust-fabric:delivery.chaos.experiments[0]: 'aurora-failover' is not allowed; allowed: "
        "connector-outage, queue-delay, az-impairment"
    )


def test_the_cli_refuses_a_bad_delivery_setting_with_exit_2(tmp_path: Path, capsys):
    stack_file = GOOD + "  trust-fabric:delivery:\n    canary:\n      growthFactor: 100\n"
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:delivery.canary.growthFactor: 100 is out of range; allowed: 1..50"
    )


def test_flags_of_a_service_without_an_slo_are_refused(tmp_path: Path):
    from components.delivery.flags import SCHEMA_FILE
    from stacks.delivery import FLAGS_DIR, SLO_DIR, plan

    (tmp_path / SCHEMA_FILE).write_bytes((FLAGS_DIR / SCHEMA_FILE).read_bytes())
    (tmp_path / "billing.json").write_text('{"version": "1"}', encoding="utf-8")
    _, settings = settings_for()
    with pytest.raises(SettingsError) as error:
        plan(settings, SLO_DIR, tmp_path)
    assert str(error.value) == (
        f"{tmp_path / 'billing.json'}: no SLO in slos/ has service 'billing', so nothing could roll its flags back; "
        "allowed: api, extraction, filing, ingestion, ledger, modelops"
    )


# `loadTest`: the in-cluster load test of prod's cells.


def load_test_for(load_test: object, stack: str = "prod", role: str = "primary"):
    from stacks.settings_delivery import parse_load_test

    values = {**BASE, "trust-fabric:role": role, "trust-fabric:loadTest": json.dumps(load_test)}
    settings = parse_settings(values, project="trust-fabric", stack=stack, source=f"Pulumi.{stack}.yaml")
    return parse_load_test(values, settings)


def load_test_refused(load_test: object, stack: str = "prod", role: str = "primary") -> str:
    with pytest.raises(SettingsError) as error:
        load_test_for(load_test, stack, role)
    return str(error.value)


def test_load_test_defaults_and_what_a_stack_file_changes():
    from stacks.settings_delivery import LoadTestSettings, LoadTestTarget, parse_load_test

    values, settings = settings_for()
    assert parse_load_test(values, settings) == LoadTestSettings(targets={})
    given = load_test_for({"cells": {"UK": {"host": "https://api.uk.example.internal/"}}})
    assert given == LoadTestSettings(targets={"UK": LoadTestTarget("https://api.uk.example.internal", "UK")})
    scaled = load_test_for(
        {"cells": {"UK": {"host": "https://api.uk.example.internal", "profile": "US"}}, "timeScale": 0.1}
    )
    assert (scaled.targets["UK"].profile, scaled.time_scale, scaled.user_scale) == ("US", 0.1, 1.0)


@pytest.mark.parametrize(
    ("load_test", "message"),
    [
        ("soon", "loadTest: expected an object, got a string ('soon')"),
        ({"cell": {}}, "loadTest.cell: unknown key; did you mean 'cells'? allowed: cells, timeScale, userScale"),
        (
            {"cells": {"FR": {"host": "https://a.example"}}},
            "loadTest.cells.FR: not a cell of this stack; allowed: UK",
        ),
        (
            {"cells": {"UK": {}}},
            "loadTest.cells.UK.host: required: the https:// base URL of the cell's service under test",
        ),
        (
            {"cells": {"UK": {"host": "http://api.uk.example"}}},
            "loadTest.cells.UK.host: 'http://api.uk.example' is not an https URL; allowed: https://host[:443][/path] "
            "(HTTPS egress only)",
        ),
        (
            {"cells": {"UK": {"host": "https://api.uk.example", "profile": "FR"}}},
            "loadTest.cells.UK.profile: 'FR' is not allowed; allowed: UK, EU, US, CA",
        ),
        ({"timeScale": 0}, "loadTest.timeScale: 0 is out of range; allowed: above 0, at most 10"),
        ({"userScale": "big"}, "loadTest.userScale: expected a number, got a string ('big')"),
    ],
)
def test_each_bad_load_test_value_is_one_exact_line(load_test, message):
    assert load_test_refused(load_test) == f"Pulumi.prod.yaml: trust-fabric:{message}"


def test_only_the_primary_stack_runs_load_tests():
    assert load_test_refused({"cells": {}}, "dr", "standby") == (
        "Pulumi.dr.yaml: trust-fabric:loadTest: only the primary stack (prod) runs load tests; this stack's role is "
        "standby"
    )


def test_the_cli_refuses_a_bad_load_test_setting_with_exit_2(tmp_path: Path, capsys):
    stack_file = GOOD + "  trust-fabric:loadTest:\n    cells:\n      UK:\n        host: http://api.uk.example\n"
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:loadTest.cells.UK.host: 'http://api.uk.example' is not an https URL; "
        "allowed: https://host[:443][/path] (HTTPS egress only)"
    )
