"""Fixtures: the repository's real stacks, each run once per module through the offline engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustfabric.engine import ACCOUNT_ID, run_program
from trustfabric.graph import UNKNOWN_VALUE, Resource, ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def prod() -> ResourceGraph:
    return run_program(REPO_ROOT, "prod")


@pytest.fixture(scope="module")
def dr() -> ResourceGraph:
    return run_program(REPO_ROOT, "dr")


@pytest.fixture(scope="module")
def dev() -> ResourceGraph:
    return run_program(REPO_ROOT, "dev")


def only(graph: ResourceGraph, type_: str, name: str) -> Resource:
    """The one resource of a type and name; fails listing what there is."""
    found = [r for r in graph.of_type(type_) if r.name == name]
    assert len(found) == 1, f"{type_} {name}: {[r.name for r in graph.of_type(type_)]}"
    return found[0]


def document(resource: Resource, prop: str) -> dict[str, Any]:
    """A JSON policy property parsed (fails on an unknown value)."""
    value = resource.props[prop]
    assert value is not UNKNOWN_VALUE, f"{resource.name}.{prop} is unknown"
    return json.loads(value)


def statements(resource: Resource, prop: str) -> dict[str, dict[str, Any]]:
    return {s.get("Sid", str(i)): s for i, s in enumerate(document(resource, prop)["Statement"])}


def provider_region(graph: ResourceGraph, resource: Resource) -> str | None:
    assert resource.provider is not None, f"{resource.name} uses the default provider"
    provider = graph.get(resource.provider)
    assert provider is not None
    return provider.props.get("region")


def provider_tags(graph: ResourceGraph, resource: Resource) -> dict[str, str]:
    assert resource.provider is not None, f"{resource.name} uses the default provider"
    provider = graph.get(resource.provider)
    assert provider is not None
    default_tags = provider.props["defaultTags"]
    # Provider inputs travel as JSON text for nested values.
    if isinstance(default_tags, str):
        default_tags = json.loads(default_tags)
    return default_tags["tags"]  # type: ignore[no-any-return]


def role_arn(stack: str, cell: str, role: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:role/trustfabric-{stack}-{cell}-{role}"
