"""Fixtures: the repository's real stacks, each run once per module through the offline engine.

`dr_active` runs the same program for the dr stack with `trust-fabric:role: active`, from a temporary program
directory whose `Pulumi.yaml` points `main:` back at the repository's `stacks/` (the stack files are copies).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from trustfabric.engine import run_program
from trustfabric.graph import UNKNOWN_VALUE, Resource, ResourceGraph

REPO_ROOT = Path(__file__).resolve().parents[3]
CELLS = ("uk", "eu", "us", "ca")


@pytest.fixture(scope="module")
def prod() -> ResourceGraph:
    return run_program(REPO_ROOT, "prod")


@pytest.fixture(scope="module")
def dr() -> ResourceGraph:
    return run_program(REPO_ROOT, "dr")


@pytest.fixture(scope="module")
def dev() -> ResourceGraph:
    return run_program(REPO_ROOT, "dev")


def program_copy(directory: Path, role: str) -> Path:
    """A program dir running the repository's stacks/ with copies of its stack files, dr's role set to `role`."""
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    project["main"] = str(REPO_ROOT / "stacks")
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    shutil.copy(REPO_ROOT / "Pulumi.prod.yaml", directory / "Pulumi.prod.yaml")
    stack = yaml.safe_load((REPO_ROOT / "Pulumi.dr.yaml").read_text(encoding="utf-8"))
    stack["config"]["trust-fabric:role"] = role
    (directory / "Pulumi.dr.yaml").write_text(yaml.safe_dump(stack), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def dr_active(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ResourceGraph]:
    directory = program_copy(tmp_path_factory.mktemp("dr-active"), "active")
    yield run_program(directory, "dr")


def only(graph: ResourceGraph, type_: str, name: str) -> Resource:
    """The one resource of a type and name; fails listing what there is."""
    found = [r for r in graph.of_type(type_) if r.name == name]
    assert len(found) == 1, f"{type_} {name}: {sorted(r.name for r in graph.of_type(type_))}"
    return found[0]


def named(graph: ResourceGraph, name: str) -> Resource:
    found = [r for r in graph if r.name == name]
    assert len(found) == 1, f"{name}: {len(found)} resources"
    return found[0]


def document(resource: Resource, prop: str) -> dict[str, Any]:
    value = resource.props[prop]
    assert value is not UNKNOWN_VALUE, f"{resource.name}.{prop} is unknown"
    return json.loads(value)  # type: ignore[no-any-return]


def provider_region(graph: ResourceGraph, resource: Resource) -> str:
    assert resource.provider is not None, f"{resource.name} uses the default provider"
    provider = graph.get(resource.provider)
    assert provider is not None
    return str(provider.props["region"])


def parent_type(graph: ResourceGraph, resource: Resource) -> str:
    assert resource.parent is not None, f"{resource.name} has no parent"
    parent = graph.get(resource.parent)
    assert parent is not None
    return parent.type
