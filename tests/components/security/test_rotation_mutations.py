"""The gate reaches the database rotation function: break it as a careless change would, in the real dev stack.

While the function was AWS's template, its environment encryption and its role lived in a CloudFormation stack
the gate could not see. Now both are resources of the graph; one program run of dev with three changes to the
UK cell's database rotation function shows what catches each:

- a literal password in its environment: our pack's `aws-lambda-no-literal-secrets` (mandatory);
- its environment without the secrets key (`kms_key_arn` removed): our pack's
  `aws-lambda-environment-encrypted-cmk` (mandatory), and checkov's CKV_AWS_173 through the bridge (mandatory as
  every checkov finding is; scanned on the function and its role only, to keep the test short);
- its role without the cell's permission boundary: our pack's `aws-iam-role-permission-boundary` (mandatory).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from policies.registry import all_policies
from tests.stacks.mutations.edits import DELETE, set_at, update_at
from tests.stacks.mutations.model import Mutation, Transformation
from trustfabric.bridge.checkov import scan_graph
from trustfabric.engine import run_program
from trustfabric.findings import Finding
from trustfabric.gate import GateResult, run_gate
from trustfabric.graph import ResourceGraph

FUNCTION = "aws:lambda/function:Function"
ROLE = "aws:iam/role:Role"
NAMES = ("uk-rotation-database", "uk-rotation-database-role")
MUTATIONS = (
    Mutation(
        policy="aws-lambda-no-literal-secrets",
        stack="dev",
        type=FUNCTION,
        name="uk-rotation-database",
        change="give the database rotation function a password in its environment",
        expect="environment variable 'DB_PASSWORD' holds a literal value for a secret-named key",
        edit=update_at(["environment", "variables"], lambda variables: {**variables, "DB_PASSWORD": "hunter2"}),
    ),
    Mutation(
        policy="CKV_AWS_173",
        stack="dev",
        type=FUNCTION,
        name="uk-rotation-database",
        change="leave the function's environment to Lambda's own key",
        expect="Check encryption settings for Lambda environmental variable",
        edit=set_at(["kms_key_arn"], DELETE),
    ),
    Mutation(
        policy="aws-iam-role-permission-boundary",
        stack="dev",
        type=ROLE,
        name="uk-rotation-database-role",
        change="drop the cell's permission boundary from the function's role",
        expect="IAM role 'uk-rotation-database-role' has no permission boundary",
        edit=set_at(["permissions_boundary"], DELETE),
    ),
)


@pytest.fixture(scope="module")
def mutated(repo_root: Path) -> ResourceGraph:
    transformation = Transformation(MUTATIONS)
    graph = run_program(repo_root, "dev", transformations=[transformation])
    assert not transformation.unapplied()
    return graph


@pytest.fixture(scope="module")
def mutated_gate(repo_root: Path, mutated: ResourceGraph) -> GateResult:
    return gate(repo_root, mutated)


@pytest.fixture(scope="module")
def baseline_gate(repo_root: Path, stack_graph: Callable[[str], ResourceGraph]) -> GateResult:
    return gate(repo_root, stack_graph("dev"))


def gate(repo_root: Path, graph: ResourceGraph) -> GateResult:
    return run_gate(repo_root, "dev", graph=graph, policies=all_policies())


def on_function(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    return {(f.policy, f.resource.name): f for f in findings if f.resource.name in NAMES}


def checkov_on_function(graph: ResourceGraph) -> dict[tuple[str, str], Finding]:
    """checkov's findings on the function and its role (a graph of them and the providers)."""
    kept = {urn: r for urn, r in graph.resources.items() if r.name in NAMES or r.is_provider}
    return on_function(scan_graph(replace(graph, resources=kept)).findings)


def test_our_pack_catches_a_literal_password_in_the_database_function_environment(
    baseline_gate: GateResult, mutated_gate: GateResult
) -> None:
    assert on_function(baseline_gate.findings) == {}
    found = {key: f for key, f in on_function(mutated_gate.findings).items() if key[1] == "uk-rotation-database"}
    # The two changes to the function, each caught by its own policy of ours.
    assert sorted(found) == [
        ("aws-lambda-environment-encrypted-cmk", "uk-rotation-database"),
        ("aws-lambda-no-literal-secrets", "uk-rotation-database"),
    ]
    finding = found["aws-lambda-no-literal-secrets", "uk-rotation-database"]
    assert finding.enforcement == "mandatory"
    assert MUTATIONS[0].expect in finding.message
    unkeyed = found["aws-lambda-environment-encrypted-cmk", "uk-rotation-database"]
    assert unkeyed.enforcement == "mandatory"
    assert "is not encrypted with a customer-managed KMS key" in unkeyed.message


def test_checkov_catches_the_database_function_environment_without_the_secrets_key(
    stack_graph: Callable[[str], ResourceGraph], mutated: ResourceGraph
) -> None:
    assert ("CKV_AWS_173", "uk-rotation-database") not in checkov_on_function(stack_graph("dev"))
    finding = checkov_on_function(mutated)["CKV_AWS_173", "uk-rotation-database"]
    assert finding.enforcement == "mandatory"
    assert MUTATIONS[1].expect in finding.message


def test_our_pack_catches_the_database_function_role_without_its_permission_boundary(
    baseline_gate: GateResult, mutated: ResourceGraph, mutated_gate: GateResult
) -> None:
    role = next(r for r in mutated.resources.values() if r.name == "uk-rotation-database-role")
    assert "permissionsBoundary" not in role.props  # the mutation took
    assert {key for key in on_function(baseline_gate.findings) if key[1] == role.name} == set()
    role_findings = {key: f for key, f in on_function(mutated_gate.findings).items() if key[1] == role.name}
    assert list(role_findings) == [("aws-iam-role-permission-boundary", role.name)]
    finding = role_findings["aws-iam-role-permission-boundary", role.name]
    assert finding.enforcement == "mandatory"
    assert MUTATIONS[2].expect in finding.message
    assert mutated_gate.exit_code == 1
