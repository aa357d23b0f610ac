"""Reading resource arguments. Properties arrive through the SDK's unknown-checking proxy: touching a value that
is not known during a preview raises UnknownValueError. These helpers let a policy ask first and decide.

Every reader takes a resource policy's `ResourceValidationArgs` or a stack policy's `PolicyResource` (both carry
`props`, `provider` and `name`), or their `props`.

Usage::

    from policies.lib.props import get, is_unknown

    if is_unknown(args.props, "serverSideEncryption", "enabled"):
        report_violation(f"'{args.name}': encryption is not known during preview; set it literally.")
    elif get(args.props, "serverSideEncryption", "enabled") is not True:
        report_violation(f"'{args.name}' is not encrypted; set server_side_encryption.enabled=True.")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_policy.proxy import UnknownValueError


class Unknown:
    """A sentinel for a value that is not known during preview (a tag, a policy document)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return f"<unknown {self.label}>"


def is_unknown(props: Any, *path: str | int) -> bool:
    """True when the value at `path` (or anything inside it) is not known yet."""
    try:
        value = props
        for key in path:
            value = value[key]
        _touch(value)
    except UnknownValueError:
        return True
    except (KeyError, IndexError, TypeError):
        return False
    return False


def _touch(value: Any) -> None:
    if isinstance(value, Mapping):
        for key in value:
            _touch(value[key])
    elif isinstance(value, (list, tuple)) or (hasattr(value, "__len__") and hasattr(value, "__getitem__")):
        if isinstance(value, (str, bytes)):
            return
        for index in range(len(value)):
            _touch(value[index])


def unknown_itself(props: Any, *path: str | int) -> bool:
    """True when the value at `path`, or a value on the way to it, is unknown (not merely something inside:
    `is_unknown` also looks inside lists and maps)."""
    value = props
    try:
        for key in path:
            value = value[key]
    except UnknownValueError:
        return True
    except (KeyError, IndexError, TypeError):
        return False
    return False


def get(props: Any, *path: str | int, default: Any = None) -> Any:
    """The value at `path`, or `default` when absent. Raises UnknownValueError for unknown values."""
    value = props
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return default
    return default if value is None else value


def as_list(value: Any) -> list[Any]:
    """A value that may be one item or many, as a list (None: empty)."""
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]


def as_bool(value: Any) -> bool | None:
    """A boolean input read leniently (string flags too); None when absent or unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def provider_default_tags(provider: Any) -> dict[str, Any]:
    """A provider's `defaultTags.tags`. Provider inputs reach analyzers as JSON text for nested values
    (`"defaultTags": "{\"tags\": {...}}"`), from an explicit provider's inputs and from `aws:defaultTags`
    config alike; both forms are read. Unknown or malformed values give {}."""
    if provider is None or is_unknown(provider.props, "defaultTags"):
        return {}
    default_tags = get(provider.props, "defaultTags", default={})
    if isinstance(default_tags, str):
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    if not isinstance(default_tags, Mapping):
        return {}
    inner = default_tags.get("tags") or {}
    return {str(key): inner[key] for key in inner} if isinstance(inner, Mapping) else {}


def effective_tags(resource: Any) -> dict[str, Any]:
    """The resource's tags merged over its provider's default tags (what AWS will actually apply).

    A tag whose own value is unknown during preview is left out (it is neither the default nor a known
    override); the resource's other tags still count."""
    tags = provider_default_tags(resource.provider)
    try:
        own = resource.props["tags"]
    except (KeyError, UnknownValueError):
        return tags  # no own tags, or the whole map is unknown: only the defaults are certain
    if isinstance(own, Mapping):
        for key in list(own.keys()):
            if is_unknown(own, key):
                tags.pop(str(key), None)
                continue
            tags[str(key)] = own[key]
    return tags


def region_of(resource: Any) -> str | None:
    """The resource's region: its own `region` input (pulumi-aws 7 allows a per-resource override), else its
    provider's region; None when not known during preview."""
    props = resource.props
    if "region" in props and not is_unknown(props, "region"):
        own = get(props, "region")
        if isinstance(own, str) and own:
            return own
    provider = resource.provider
    if provider is None or is_unknown(provider.props, "region"):
        return None
    region = get(provider.props, "region")
    return region if isinstance(region, str) and region else None
