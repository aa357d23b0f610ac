"""Mutation tests on the real stacks: every mandatory policy that reaches our resources catches a real change.

Fixture programs prove a policy judges what it should; these prove it reaches *our* resources, as the stacks
declare them. For each mandatory policy that applies to a resource type in prod, dr or dev, a domain module of
tests/stacks/mutations holds one mutation of a real resource; the mutated stack must make the gate report a
mandatory violation of exactly that policy on exactly the mutated (or, for stack policies, the affected)
resource, while the unmutated stack has no violation of that policy at all.

A stack's mutations share one program run (a mutation whose violation another policy of that run would also
report names its own group), so the module runs each stack once as declared plus three mutated programs; each
assertion stays specific: the policy must flag exactly one resource in the run, with the words of the property
the mutation broke.

Which policies apply (the completeness test): a policy declaring resource types (`policy.resource_types`) applies
when one of them is in a stack. A policy declaring none (the governance policies and the stack policies) is run
over the baseline stacks with its arguments traced: it applies to the types of the resources whose properties or
provider it read. One that reads no resource's properties at all (vault-audit-device-enabled looks only at types)
cannot be shown not to apply, so it counts as applying to every type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policies.registry import all_policies
from tests.stacks.mutations import MUTATIONS, STACK, Mutation, Transformation, delete_resources, groups
from trustfabric.engine import run_program
from trustfabric.findings import Finding
from trustfabric.gate import GateResult, run_gate
from trustfabric.graph import ResourceGraph

STACKS = ("prod", "dr", "dev")
GROUPS = groups(MUTATIONS)


def findings_of(result: GateResult, policy: str) -> list[Finding]:
    return [finding for finding in result.findings + result.exempted if finding.policy == policy]


@pytest.fixture(scope="module")
def baseline(repo_root: Path, stack_graph: Callable[[str], ResourceGraph]) -> Callable[[str], GateResult]:
    """The gate on each unmutated stack, run once per stack."""
    results: dict[str, GateResult] = {}

    def get(stack: str) -> GateResult:
        if stack not in results:
            results[stack] = run_gate(repo_root, stack, graph=stack_graph(stack), policies=all_policies())
        return results[stack]

    return get


@pytest.fixture(scope="module")
def mutated(repo_root: Path) -> Callable[[str], GateResult]:
    """The gate on each group's mutated stack, run once per group."""
    results: dict[str, GateResult] = {}

    def get(group: str) -> GateResult:
        if group not in results:
            mutations = GROUPS[group]
            transformation = Transformation(mutations)
            graph = run_program(repo_root, mutations[0].stack, transformations=[transformation])
            unapplied = transformation.unapplied()
            if unapplied:
                names = ", ".join(f"{m.policy} ({m.type} '{m.name}')" for m in unapplied)
                raise AssertionError(f"mutations that did not match exactly one resource: {names}")
            results[group] = run_gate(
                repo_root, mutations[0].stack, graph=delete_resources(graph, mutations), policies=all_policies()
            )
        return results[group]

    return get


def flagged_urn(mutation: Mutation, result: GateResult) -> str:
    target = mutation.flagged_resource
    if target == STACK:
        return result.graph.stack_urn
    found = [r.urn for r in result.graph.custom_resources if (r.type, r.name) == target]
    assert len(found) == 1, f"{target} matched {len(found)} resources of stack {mutation.stack}"
    return found[0]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.policy for m in MUTATIONS])
def test_gate_catches_mutation_of_real_stack(
    mutation: Mutation, baseline: Callable[[str], GateResult], mutated: Callable[[str], GateResult]
) -> None:
    assert findings_of(baseline(mutation.stack), mutation.policy) == [], "the unmutated stack already violates it"

    result = mutated(mutation.run_group)
    found = findings_of(result, mutation.policy)
    urn = flagged_urn(mutation, result)
    assert {f.resource.urn for f in found} == {urn}, f"{mutation.change}: flagged {[f.resource.name for f in found]}"
    assert all(f.enforcement == "mandatory" for f in found)
    assert result.exempted == []
    assert any(mutation.expect in f.message for f in found), [f.message for f in found]
    assert result.exit_code == 1


