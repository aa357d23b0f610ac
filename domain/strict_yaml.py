"""Strict YAML and JSON: the one reader behind every YAML or JSON file the toolchain and the SLO generators read.

PyYAML's safe loader accepts what a reviewed file must not hold, and fails on some input with a Python
exception rather than a YAML error. This reader composes the document with PyYAML, checks the node tree, and
only then builds the Python values:

- a key written twice in one mapping (PyYAML keeps the last one silently) is an error naming both lines;
- nesting deeper than `MAX_DEPTH` levels is an error (PyYAML's recursive composer would hit Python's recursion
  limit);
- a document that expands to more than `MAX_NODES` nodes through aliases (the "billion laughs") or refers to
  itself through an alias is an error;
- an integer longer than Python converts (`sys.get_int_max_str_digits()`, 4,300 digits) is an error;
- an unquoted timestamp that is no real date (`2026-02-30`) is an error; with `timestamps=False` every
  timestamp stays the string as written, as YAML 1.2 (and the Pulumi CLI reading stack files) reads it.

Syntax errors stay PyYAML's own `yaml.YAMLError` (with its marks), so each caller keeps its message format;
the checks above raise `YamlProblem`, which carries the line, the key path and the problem. `decode_utf8` turns
bytes into text with a `TextProblem` naming the line and column of the first byte that is not UTF-8.

Usage::

    from domain.strict_yaml import YamlProblem, load_yaml

    try:
        data = load_yaml(text)
    except YamlProblem as problem:      # problem.line, problem.path ("exemptions[0].expires"), problem.problem
        raise InputError(f"{source}:{problem.line}: {problem.path}: {problem.problem}") from None
"""

from __future__ import annotations

import json
import sys
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 100
"""Deepest nesting of collections accepted; no file the toolchain reads comes near it."""
MAX_NODES = 200_000
"""Most nodes a document may hold once its aliases are expanded (about a hundred times our largest file)."""

_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass
class YamlProblem(ValueError):
    """Well-formed YAML (or JSON) that the strict reader refuses: where it is and what is wrong, on one line."""

    line: int
    """1-based line of the offending node (0 when unknown, as for JSON)."""
    path: str
    """Key path to the offending node, like `exemptions[0].expires`; empty at the document's root."""
    problem: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path + ': ' if self.path else ''}{self.problem}"


@dataclass
class TextProblem(ValueError):
    """Bytes that are not UTF-8 text."""

    line: int
    column: int
    byte: int

    def __str__(self) -> str:
        return f"not UTF-8 text: byte 0x{self.byte:02x} at line {self.line}, column {self.column}"


def decode_utf8(data: bytes) -> str:
    """The bytes as text; TextProblem naming the line and column of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise TextProblem(line, column, data[error.start]) from None


def _child_path(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}..."


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose composer stops at `MAX_DEPTH` levels, keeping the key path for the message."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path: list[str] = [""]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if parent is None or index is None:  # the root, or a mapping's key
            return super().compose_node(parent, index)
        key = index if isinstance(index, int) else getattr(index, "value", "?")
        self._path.append(_child_path(self._path[-1], key))
        try:
            if len(self._path) > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlProblem(mark.line + 1, _shown(self._path[-1], 60), f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._path.pop()


class _PlainStrictLoader(_StrictLoader):
    """The strict loader without the timestamp resolver: dates and times stay the strings written."""


_PlainStrictLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_scalar(loader: _StrictLoader, node: ScalarNode, path: str) -> None:
    line = node.start_mark.line + 1
    if node.tag == _INT:
        digits = node.value.replace("_", "").lstrip("+-")
        limit = sys.get_int_max_str_digits()
        if digits.isdigit() and limit and len(digits) > limit:
            raise YamlProblem(line, path, f"an integer of {len(digits)} digits; at most {limit} are read")
    elif node.tag == _TIMESTAMP:
        try:
            loader.construct_yaml_timestamp(node)
        except ValueError as error:
            raise YamlProblem(line, path, f"{_shown(node.value)!r} is not a valid date or time: {error}") from None


def _key_of(loader: _StrictLoader, node: Node) -> Hashable | None:
    """A mapping key as Python sees it (so `yes` and `true` are the same key), None when not a scalar."""
    if not isinstance(node, ScalarNode):
        return None
    value = loader.construct_object(node)
    return (type(value).__name__, value) if isinstance(value, Hashable) else None


def _check_tree(loader: _StrictLoader, root: Node) -> None:
    """Duplicate keys, long integers, impossible dates, recursive aliases and the expanded size, iteratively."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, str, bool]] = [(root, "", False)]
    while stack:
        node, path, children_done = stack.pop()
        if children_done:
            on_path.discard(id(node))
            children = _children(node)
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child, _ in children)
            if sizes[id(node)] > MAX_NODES:
                raise YamlProblem(
                    node.start_mark.line + 1, path, f"expands to more than {MAX_NODES} values through aliases"
                )
            continue
        if id(node) in sizes:
            continue
        if id(node) in on_path:
            raise YamlProblem(node.start_mark.line + 1, path, "an alias refers to the collection that holds it")
        if isinstance(node, ScalarNode):
            _check_scalar(loader, node, path)
            sizes[id(node)] = 1
            continue
        if isinstance(node, MappingNode):
            _check_duplicates(loader, node, path)
        on_path.add(id(node))
        stack.append((node, path, True))
        for child, child_path in reversed(_children(node, path)):
            if id(child) in on_path:
                raise YamlProblem(
                    child.start_mark.line + 1, child_path, "an alias refers to the collection that holds it"
                )
            stack.append((child, child_path, False))


