"""aws-appconfig-deployment-strategy-bake-time and -gradual: a bake after the last step; never 100% at once."""

from __future__ import annotations

import pytest

from policies.aws.appconfig.deployment_strategy_bake_time import POLICY as BAKE
from policies.aws.appconfig.deployment_strategy_gradual import POLICY as GRADUAL
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet
from trustfabric.gate import policy_floors

PROGRAM = """
import pulumi_aws as aws
def strategy(name, growth, minutes, bake):
    aws.appconfig.DeploymentStrategy(name, name=name, growth_factor=growth, deployment_duration_in_minutes=minutes,
        final_bake_time_in_minutes=bake, growth_type="LINEAR", replicate_to="NONE")
strategy("canary", 10, 60, 30)
strategy("no-bake", 10, 60, 0)
strategy("short-bake", 10, 60, 5)
strategy("all-at-once", 100, 0, 30)
strategy("instant", 20, 0, 30)
aws.appconfig.DeploymentStrategy("bake-absent", growth_factor=10, deployment_duration_in_minutes=30, replicate_to="NONE")
"""
TYPE = "aws:appconfig/deploymentStrategy:DeploymentStrategy"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("strategies"), PROGRAM)


def reported(policy, graph, config=None) -> dict[str, str]:
    diagnostics = evaluate(policy, graph, config)
    assert {d.enforcement for d in diagnostics} <= {"mandatory"}
    return {d.urn.rsplit("::", 1)[1]: d.detail for d in diagnostics}


def test_bake_time_below_the_minimum_is_reported(graph):
    assert reported(BAKE, graph) == {
        name: f"AppConfig deployment strategy '{name}' bakes for {minutes} minutes; set final_bake_time_in_minutes "
        "to at least 10 so its alarms can still roll a deployment back."
        for name, minutes in (("no-bake", 0), ("short-bake", 5), ("bake-absent", 0))
    }


def test_a_stricter_bake_minimum_is_applied(graph):
    assert sorted(reported(BAKE, graph, {"minimumMinutes": 45})) == sorted(
        ["canary", "no-bake", "short-bake", "all-at-once", "instant", "bake-absent"]
    )


def test_loosening_the_bake_below_ten_minutes_is_below_the_floor():
    floor = policy_floors(BAKE)["minimumMinutes"]
    assert floor.loosened_by(5) and not floor.loosened_by(10)


def test_deploying_everything_at_once_is_reported(graph):
    assert reported(GRADUAL, graph) == {
        "all-at-once": "AppConfig deployment strategy 'all-at-once' deploys to 100% of targets at once "
        "(growth_factor 100); set growth_factor below 100, e.g. 10 for a 10% canary.",
        "instant": "AppConfig deployment strategy 'instant' deploys to 100% of targets at once "
        "(deployment_duration_in_minutes 0); spread the steps over at least 10 minutes.",
    }


def test_unknown_values_are_never_a_pass():
    [diagnostic] = evaluate(BAKE, resource(TYPE, {"finalBakeTimeInMinutes": UNKNOWN}, name="s"))
    assert diagnostic.detail == (
        "AppConfig deployment strategy 's': final_bake_time_in_minutes is not known during preview; "
        "set it literally to at least 10."
    )
    [diagnostic] = evaluate(
        GRADUAL, resource(TYPE, {"growthFactor": UNKNOWN, "deploymentDurationInMinutes": 60}, name="s")
    )
    assert diagnostic.detail == (
        "AppConfig deployment strategy 's': growth_factor is not known during preview; set it literally."
    )


def test_a_canary_then_linear_strategy_with_a_bake_passes_both():
    canary = resource(
        TYPE, {"growthFactor": 10.0, "deploymentDurationInMinutes": 60.0, "finalBakeTimeInMinutes": 30.0}, name="s"
    )
    assert evaluate(BAKE, canary) == []
    assert evaluate(GRADUAL, canary) == []
