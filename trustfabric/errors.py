"""Errors the CLI reports as bad input: exit code 2 and one line on stderr, never a traceback."""

from __future__ import annotations


class TrustFabricError(Exception):
    """Bad input the user can fix: the message names the file, key or value and what is allowed."""

    exit_code = 2


class ConfigError(TrustFabricError):
    """A stack or project file is unreadable, malformed, or holds a value outside what is allowed."""


class ProgramError(TrustFabricError):
    """The Pulumi program failed while running under the offline engine."""
