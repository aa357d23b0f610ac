"""What the component tests share: the repository's stacks as graphs, and how to pick resources, policies and
refusals out of them.

The fixtures `prod`, `dr` and `dev` hand out the session's one run of each stack (`stack_graph` in
tests/conftest.py); a test module's conftest makes them available by importing them. Never mutate a graph.

Usage::

    from tests.components.helpers import document, only, refusal

    def test_the_bucket_is_locked(prod):
        assert only(prod, "aws:s3/bucket:Bucket", "uk-records-bucket").props["objectLockEnabled"]

    def test_bad_region(): assert refusal(lambda: validate_args(Args(region="x"))) == "Args: region: ..."
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from trustfabric.engine import ACCOUNT_ID
from trustfabric.graph import UNKNOWN_VALUE, Resource, ResourceGraph

CELLS = ("uk", "eu", "us", "ca")
"""The cells of prod and dr, by name."""
UK_PROD = {"deployment": "prod", "cell": "uk", "jurisdiction": "UK", "region": "eu-west-2"}
"""The arguments that place a component in prod's UK cell (start of a component's arguments in a test)."""


@pytest.fixture(scope="module")
def prod(stack_graph: Callable[[str], ResourceGraph]) -> ResourceGraph:
    return stack_graph("prod")


@pytest.fixture(scope="module")
def dr(stack_graph: Callable[[str], ResourceGraph]) -> ResourceGraph:
    return stack_graph("dr")


@pytest.fixture(scope="module")
def dev(stack_graph: Callable[[str], ResourceGraph]) -> ResourceGraph:
    return stack_graph("dev")


def only(graph: ResourceGraph, type_: str, name: str) -> Resource:
    """The one resource of a type and name; fails listing what there is."""
    found = [r for r in graph.of_type(type_) if r.name == name]
    assert len(found) == 1, f"{type_} {name}: {sorted(r.name for r in graph.of_type(type_))}"
    return found[0]


def named(graph: ResourceGraph, name: str) -> Resource:
    """The one resource of a name, whatever its type."""
    found = [r for r in graph if r.name == name]
    assert len(found) == 1, f"{name}: {len(found)} resources"
    return found[0]


def document(resource: Resource, prop: str) -> dict[str, Any]:
    """A JSON policy property parsed (fails on an unknown value)."""
    value = resource.props[prop]
    assert value is not UNKNOWN_VALUE, f"{resource.name}.{prop} is unknown"
    return json.loads(value)  # type: ignore[no-any-return]


def statements(resource: Resource, prop: str) -> dict[str, dict[str, Any]]:
    """A policy property's statements by Sid (by position where a statement has none)."""
    return {s.get("Sid", str(i)): s for i, s in enumerate(document(resource, prop)["Statement"])}


def _provider(graph: ResourceGraph, resource: Resource) -> Resource:
    assert resource.provider is not None, f"{resource.name} uses the default provider"
    provider = graph.get(resource.provider)
    assert provider is not None
    return provider


def provider_region(graph: ResourceGraph, resource: Resource) -> str:
    """The region of the resource's explicit provider."""
    return str(_provider(graph, resource).props["region"])


def provider_tags(graph: ResourceGraph, resource: Resource) -> dict[str, str]:
    """The default tags of the resource's explicit provider."""
    default_tags = _provider(graph, resource).props["defaultTags"]
    # Provider inputs travel as JSON text for nested values.
    if isinstance(default_tags, str):
        default_tags = json.loads(default_tags)
    return default_tags["tags"]  # type: ignore[no-any-return]


def parent_type(graph: ResourceGraph, resource: Resource) -> str:
    assert resource.parent is not None, f"{resource.name} has no parent"
    parent = graph.get(resource.parent)
    assert parent is not None
    return parent.type


def dependency_names(graph: ResourceGraph, resource: Resource, prop: str) -> list[str]:
    """The names of the resources an input of `resource` depends on, in order."""
    return [graph.resources[urn].name for urn in resource.property_dependencies.get(prop, [])]


def role_arn(stack: str, cell: str, role: str) -> str:
    """A cell's role ARN as the engine's mock account has it."""
    return f"arn:aws:iam::{ACCOUNT_ID}:role/trustfabric-{stack}-{cell}-{role}"


def refusal(call: Callable[[], object]) -> str:
    """The message of the ValueError `call` raises; the test fails when it raises none."""
    with pytest.raises(ValueError) as error:
        call()
    return str(error.value)
