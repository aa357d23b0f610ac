"""The report formats every command's `--format` chooses from: one Enum, shared by every command.

`check` and `audit security` take text, json or sarif; `preview`, `diff` and `controls` take text or json.
Commands whose option is a plain string check it with `choose_format`, which raises the one-line error
`--format: 'xml' is not allowed; allowed: text, json, sarif` (exit 2); `preview` and `diff` let Typer parse the
option (trustfabric.cli.common.format_choice), a usage error `'xml' is not one of 'text', 'json'.` (exit 2).
Each command keeps the error text it has always had.

Usage::

    from trustfabric.report.formats import FINDINGS_FORMATS, OutputFormat, choose_format

    output_format = choose_format("json", FINDINGS_FORMATS)     # OutputFormat.json
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from ..errors import TrustFabricError


class OutputFormat(StrEnum):
    """What a command prints: a report for people, or a machine format."""

    text = "text"
    json = "json"
    sarif = "sarif"


FINDINGS_FORMATS = (OutputFormat.text, OutputFormat.json, OutputFormat.sarif)
"""Formats of a findings report (check, audit)."""
DATA_FORMATS = (OutputFormat.text, OutputFormat.json)
"""Formats of everything else (preview, diff, controls)."""


def find_format(value: str, allowed: Sequence[OutputFormat]) -> OutputFormat | None:
    """The format among `allowed` that `value` names, else None."""
    return next((output_format for output_format in allowed if value == output_format.value), None)


def choose_format(value: str, allowed: Sequence[OutputFormat]) -> OutputFormat:
    """The format `value` names; TrustFabricError naming the allowed ones when it is not one of `allowed`."""
    output_format = find_format(value, allowed)
    if output_format is None:
        raise TrustFabricError(f"--format: {value!r} is not allowed; allowed: {', '.join(allowed)}")
    return output_format


__all__ = ["DATA_FORMATS", "FINDINGS_FORMATS", "OutputFormat", "choose_format", "find_format"]
