"""Checks many policies share, with one wording for their violations.

Usage (inside a policy's `validate`)::

    require_true(args, report_violation, kind="CloudTrail trail", path=("isMultiRegionTrail",),
                 argument="is_multi_region_trail", problem="records only its own region")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policies.lib.props import get, is_unknown
from policies.lib.validation import ReportViolation


def require_true(
    args: Any, report_violation: ReportViolation, *, kind: str, path: Sequence[str | int], argument: str, problem: str
) -> None:
    """Report unless the boolean setting at `path` is literally true; a value not known during preview is
    reported as unproven. `problem` completes "<kind> '<name>' ..." (what being off means)."""
    if is_unknown(args.props, *path):
        report_violation(f"{kind} '{args.name}': {argument} is not known during preview; set it to True literally.")
    elif get(args.props, *path) is not True:
        report_violation(f"{kind} '{args.name}' {problem}; set {argument}=True.")
