"""How stack settings are read: the one-line `SettingsError` and the `_Reader` every settings section uses.

Each check raises `SettingsError` naming the file, the key and what is allowed; `stacks.settings` and its
sections (`settings_delivery`, `settings_models`, `settings_oncall`, ...) import these from there.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse


class SettingsError(ValueError):
    """A stack setting is missing, malformed or outside what is allowed; the message is one line."""


# ---------------------------------------------------------------------------------------------------------------
# Validation helpers: each raises SettingsError naming source, key and what is allowed.


class _Reader:
    def __init__(self, source: str, namespace: str) -> None:
        self.source = source
        self.namespace = namespace

    def fail(self, key: str, message: str) -> SettingsError:
        return SettingsError(f"{self.source}: {self.namespace}:{key}: {message}")

    def fail_other(self, key: str, message: str) -> SettingsError:
        """An error about a key of another namespace (`aws:region`)."""
        return SettingsError(f"{self.source}: {key}: {message}")

    def unknown_keys(self, key_prefix: str, given: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        for key in given:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" did you mean {close[0]!r}?" if close else ""
            where = f"{key_prefix}{key}" if key_prefix else key
            raise self.fail(_short(where), f"unknown key;{hint} allowed: {', '.join(allowed)}")

    def string(self, key: str, value: Any, allowed: tuple[str, ...] | None = None) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {_type_name(value)}")
        if allowed is not None and value not in allowed:
            raise self.fail(key, f"{_shown(value)} is not allowed; allowed: {', '.join(allowed)}")
        return value

    def matching(self, key: str, value: Any, pattern: re.Pattern[str], what: str, allowed: str) -> str:
        text = self.string(key, value)
        if not pattern.fullmatch(text):
            raise self.fail(key, f"{_shown(text)} is not {what}; allowed: {allowed}")
        return text

    def integer(self, key: str, value: Any, minimum: int, maximum: int) -> int:
        if isinstance(value, bool):
            raise self.fail(key, f"expected an integer, got {_type_name(value)}")
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise self.fail(key, f"expected an integer, got {_shown(value)}") from None
        if not isinstance(value, int):
            raise self.fail(key, f"expected an integer, got {_type_name(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"{value} is out of range; allowed: {minimum}..{maximum}")
        return value

    def url(self, key: str, value: Any, schemes: tuple[str, ...]) -> str:
        text = self.string(key, value)
        parsed = urlparse(text)
        if parsed.scheme not in schemes or not parsed.netloc:
            raise self.fail(key, f"{_shown(text)} is not a URL; allowed: a {' or '.join(schemes)} URL")
        return text

    def mapping(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected an object, got {_type_name(value)}")
        return value


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({_shown(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _shown(value: str, limit: int = 60) -> str:
    """`repr(value)`, cut short: a message stays one readable line whatever the file holds."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def _short(key: str, limit: int = 60) -> str:
    return key if len(key) <= limit else f"{key[:limit]}..."


def _decode(raw: str) -> Any:
    """Structured config arrives as JSON text; scalars arrive as plain strings."""
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw
