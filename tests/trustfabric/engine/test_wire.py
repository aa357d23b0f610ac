"""Resource references become what the Pulumi engine marshals without KeepResources (plugin/rpc.go): the ID of a
custom resource, unknown while its ID is not known, the URN of a component."""

from __future__ import annotations

import pytest

from trustfabric.engine.wire import has_references, reference_value, without_references
from trustfabric.graph import RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN

ROLE_URN = "urn:pulumi:test::p::aws:iam/role:Role::fn-role"
GROUP_URN = "urn:pulumi:test::p::acme:index:Group::group"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ({SIG_KEY: RESOURCE_REF_SIG, "urn": ROLE_URN, "id": "fn-role-1a2b"}, "fn-role-1a2b"),
        ({SIG_KEY: RESOURCE_REF_SIG, "urn": ROLE_URN, "id": UNKNOWN}, UNKNOWN),
        ({SIG_KEY: RESOURCE_REF_SIG, "urn": ROLE_URN, "id": ""}, UNKNOWN),
        ({SIG_KEY: RESOURCE_REF_SIG, "urn": GROUP_URN}, GROUP_URN),
    ],
    ids=["custom", "unknown-id", "empty-id", "component"],
)
def test_reference_values(reference, expected):
    assert reference_value(reference) == expected


def test_references_are_replaced_everywhere_and_nothing_else_changes():
    role = {SIG_KEY: RESOURCE_REF_SIG, "urn": ROLE_URN, "id": "fn-role-1a2b"}
    group = {SIG_KEY: RESOURCE_REF_SIG, "urn": GROUP_URN, "packageVersion": "1.0.0"}
    wire = {
        "role": role,
        "tags": {"group": group, "plain": "x"},
        "list": [role, 1, None],
        "secret": {SIG_KEY: SECRET_SIG, "value": role},
    }
    assert has_references(wire)
    assert without_references(wire) == {
        "role": "fn-role-1a2b",
        "tags": {"group": GROUP_URN, "plain": "x"},
        "list": ["fn-role-1a2b", 1, None],
        "secret": {SIG_KEY: SECRET_SIG, "value": "fn-role-1a2b"},
    }
    assert wire["role"] is role  # the graph's own value is left as it was


def test_a_value_without_references_is_returned_as_is():
    wire = {"name": "x", "tags": {"a": "b"}, "list": [1, 2]}
    assert not has_references(wire)
    assert without_references(wire) is wire
