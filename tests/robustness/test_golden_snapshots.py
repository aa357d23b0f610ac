"""Malformed graph snapshots given to `trustfabric diff --golden`: one line naming the file and the key, found
before the program runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.conftest import STACK, assert_bad_input, run_cli

RESOURCE = {"urn": "urn:pulumi:test::foreign::aws:kms/key:Key::k", "type": "aws:kms/key:Key", "name": "k"}
GOOD = {"project": "foreign", "stack": STACK, "resources": [RESOURCE], "outputs": {}, "config": {}}


def snapshot(**changes: object) -> str:
    return json.dumps({**GOOD, **changes})


def with_resource(**changes: object) -> str:
    return snapshot(resources=[{**RESOURCE, **changes}])


CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("a-list", json.dumps([RESOURCE]), ("the snapshot", "expected an object, got a list")),
    ("a-string", json.dumps("graph"), ("the snapshot", "got a string")),
    ("null", "null", ("the snapshot", "got null")),
    ("project-missing", json.dumps({"stack": STACK, "resources": []}), ("project: required",)),
    ("stack-a-number", snapshot(stack=3), ("stack", "expected a string")),
    ("resources-a-mapping", snapshot(resources={"k": RESOURCE}), ("resources", "expected a list, got an object")),
    ("resources-a-string", snapshot(resources="all"), ("resources", "expected a list")),
    ("resource-a-number", snapshot(resources=[1]), ("resources[0]", "expected an object")),
    ("resource-without-urn", snapshot(resources=[{"type": "t", "name": "n"}]), ("resources[0].urn", "required")),
    ("resource-name-a-list", with_resource(name=["k"]), ("resources[0].name", "expected a string")),
    ("inputs-a-list", with_resource(inputs=[1, 2]), ("resources[0].inputs", "expected an object")),
    ("custom-a-string", with_resource(custom="yes"), ("resources[0].custom", "expected a boolean")),
    ("dependencies-of-numbers", with_resource(dependencies=[1]), ("resources[0].dependencies[0]", "string")),
    ("property-dependencies-a-string", with_resource(property_dependencies={"a": "b"}), ("property_dependencies.a",)),
    ("unknown-resource-key", with_resource(inptus={}), ("resources[0].inptus", "unknown key")),
    ("outputs-a-list", snapshot(outputs=[]), ("outputs", "expected an object")),
    ("duplicate-key", '{"project": "a", "project": "b", "stack": "test"}', ("project", "duplicate key")),
    ("integer-5000-digits", '{"project": "a", "stack": "test", "x": ' + "1" * 5000 + "}", ("5000 digits",)),
    ("deep-nesting", "[" * 100_000 + "]" * 100_000, ("nested too deeply",)),
    ("not-json", "resources:\n  - k\n", ("not valid JSON",)),
    ("empty", "", ("not valid JSON",)),
    ("non-utf8", b'{"project": "\xff"}', ("not UTF-8",)),
]


@pytest.mark.parametrize(("text", "names"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_malformed_snapshot_is_one_line(
    foreign: Callable[..., Path], tmp_path: Path, text: str | bytes, names: tuple[str, ...]
):
    path = tmp_path / "golden.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    outcome = run_cli(["diff", "--stack", STACK, "--program", foreign(), "--golden", path])
    assert_bad_input(outcome, "golden.json", *names)


def test_a_missing_snapshot_is_one_line(foreign: Callable[..., Path], tmp_path: Path):
    outcome = run_cli(["diff", "--stack", STACK, "--program", foreign(), "--golden", tmp_path / "none.json"])
    assert_bad_input(outcome, "none.json", "no snapshot")
