"""Resource references as the Pulumi engine passes them on: to analyzers, and to providers that do not take them.

A program may pass a whole resource where an input expects its name, ARN or id (`RolePolicyAttachment(role=role)`);
the SDK sends the engine a *resource reference* (`{sig: 5cf8..., urn, id}`). The graph keeps the reference (the
bridge and the differ follow it), but the engine never hands one to an analyzer: it marshals analyzer requests
without `KeepResources`, so each reference becomes its resource's ID (a custom resource), an unknown value (an ID
not known yet during a preview), or its URN (a component resource). Pulumi's `plugin.MarshalPropertyValue` and
`UnmarshalPropertyValue` (sdk/go/common/resource/plugin/rpc.go) are the source of these rules. The mocks are handed
the same plain value (`monitor._plain_references`).

Usage::

    from trustfabric.engine.wire import without_references

    properties = without_references(resource.inputs)   # what a policy sees
"""

from __future__ import annotations

from typing import Any

from ..graph import RESOURCE_REF_SIG, SIG_KEY, UNKNOWN


def reference_value(reference: dict[str, Any]) -> str:
    """A resource reference as the engine marshals it without `KeepResources`: the ID, unknown, or the URN."""
    if "id" not in reference:
        return str(reference.get("urn", ""))
    identifier = reference["id"]
    if not isinstance(identifier, str) or identifier in ("", UNKNOWN):
        return UNKNOWN
    return identifier


def has_references(value: Any) -> bool:
    """True when the wire value holds a resource reference anywhere."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_REF_SIG:
            return True
        return any(has_references(item) for item in value.values())
    if isinstance(value, list):
        return any(has_references(item) for item in value)
    return False


def without_references(value: Any) -> Any:
    """The wire value with every resource reference replaced by its ID or URN (`reference_value`); the value
    itself when it holds none, so the common case costs one walk and no copy."""
    if not has_references(value):
        return value
    return _replace(value)


def _replace(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_REF_SIG:
            return reference_value(value)
        return {key: _replace(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item) for item in value]
    return value


__all__ = ["has_references", "reference_value", "without_references"]
