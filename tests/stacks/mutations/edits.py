"""Edits of resource arguments for mutations: copy-on-write changes of nested arguments (plain dicts and lists,
`@pulumi.input_type` objects, Outputs), and of the JSON policy documents and tags inside them."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from typing import Any

import pulumi

from tests.stacks.mutations.model import Edit

DELETE = object()
"""`set_at` value that removes the key (a dict key, or an input type's field)."""


def _child(value: Any, key: str | int) -> Any:
    if isinstance(value, (dict, list)):
        return value[key]  # type: ignore[index]
    return pulumi.get(value, str(key))


def _with(value: Any, key: str | int, new: Any) -> Any:
    """A copy of `value` with `key` set to `new` (or removed, for DELETE)."""
    if isinstance(value, list):
        items = list(value)
        items[int(key)] = new
        return items
    if isinstance(value, dict):
        mapping = dict(value)
        if new is DELETE:
            mapping.pop(key, None)
        else:
            mapping[key] = new
        return mapping
    duplicate = copy.copy(value)  # an input type: its fields live in __dict__ under their Python names
    pulumi.set(duplicate, str(key), None if new is DELETE else new)
    return duplicate


def update_at(path: Sequence[str | int], change: Callable[[Any], Any]) -> Edit:
    """Replace the value at `path` by `change(value)`: Python names inside input types, wire names inside plain
    dicts (Kubernetes objects), indexes inside lists; Outputs on the way (or at the end) are edited when resolved."""

    def rebuild(value: Any, rest: Sequence[str | int]) -> Any:
        if isinstance(value, pulumi.Output):
            return value.apply(lambda resolved: rebuild(resolved, rest))
        if not rest:
            return change(value)
        return _with(value, rest[0], rebuild(_child(value, rest[0]), rest[1:]))

    def edit(props: dict[str, Any]) -> dict[str, Any]:
        return {**props, str(path[0]): rebuild(props.get(str(path[0])), path[1:])}

    return edit


def set_at(path: Sequence[str | int], value: Any) -> Edit:
    """Set the value at `path`; DELETE removes the last key."""
    if len(path) == 1:

        def edit(props: dict[str, Any]) -> dict[str, Any]:
            result = dict(props)
            if value is DELETE:
                result.pop(str(path[0]), None)
            else:
                result[str(path[0])] = value
            return result

        return edit
    parent, last = path[:-1], path[-1]
    return update_at(parent, lambda container: _with(container, last, value))


def update_json(key: str, change: Callable[[Any], Any]) -> Edit:
    """Edit a JSON document argument (an IAM or bucket policy)."""
    return update_at([key], lambda text: json.dumps(change(json.loads(text))))


def update_text(key: str, change: Callable[[str], str]) -> Edit:
    return update_at([key], change)


def add_statement(statement: dict[str, Any], key: str = "policy") -> Edit:
    def change(document: dict[str, Any]) -> dict[str, Any]:
        statements = document.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else list(statements)
        return {**document, "Statement": [*statements, statement]}

    return update_json(key, change)


def map_statements(change: Callable[[dict[str, Any]], dict[str, Any] | None], key: str = "policy") -> Edit:
    """Rewrite each statement of a policy document; a statement mapped to None is dropped."""

    def rewrite(document: dict[str, Any]) -> dict[str, Any]:
        statements = document.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else list(statements)
        kept = [new for new in (change(dict(statement)) for statement in statements) if new is not None]
        return {**document, "Statement": kept}

    return update_json(key, rewrite)


def merge_tags(tags: dict[str, Any]) -> Edit:
    return update_at(["tags"], lambda current: {**dict(current or {}), **tags})


def drop_key(path: Sequence[str | int], key: str) -> Edit:
    """Remove `key` from the mapping at `path` (a tag, a label)."""
    return update_at(path, lambda current: {k: v for k, v in dict(current or {}).items() if k != key})
