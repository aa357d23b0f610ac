"""Policy config files: per policy an enforcement level and properties, validated against its schema.

The file has Pulumi's policy config shape (JSON or YAML): `{policy-name: level}` or
`{policy-name: {enforcementLevel: level, property: value, ...}}`. Every key is checked: the policy must be
registered, the level one of findings.ENFORCEMENT_LEVELS, every property in the policy's config schema and
valid against it (with the schema's defaults applied, as the CLI does).

Usage::

    from trustfabric.gate.config import load_policy_config

    config = load_policy_config(Path("policy.yaml"), policies)
    analyzer_config = config.analyzer_config(policies)       # what the CLI sends in Configure
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..files import read_structured
from ..findings import ENFORCEMENT_LEVELS
from .info import PolicyInfo, policy_info


def schema_defaults(info: PolicyInfo) -> dict[str, Any]:
    """The `default` of every property of the policy's config schema that has one."""
    return {
        prop: prop_schema["default"]
        for prop, prop_schema in (info.config_schema or {}).items()
        if isinstance(prop_schema, Mapping) and "default" in prop_schema
    }


@dataclass(frozen=True)
class PolicyConfig:
    """A validated policy config file: per policy an optional enforcement level and properties."""

    source: str = ""
    levels: dict[str, str] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Only the properties the file sets (schema defaults are added for the analyzer)."""

    def analyzer_config(self, policies: Sequence[Any]) -> dict[str, dict[str, Any]]:
        """What the CLI sends in Configure: schema defaults overlaid with the file's values, plus levels."""
        config: dict[str, dict[str, Any]] = {}
        for policy in policies:
            entry = schema_defaults(policy_info(policy))
            entry.update(self.properties.get(policy.name, {}))
            if policy.name in self.levels:
                entry["enforcementLevel"] = self.levels[policy.name]
            if entry:
                config[policy.name] = entry
        return config


def _unknown_policy(source: str, name: str, known: Sequence[str]) -> TrustFabricError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see docs/policies.md for the policy names"
    return TrustFabricError(f"{source}: {name}: unknown policy; {hint}")


def _check_level(source: str, name: str, level: Any) -> str:
    if not isinstance(level, str) or level not in ENFORCEMENT_LEVELS:
        allowed = ", ".join(ENFORCEMENT_LEVELS)
        raise TrustFabricError(f"{source}: {name}.enforcementLevel: {level!r} is not allowed; allowed: {allowed}")
    return level


def _check_properties(source: str, info: PolicyInfo, props: dict[str, Any]) -> None:
    name = info.name
    properties = dict(info.config_schema or {})
    required = list(info.config_required)
    for prop in props:
        if prop not in properties:
            allowed = f"allowed: {', '.join(sorted(properties))}" if properties else "this policy takes no config"
            raise TrustFabricError(f"{source}: {name}.{prop}: unknown property; {allowed}")
    if info.config_schema is None:
        return
    import jsonschema  # imported here: it takes a second, and most runs set no property

    defaults = schema_defaults(info)
    object_schema = {"type": "object", "properties": properties, "required": required}
    validator_class = jsonschema.validators.validator_for(object_schema, default=jsonschema.Draft7Validator)
    validator = validator_class(object_schema, format_checker=validator_class.FORMAT_CHECKER)  # e.g. regex
    errors = sorted(validator.iter_errors({**defaults, **props}), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        if error.validator == "required":
            missing = next((p for p in required if p not in props and p not in defaults), "?")
            raise TrustFabricError(f"{source}: {name}.{missing}: required property is missing")
        path = ".".join(str(part) for part in error.absolute_path)
        raise TrustFabricError(f"{source}: {name}.{path}: {error.message}")


def load_policy_config(path: Path, policies: Sequence[Any]) -> PolicyConfig:
    """Read and validate a policy config file (JSON or YAML, Pulumi's policy config shape).

    Raises TrustFabricError, one line naming the file, the policy and the key, for an unknown policy, an
    unknown enforcement level, an unknown property, or a value invalid against the policy's config schema.
    """
    source = str(path)
    data = read_structured(path)
    if data is None:
        return PolicyConfig(source)
    if not isinstance(data, dict):
        raise TrustFabricError(f"{source}: expected a mapping of policy name to its config, got {type(data).__name__}")
    by_name = {policy.name: policy for policy in policies}
    levels: dict[str, str] = {}
    properties: dict[str, dict[str, Any]] = {}
    for name, entry in data.items():
        name = str(name)
        if name not in by_name:
            raise _unknown_policy(source, name, list(by_name))
        if isinstance(entry, str):
            levels[name] = _check_level(source, name, entry)
            continue
        if not isinstance(entry, dict):
            raise TrustFabricError(
                f"{source}: {name}: expected an enforcement level or a mapping, got {type(entry).__name__}"
            )
        props = {str(key): value for key, value in entry.items() if key != "enforcementLevel"}
        if "enforcementLevel" in entry:
            levels[name] = _check_level(source, name, entry["enforcementLevel"])
        _check_properties(source, policy_info(by_name[name]), props)
        if props:
            properties[name] = props
    return PolicyConfig(source, levels, properties)


__all__ = ["PolicyConfig", "load_policy_config", "schema_defaults"]
