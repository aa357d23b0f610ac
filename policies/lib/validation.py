"""The callables a policy's `validate` is given and is: typed as the SDK calls them.

The SDK's own `ReportViolation` alias spells the `urn` argument as required, though the callback it passes
takes it as optional (`report_violation(message)` is how every resource policy reports). Policies type their
`report_violation` parameter with the protocol below instead.

Usage::

    from pulumi_policy import ResourceValidationArgs

    from policies.lib.validation import ReportViolation

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        report_violation(f"'{args.name}' is wrong; fix it.")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from pulumi_policy import ResourceValidationArgs, StackValidationArgs


class ReportViolation(Protocol):
    """Report one violation: a message naming the resource and the fix; stack policies name the resource's URN."""

    def __call__(self, message: str, urn: str | None = None) -> None: ...


ResourceValidator = Callable[[ResourceValidationArgs, ReportViolation], Any]
"""A resource policy's validate; it may be async (the SDK awaits the coroutine)."""
StackValidator = Callable[[StackValidationArgs, ReportViolation], Any]
"""A stack policy's validate."""
