"""The formats every command's `--format` chooses from: one Enum, one error, shared by every command.

`check` and `audit security` take text, json or sarif; `preview`, `diff`, `controls`, `incident status|metrics|
tabletop` and `drill database verify` take text or json; `incident open` writes its record as yaml or json.
Every command turns the option into an OutputFormat with `choose_format` (directly, or as Typer's parser through
trustfabric.cli.common.format_choice), so a bad value is the same one-line error everywhere, exit 2:
`--format: 'xml' is not allowed; allowed: text, json, sarif`.

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
    yaml = "yaml"


FINDINGS_FORMATS = (OutputFormat.text, OutputFormat.json, OutputFormat.sarif)
"""Formats of a findings report (check, audit)."""
DATA_FORMATS = (OutputFormat.text, OutputFormat.json)
"""Formats of everything else people read (preview, diff, controls, incident status, drill reports)."""
RECORD_FORMATS = (OutputFormat.yaml, OutputFormat.json)
"""Formats of a record file kept in git (incident open)."""


def find_format(value: str, allowed: Sequence[OutputFormat]) -> OutputFormat | None:
    """The format among `allowed` that `value` names, else None."""
    return next((output_format for output_format in allowed if value == output_format.value), None)


def choose_format(value: str, allowed: Sequence[OutputFormat]) -> OutputFormat:
    """The format `value` names; TrustFabricError naming the allowed ones when it is not one of `allowed`."""
    output_format = find_format(value, allowed)
    if output_format is None:
        raise TrustFabricError(f"--format: {value!r} is not allowed; allowed: {', '.join(allowed)}")
    return output_format


__all__ = ["DATA_FORMATS", "FINDINGS_FORMATS", "RECORD_FORMATS", "OutputFormat", "choose_format", "find_format"]
