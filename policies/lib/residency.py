"""Where resources are: the residency config the residency policies take, and regions read from ARNs and names.

Usage::

    from policies.lib.residency import residency_config

    regions = residency_config(args.get_config()).get("UK")    # ("eu-west-2", "eu-west-1")
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from policies.lib.facts import residency_table
from policies.lib.props import get, is_unknown


def residency_config(config: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """Allowed regions by jurisdiction code, from the policy's `residency` config (default: the residency table)."""
    table = (config or {}).get("residency") if config else None
    if not isinstance(table, Mapping) or not table:
        table = residency_table()
    found: dict[str, tuple[str, ...]] = {}
    for code in table:
        entry = table[code]
        regions = entry.get("allowed_regions") if isinstance(entry, Mapping) else None
        if isinstance(regions, Sequence) and not isinstance(regions, str):
            found[str(code)] = tuple(str(region) for region in regions)
    return found


RESIDENCY_SCHEMA: dict[str, Any] = {
    "residency": {
        "type": "object",
        "description": "Jurisdiction code -> {allowed_regions: [...]} (default: domain.residency).",
        "additionalProperties": {
            "type": "object",
            "properties": {"allowed_regions": {"type": "array", "items": {"type": "string"}}},
            "required": ["allowed_regions"],
        },
        "default": residency_table(),
    }
}
"""The `residency` config property of the residency policies; its default is the shipped residency table."""


_REGION_IN_NAME = re.compile(r"(?<![a-z0-9])([a-z]{2}(?:-gov)?-[a-z]+-\d)(?![0-9])")


def arn_region(arn: Any) -> str | None:
    """The region field of an ARN (`arn:aws:<service>:<region>:...`), or None (S3 and IAM ARNs have none)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    return (parts[3] or None) if len(parts) > 3 and parts[0] == "arn" else None


def region_in_name(name: str) -> str | None:
    """A region spelled inside a physical name (our naming convention puts it there), or None."""
    found = _REGION_IN_NAME.findall(name)
    return found[-1] if found else None


def arn_resource_name(arn: str) -> str:
    """The last identifier of an ARN: `arn:aws:s3:::b` -> b, `...:backup-vault:v` -> v, `...:table/t` -> t."""
    tail = arn.split(":", 5)[-1] if arn.startswith("arn:") else arn
    return re.split(r"[:/]", tail)[-1]


def names_match(physical: str, resource: Any, identifier_inputs: Sequence[str]) -> bool:
    """True when `physical` is the resource's literal name (one of `identifier_inputs`) or its auto-name
    (`<logical name>-<random suffix>`, as Pulumi names resources without an explicit name)."""
    for key in identifier_inputs:
        if is_unknown(resource.props, key):
            continue
        value = get(resource.props, key)
        if isinstance(value, str) and value:
            return value == physical
    return physical.startswith(f"{resource.name}-") and "-" not in physical[len(resource.name) + 1 :]
