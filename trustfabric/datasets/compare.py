"""Comparing a model's output with a sample's expected output, field by field, within tolerances.

The expected output is flattened to leaf fields (`total`, `lines[0].amount`, `filing.amends`). Each leaf must
appear in the output. Numbers (compared as Decimal, so 0.1 + 0.2 is 0.3 at currency precision) pass when
`|actual - expected| <= max(absolute, relative * |expected|)`; a number with no tolerance, and every string
(identifiers, currencies, dates), boolean and null must be equal. A list must have as many items as expected.
Fields the output has beyond the expected ones are ignored.

Tolerances are looked up by the field's path, then by its pattern with every list position as `[*]`
(`lines[*].amount`); the sample's own tolerances win over the dataset's.

Usage::

    from trustfabric.datasets.compare import compare, flatten

    mismatches = compare(expected, output, tolerances)       # [] when the sample passes
    for mismatch in mismatches:
        print(mismatch.field, mismatch.reason)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_INDEX = re.compile(r"\[[0-9]+\]")
_MISSING = object()


@dataclass(frozen=True)
class Mismatch:
    """One expected field the output got wrong."""

    field: str
    expected: Any
    actual: Any
    """The output's value, or None with reason "missing"."""
    reason: str
    """missing, type, value, length, or out of tolerance (with the distance and the allowance)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "expected": json_value(self.expected),
            "actual": json_value(self.actual),
            "reason": self.reason,
        }


def json_value(value: Any) -> Any:
    """Decimals back to JSON numbers (for records and reports)."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_value(item) for item in value]
    return value


def flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, leaf) pairs of a JSON value; an empty list or object is a leaf."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from flatten(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from flatten(item, f"{path}[{index}]")
    else:
        yield path, value


def pattern_of(path: str) -> str:
    """A field path with every list position generalised: lines[3].amount -> lines[*].amount."""
    return _INDEX.sub("[*]", path)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def tolerance_for(path: str, tolerances: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any] | None:
    found = tolerances.get(path)
    if found is None and "[" in path:
        found = tolerances.get(pattern_of(path))
    return found


def _lookup(document: Any, path: str) -> Any:
    """The value at a flattened path, or _MISSING."""
    current = document
    for step in re.findall(r"[^.\[\]]+|\[[0-9]+\]", path):
        if step.startswith("["):
            index = int(step[1:-1])
            if not isinstance(current, list) or index >= len(current):
                return _MISSING
            current = current[index]
        else:
            if not isinstance(current, dict) or step not in current:
                return _MISSING
            current = current[step]
    return current


def compare_value(path: str, expected: Any, actual: Any, tolerance: Mapping[str, Any] | None) -> Mismatch | None:
    if actual is _MISSING:
        return Mismatch(path, expected, None, "missing")
    if _is_number(expected):
        if not _is_number(actual):
            return Mismatch(path, expected, actual, f"type: expected a number, got {type(actual).__name__}")
        try:
            distance = abs(_decimal(actual) - _decimal(expected))
        except InvalidOperation:
            return Mismatch(path, expected, actual, "value")
        if tolerance is None or tolerance.get("exact"):
            return None if distance == 0 else Mismatch(path, expected, actual, "value")
        allowed = max(
            _decimal(tolerance.get("absolute", 0)),
            _decimal(tolerance.get("relative", 0)) * abs(_decimal(expected)),
        )
        if distance <= allowed:
            return None
        return Mismatch(path, expected, actual, f"out of tolerance: off by {distance}, allowed {allowed}")
    if type(expected) is not type(actual) and not (expected is None or actual is None):
        return Mismatch(
            path, expected, actual, f"type: expected {type(expected).__name__}, got {type(actual).__name__}"
        )
    if isinstance(expected, list | dict):  # an empty container: the output's must be empty too
        return None if actual == expected else Mismatch(path, expected, actual, "value")
    return None if actual == expected else Mismatch(path, expected, actual, "value")


def compare(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    tolerances: Mapping[str, Mapping[str, Any]],
) -> list[Mismatch]:
    """Every expected field the output misses or gets wrong (an empty list: the sample passes)."""
    mismatches: list[Mismatch] = []
    for path, value in flatten(dict(expected)):
        found = compare_value(path, value, _lookup(actual, path), tolerance_for(path, tolerances))
        if found is not None:
            mismatches.append(found)
    mismatches.extend(_length_mismatches(expected, actual, ""))
    return mismatches


def _length_mismatches(expected: Any, actual: Any, path: str) -> Iterator[Mismatch]:
    """Lists with more items than expected (fewer show as missing fields)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, item in expected.items():
            if key in actual:
                yield from _length_mismatches(item, actual[key], f"{path}.{key}" if path else key)
    elif isinstance(expected, list) and isinstance(actual, list):
        if expected and len(actual) > len(expected):
            yield Mismatch(
                path, len(expected), len(actual), f"length: expected {len(expected)} items, got {len(actual)}"
            )
        for index, item in enumerate(expected[: len(actual)]):
            yield from _length_mismatches(item, actual[index], f"{path}[{index}]")


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Fields of an expected output that differ between two versions of a sample (added, removed or changed)."""
    old = dict(flatten(dict(before)))
    new = dict(flatten(dict(after)))
    return sorted(path for path in old.keys() | new.keys() if old.get(path, _MISSING) != new.get(path, _MISSING))