def _children(node: Node, path: str = "") -> list[tuple[Node, str]]:
    if isinstance(node, SequenceNode):
        return [(child, _child_path(path, index)) for index, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        found: list[tuple[Node, str]] = []
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else "?"
            found += [(key, path), (value, _child_path(path, name))]
        return found
    return []


def _check_duplicates(loader: _StrictLoader, node: MappingNode, path: str) -> None:
    first_line: dict[Hashable, int] = {}
    for key, _value in node.value:
        if isinstance(key, ScalarNode):
            _check_scalar(loader, key, path)
        if key.tag == _MERGE:
            continue
        identity = _key_of(loader, key)
        if identity is None:
            continue
        line = key.start_mark.line + 1
        if identity in first_line:
            raise YamlProblem(
                line,
                _child_path(path, key.value),
                f"duplicate key {_shown(str(key.value))!r} (first at line {first_line[identity]})",
            )
        first_line[identity] = line


def load_yaml(text: str, *, timestamps: bool = True) -> Any:
    """The single YAML document in `text`, strictly: yaml.YAMLError for syntax, YamlProblem for the checks above.

    `timestamps=False` keeps dates and times as the strings written (YAML 1.2, as the Pulumi CLI reads).
    """
    loader = (_StrictLoader if timestamps else _PlainStrictLoader)(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # unreachable below MAX_DEPTH; kept so no input ends in a traceback
            raise YamlProblem(0, "", f"nested deeper than {MAX_DEPTH} levels") from None
        if node is None:
            return None
        _check_tree(loader, node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_json(text: str) -> Any:
    """The JSON document in `text`, strictly: ValueError (json.JSONDecodeError) for syntax, YamlProblem for a
    duplicate key, nesting deeper than Python recurses, an over-long integer, or NaN/Infinity (not JSON)."""
    limit = sys.get_int_max_str_digits()

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in items:
            if key in mapping:
                raise YamlProblem(0, _shown(key), f"duplicate key {_shown(key)!r}")
            mapping[key] = value
        return mapping

    def integer(text: str) -> int:
        digits = text.lstrip("-")
        if limit and len(digits) > limit:
            raise YamlProblem(0, "", f"an integer of {len(digits)} digits; at most {limit} are read")
        return int(text)

    def constant(name: str) -> Any:
        raise YamlProblem(0, "", f"{name} is not a JSON number")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_int=integer, parse_constant=constant)
    except RecursionError:
        raise YamlProblem(0, "", "nested too deeply") from None


__all__ = ["MAX_DEPTH", "MAX_NODES", "TextProblem", "YamlProblem", "decode_utf8", "load_json", "load_yaml"]
