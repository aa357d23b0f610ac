"""Config floors: a policy config that loosens a property below its floor fails the policy's controls.

Floors (`META.floors[prop]`, read through PolicyInfo.floors) take one of these forms:

- a number: loosened when the configured value is lower;
- a string: the floor within the property's schema `enum`, read as an ordering from weakest to strongest;
- a list of strings: the ordering from weakest to strongest; the floor is the property's schema `default`;
- `{"floor": value, "order": [weakest, ..., strongest]}`: explicit ordering and floor;
- `{"ceiling": number}`: a number where higher is weaker (a maximum TTL, a maximum number of uses): loosened when
  the configured value is higher.

A string value earlier in the ordering than the floor (or absent from it) is loosened.

Usage::

    from trustfabric.gate.floors import policy_floors

    for prop, floor in policy_floors(policy).items():
        if floor.loosened_by(configured[prop]):
            ...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .info import PolicyInfo, policy_info


@dataclass(frozen=True)
class Floor:
    """A config property's floor: a number, or a string within an ordering from weakest to strongest."""

    value: Any
    order: tuple[str, ...] | None = None
    ceiling: bool = False
    """A numeric limit where higher is weaker (`{"ceiling": n}`): loosened above it, not below."""

    @property
    def beyond(self) -> str:
        """How a loosened value relates to the limit, for messages: `below the floor` or `above the ceiling`."""
        return "above the ceiling" if self.ceiling else "below the floor"

    def loosened_by(self, configured: Any) -> bool:
        """True when `configured` is weaker than the floor."""
        if self.order is None:
            if isinstance(configured, bool) or not isinstance(configured, (int, float)):
                return True  # not a number: it cannot be shown to meet a numeric floor
            return bool(configured > self.value) if self.ceiling else bool(configured < self.value)
        if configured not in self.order:
            return True
        return self.order.index(configured) < self.order.index(self.value)


def parse_floor(prop: str, spec: Any, schema_properties: Mapping[str, Any] | None) -> Floor:
    """Read one `META.floors` entry (see the module docstring); ValueError names what is wrong."""
    prop_schema = (schema_properties or {}).get(prop)
    if prop_schema is None:
        raise ValueError(f"floor for {prop!r}: not a property of the policy's config_schema")
    if isinstance(spec, bool):
        raise ValueError(f"floor for {prop!r}: expected a number, a string or an ordering, got a boolean")
    if isinstance(spec, (int, float)):
        return Floor(spec)
    if isinstance(spec, str):
        enum = prop_schema.get("enum")
        if not isinstance(enum, list) or spec not in enum:
            raise ValueError(f"floor for {prop!r}: a string floor must be one of the property's schema enum")
        return Floor(spec, tuple(str(item) for item in enum))
    if isinstance(spec, Mapping) and "ceiling" in spec:
        ceiling = spec["ceiling"]
        if set(spec) != {"ceiling"} or isinstance(ceiling, bool) or not isinstance(ceiling, (int, float)):
            raise ValueError(f"floor for {prop!r}: a ceiling is {{'ceiling': <number>}} alone")
        return Floor(ceiling, ceiling=True)
    if isinstance(spec, Mapping):
        order, floor = spec.get("order"), spec.get("floor")
    elif isinstance(spec, (list, tuple)):
        order, floor = spec, prop_schema.get("default")
    else:
        raise ValueError(f"floor for {prop!r}: expected a number, a string or an ordering")
    if not isinstance(order, (list, tuple)) or not order or not all(isinstance(item, str) for item in order):
        raise ValueError(f"floor for {prop!r}: the ordering must be a non-empty list of strings")
    if floor not in order:
        raise ValueError(f"floor for {prop!r}: the floor {floor!r} is not in the ordering {list(order)}")
    return Floor(floor, tuple(order))


def info_floors(info: PolicyInfo) -> dict[str, Floor]:
    """A policy record's floors, parsed; raises ValueError for malformed metadata."""
    return {prop: parse_floor(prop, spec, info.config_schema) for prop, spec in info.floors.items()}


def policy_floors(policy: Any) -> dict[str, Floor]:
    """The policy's floors, parsed; raises ValueError for malformed metadata (tests/policies/test_meta.py)."""
    return info_floors(policy_info(policy))


__all__ = ["Floor", "info_floors", "parse_floor", "policy_floors"]
