"""Pulumi wire-form values as Terraform plan values: what `terraform show -json` prints for each SDK value.

Each input converts to a `PlanValue`: the planned value (`after`), and the markers Terraform writes beside it, in
the same structure, in `after_unknown` and `after_sensitive`:

| SDK value (wire form)                     | planned value                                   | marker             |
|-------------------------------------------|-------------------------------------------------|--------------------|
| string, number, bool, null                | itself; integral numbers as ints                |                    |
| unknown, an output without a value        | left out of an object, null in a list           | after_unknown      |
| secret, an output marked secret           | its structure, strings as `[secret]`            | after_sensitive    |
| output value with a value                 | its value                                       |                    |
| resource reference                        | the resource's id (unknown when it has none)    |                    |
| asset (file, string, remote)              | its path, its uri, or `sha256:<hex>` of its text |                    |
| archive (file, remote, assets)            | its path, its uri, or `sha256:<hex>` of its members |                |
| object                                    | a nested block (one-element list) or a map      | nested             |
| list                                      | a list; an object in it stays one object        | one per element    |

Terraform leaves an unknown attribute out of `after` and keeps an unknown list element as null, so indexes
still line up with `after_unknown`. No secret value is ever written: a secret is replaced by a placeholder and
marked sensitive. An object is a map (its keys kept as data) when its attribute is a Terraform map
(`MAP_ATTRIBUTES`) or its keys are not identifiers; otherwise a block, its keys in snake_case and the names
Pulumi pluralised for repeated blocks singular again (`rules` -> `rule`).

Usage::

    from trustfabric.bridge.values import convert_object

    converted = convert_object(resource.inputs)
    converted.value        # {"bucket": "records", "rule": [...]}
    converted.unknown      # {"arn": True} or None
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from ..graph import ARCHIVE_SIG, ASSET_SIG, OUTPUT_SIG, RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN, UNKNOWN_VALUE
from .types import snake_case

SECRET_PLACEHOLDER = "[secret]"

MAP_ATTRIBUTES = frozenset(
    {
        "tags",
        "tags_all",
        "recovery_point_tags",
        "variables",
        "dimensions",
        "bound_claims",
        "labels",
        "annotations",
        "options",
        "parameters",
        "environment_variables",
        "default_tags",
    }
)
"""Attributes of Terraform map type: their keys are data, never renamed."""

PLURAL_BLOCKS = frozenset(
    {"log_publishing_options", "string_equals", "string_like", "string_not_equals", "string_not_like"}
)
"""Repeated blocks whose Terraform name is itself plural (Pulumi kept it; so do we)."""

_IDENTIFIER = re.compile(r"^[a-z][A-Za-z0-9]*$")


class _Omitted:
    """The planned value of an unknown: left out of an object, null in a list."""

    def __repr__(self) -> str:
        return "<omitted>"


OMIT: Any = _Omitted()


@dataclass(frozen=True)
class PlanValue:
    """A value as a Terraform plan shows it, with its `after_unknown` and `after_sensitive` markers."""

    value: Any
    """The planned value; OMIT when unknown."""
    unknown: Any = None
    """True when unknown, a dict or list of markers when part of it is; None when wholly known."""
    sensitive: Any = None
    """True when secret, a dict or list of markers when part of it is; None when nothing is secret."""


def singular(name: str) -> str:
    """Undo Pulumi's pluralisation of a repeated block name (`rules` -> `rule`, `policies` -> `policy`)."""
    if name in PLURAL_BLOCKS or not name.endswith("s") or name.endswith("ss"):
        return name
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    return name[:-1]


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def redact(value: Any) -> Any:
    """A value with every string replaced by the secret placeholder (its structure kept)."""
    if isinstance(value, str):
        return SECRET_PLACEHOLDER
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    return value


def contains_secret(value: Any) -> bool:
    """True when a wire-form value is, or holds, a secret (or an output marked secret)."""
    if isinstance(value, list):
        return any(contains_secret(item) for item in value)
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG or (value.get(SIG_KEY) == OUTPUT_SIG and value.get("secret") is True):
            return True
        return any(contains_secret(item) for item in value.values())
    return False


