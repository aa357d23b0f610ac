"""Errors the CLI reports as bad input: exit code 2 and one line on stderr, never a traceback.

`TrustFabricError` is the domain's `InputError` (one bad-input type for every layer), so the CLI prints any
layer's bad input the same way.
"""

from __future__ import annotations

from domain.errors import InputError

TrustFabricError = InputError
"""Bad input the user can fix: the message names the file, key or value and what is allowed."""


class ConfigError(TrustFabricError):
    """A stack or project file is unreadable, malformed, or holds a value outside what is allowed."""


class ProgramError(TrustFabricError):
    """The Pulumi program failed while running under the offline engine."""