# ------------------------------------------------------------------------------------------------------------
# Completeness: every mandatory policy that reaches a resource type of our stacks has a mutation.


class _TracedResource:
    """A resource (validation args or a stack policy's PolicyResource) that records which types were read."""

    def __init__(self, wrapped: Any, seen: set[str]) -> None:
        self._wrapped = wrapped
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        if name in ("props", "provider"):
            self._seen.add(self._wrapped.resource_type)
        return getattr(self._wrapped, name)


class _TracedStack:
    """Stack validation args whose resources are traced."""

    def __init__(self, wrapped: Any, seen: set[str]) -> None:
        self._wrapped = wrapped
        self.resources = [_TracedResource(resource, seen) for resource in wrapped.resources]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def traced(policy: Any, seen: set[str]) -> Any:
    """A copy of `policy` whose validation records the types of the resources it reads."""
    fields = policy.meta.sdk_fields()
    original: Any = policy.validate
    copy: Any
    if isinstance(policy, StackValidationPolicy):
        copy = StackValidationPolicy(validate=lambda args, report: original(_TracedStack(args, seen), report), **fields)
    else:
        copy = ResourceValidationPolicy(
            validate=lambda args, report: original(_TracedResource(args, seen), report), **fields
        )
    copy.meta = policy.meta
    return copy


def applicable_mandatory_policies(graphs: Iterable[ResourceGraph]) -> dict[str, set[str]]:
    """Mandatory policy name -> the types of `graphs` it applies to (see the module docstring)."""
    graphs = list(graphs)
    present = {resource.type for graph in graphs for resource in graph.custom_resources}
    found: dict[str, set[str]] = {}
    undeclared: dict[str, set[str]] = {}
    copies = []
    for policy in all_policies():
        if policy.meta.enforcement != "mandatory":
            continue
        if policy.resource_types is None:
            undeclared[policy.name] = set()
            copies.append(traced(policy, undeclared[policy.name]))
        elif policy.resource_types & present:
            found[policy.name] = set(policy.resource_types & present)
    for graph in graphs:
        run_gate(graph.program_dir, graph.stack, graph=graph, policies=copies)
    for name, seen in undeclared.items():
        found[name] = seen or present
    return found


@pytest.fixture(scope="module")
def applicable(stack_graph: Callable[[str], ResourceGraph]) -> dict[str, set[str]]:
    return applicable_mandatory_policies(stack_graph(stack) for stack in STACKS)


def test_every_applicable_mandatory_policy_has_a_mutation(applicable: dict[str, set[str]]) -> None:
    covered = {mutation.policy for mutation in MUTATIONS}
    missing = {name: sorted(types)[:3] for name, types in applicable.items() if name not in covered}
    assert missing == {}, "mandatory policies reaching our stacks without a mutation in tests/stacks/mutations"
    # The other way round: the table names only registered mandatory policies, each once.
    mandatory = {p.name for p in all_policies() if p.meta.enforcement == "mandatory"}
    names = [mutation.policy for mutation in MUTATIONS]
    assert sorted(set(names) - mandatory) == []
    assert len(names) == len(set(names))


def test_tracing_finds_what_undeclared_policies_judge(applicable: dict[str, set[str]]) -> None:
    """The completeness test relies on the trace: it must see the types these policies are about, and no others."""
    assert "aws:dynamodb/table:Table" in applicable["aws-backup-data-store-covered"]
    assert "aws:iam/role:Role" not in applicable["aws-backup-data-store-covered"]
    assert "aws:s3/bucketPolicy:BucketPolicy" in applicable["aws-s3-bucket-secure-transport-policy-attached"]
    assert "kubernetes:core/v1:Service" in applicable["kubernetes-governance-labels-required"]
    assert not any(t.startswith("aws:") for t in applicable["kubernetes-governance-labels-required"])
    assert not any(t.startswith("vault:") for t in applicable["aws-governance-tags-required"])
    # Typed policies whose types the stacks lack do not apply (no DocumentDB cluster, notebook or access key).
    assert "aws-docdb-cluster-storage-encrypted" not in applicable
    assert "aws-sagemaker-notebook-locked-down" not in applicable
    assert "aws-iam-user-no-access-keys" not in applicable