def _canonical(value: Any) -> Any:
    """An asset or archive without its signature, for hashing (member order does not matter)."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in sorted(value.items()) if key != SIG_KEY}
    return value


def asset_identity(value: dict[str, Any]) -> str:
    """What names an asset or archive in a plan: its path, its uri, else `sha256:` of its content as declared
    (a string asset's text, an asset archive's members)."""
    for key in ("path", "uri"):
        if isinstance(value.get(key), str) and value[key]:
            return str(value[key])
    text = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_asset_or_archive(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) in (ASSET_SIG, ARCHIVE_SIG)


def resource_reference_id(value: Any) -> str | None:
    """The id a resource reference carries (a custom resource's, once known), else None."""
    if not isinstance(value, dict) or value.get(SIG_KEY) != RESOURCE_REF_SIG:
        return None
    resource_id = value.get("id")
    return resource_id if isinstance(resource_id, str) and resource_id and resource_id != UNKNOWN else None


_UNKNOWN = PlanValue(OMIT, True)


def _secret(inner: PlanValue) -> PlanValue:
    value = inner.value if inner.value is OMIT else redact(inner.value)
    return PlanValue(value, inner.unknown, True)


def _signed(value: dict[str, Any], key: str, in_map: bool) -> PlanValue:
    """A value carrying a wire-form signature (secret, output, resource reference, asset, archive)."""
    signature = value[SIG_KEY]
    if signature == SECRET_SIG:
        return _secret(convert_value(value.get("value", UNKNOWN), key, in_map=in_map))
    if signature == OUTPUT_SIG:
        if "value" not in value:
            return _UNKNOWN
        inner = convert_value(value["value"], key, in_map=in_map)
        return _secret(inner) if value.get("secret") is True else inner
    if signature == RESOURCE_REF_SIG:
        resource_id = resource_reference_id(value)
        return _UNKNOWN if resource_id is None else PlanValue(resource_id)
    if signature in (ASSET_SIG, ARCHIVE_SIG):
        return PlanValue(asset_identity(value))
    return _UNKNOWN  # a signature this SDK version does not define: shown as unknown, never guessed


def _list(items: list[Any], key: str, in_map: bool) -> PlanValue:
    converted = [_list_item(item, key, in_map) for item in items]
    value = [None if item.value is OMIT else item.value for item in converted]
    unknown = [item.unknown or False for item in converted]
    sensitive = [item.sensitive or False for item in converted]
    return PlanValue(value, unknown if any(unknown) else None, sensitive if any(sensitive) else None)


def _list_item(item: Any, key: str, in_map: bool) -> PlanValue:
    """An element of a list: an object stays one object (the list already is the repeated block)."""
    converted = convert_value(item, key, in_map=in_map)
    is_block = isinstance(item, dict) and SIG_KEY not in item and isinstance(converted.value, list)
    if is_block and len(converted.value) == 1:
        return PlanValue(converted.value[0], _first(converted.unknown), _first(converted.sensitive))
    return converted


def _first(markers: Any) -> Any:
    return markers[0] if isinstance(markers, list) and markers else None


def _map(value: dict[str, Any]) -> PlanValue:
    converted = {str(k): convert_value(v, str(k), in_map=True) for k, v in value.items()}
    return PlanValue(
        {k: item.value for k, item in converted.items() if item.value is not OMIT},
        {k: item.unknown for k, item in converted.items() if item.unknown} or None,
        {k: item.sensitive for k, item in converted.items() if item.sensitive} or None,
    )


def convert_value(value: Any, key: str = "", *, in_map: bool = False) -> PlanValue:
    """One wire-form value as a Terraform plan value (see the module docstring); `key` is its attribute name."""
    if isinstance(value, str):
        return _UNKNOWN if value == UNKNOWN else PlanValue(value)
    if value is UNKNOWN_VALUE:
        return _UNKNOWN
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return PlanValue(value)
    if isinstance(value, float):
        return PlanValue(_number(value))
    if isinstance(value, list):
        return _list(value, key, in_map)
    if isinstance(value, dict):
        if SIG_KEY in value:
            return _signed(value, key, in_map)
        if in_map or key in MAP_ATTRIBUTES or not all(_IDENTIFIER.match(str(k)) for k in value):
            return _map(value)
        block = convert_object(value)
        return PlanValue(
            [block.value],
            [block.unknown] if block.unknown else None,
            [block.sensitive] if block.sensitive else None,
        )
    return PlanValue(value)


def convert_object(obj: dict[str, Any]) -> PlanValue:
    """An object of Pulumi inputs as Terraform attributes (snake_case; repeated blocks singular), with the
    markers of its unknown and secret attributes."""
    values: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    sensitive: dict[str, Any] = {}
    for raw_key, raw_value in obj.items():
        key = snake_case(str(raw_key))
        converted = convert_value(raw_value, key)
        if (
            isinstance(raw_value, list)
            and isinstance(converted.value, list)
            and converted.value
            and all(isinstance(item, dict) for item in converted.value)
        ):
            key = singular(key)
        if converted.value is not OMIT:
            values[key] = converted.value
        if converted.unknown:
            unknown[key] = converted.unknown
        if converted.sensitive:
            sensitive[key] = converted.sensitive
    return PlanValue(values, unknown or None, sensitive or None)


__all__ = [
    "MAP_ATTRIBUTES",
    "OMIT",
    "PLURAL_BLOCKS",
    "SECRET_PLACEHOLDER",
    "PlanValue",
    "asset_identity",
    "contains_secret",
    "convert_object",
    "convert_value",
    "is_asset_or_archive",
    "redact",
    "resource_reference_id",
    "singular",
]
