"""`trustfabric access`: just-in-time access to the support and break-glass permission sets, and the access review.

Commands::

    trustfabric access request --stack S --function support|break-glass --cell C --hours N --reason TEXT
    trustfabric access approve --stack S REQUEST_ID
    trustfabric access revoke  --stack S REQUEST_ID [--reason TEXT]
    trustfabric access list    --stack S [--status STATUS] [--format text|json]
    trustfabric access review  --stack S [--format text|json] [--output FILE]

The stack file's `trust-fabric:identity` says where Identity Center and the workflow live; the caller is whoever
the AWS credentials say (a person's Identity Center role session). `--endpoint-url` points every client at
one endpoint (a moto server in tests). Exit codes: 0 done; 1 refused by a rule (self-approval, not eligible, not
pending) or, for review, findings to act on; 2 bad input (one line naming the option, file or key).

Importing this module adds the group to the CLI's app (`trustfabric.cli`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..errors import TrustFabricError
from .common import OutputOption, ProgramOption, StackOption, app, command_group, program_dir

FORMATS = ("text", "json")
F = TypeVar("F", bound=Callable[..., Any])

access_app = command_group(
    "access", "Just-in-time access: request, approve (a second person), revoke, list; the access review."
)
app.add_typer(access_app, name="access")

EndpointOption = Annotated[
    str | None, typer.Option("--endpoint-url", help="One endpoint for every AWS client (e.g. a moto server).")
]
FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]


def guarded(command: F) -> F:
    """Bad input: one line, exit 2. A refusal by rule: one line, exit 1. The workflow (boto3, the stack settings)
    is imported when a command runs, never when the CLI loads."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..access.workflow import AccessRefused

        try:
            return command(*args, **kwargs)
        except TrustFabricError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except AccessRefused as error:
            typer.echo(f"refused: {error}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _workflow(stack: str, program: Path | None, endpoint_url: str | None) -> Any:
    from ..access.target import load_target
    from ..access.workflow import AccessWorkflow, Clients

    target = load_target(program_dir(program), stack)
    return AccessWorkflow(target, Clients.create(target.region, endpoint_url, target.workflow_region))


def _format(value: str) -> str:
    if value not in FORMATS:
        raise TrustFabricError(f"--format: {value!r} is not allowed; allowed: {', '.join(FORMATS)}")
    return value


def _show(request: Any) -> str:
    until = f" until {request.expires_at}" if request.expires_at else ""
    return (
        f"{request.request_id} {request.status:8} {request.function} in {request.stack}/{request.cell} for "
        f"{request.requester} ({request.hours} h{until}): {request.reason}"
    )


@access_app.command("request")
@guarded
def request_command(
    stack: StackOption,
    function: Annotated[str, typer.Option("--function", help="support or break-glass.")],
    cell: Annotated[str, typer.Option("--cell", help="The cell, e.g. uk.")],
    hours: Annotated[int, typer.Option("--hours", help="How long, 1..identity.jit.maxHours.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: the incident or ticket.")],
    program: ProgramOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """Ask for a just-in-time permission set; a second person approves it."""
    request = _workflow(stack, program, endpoint_url).request(function, cell, hours, reason)
    print(f"requested {request.request_id}: {request.function} in {stack}/{cell} for {hours} h; awaiting approval")


@access_app.command("approve")
@guarded
def approve_command(
    request_id: Annotated[str, typer.Argument(help="The request id (req-...).")],
    stack: StackOption,
    program: ProgramOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """Approve someone else's request: starts the grant, removed at expiry."""
    request = _workflow(stack, program, endpoint_url).approve(request_id)
    print(f"approved {request.request_id}: granted to {request.requester} until {request.expires_at}")


@access_app.command("revoke")
@guarded
def revoke_command(
    request_id: Annotated[str, typer.Argument(help="The request id (req-...).")],
    stack: StackOption,
    reason: Annotated[str, typer.Option("--reason", help="Why it ends early.")] = "",
    program: ProgramOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """End a request or grant now: stops the grant and removes the assignment."""
    request = _workflow(stack, program, endpoint_url).revoke(request_id, reason)
    print(f"revoked {request.request_id}")


@access_app.command("list")
@guarded
def list_command(
    stack: StackOption,
    status: Annotated[str | None, typer.Option("--status", help="Only requests in this status.")] = None,
    output_format: FormatOption = "text",
    program: ProgramOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """Every request with its status and history."""
    from ..access.model import STATUSES

    _format(output_format)
    if status is not None and status not in STATUSES:
        raise TrustFabricError(f"--status: {status!r} is not allowed; allowed: {', '.join(STATUSES)}")
    requests = _workflow(stack, program, endpoint_url).list(status)
    if output_format == "json":
        sys.stdout.write(json.dumps([r.as_json() for r in requests], indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write("".join(_show(r) + "\n" for r in requests) or "no requests\n")


@access_app.command("review")
@guarded
def review_command(
    stack: StackOption,
    output_format: FormatOption = "text",
    output: OutputOption = None,
    program: ProgramOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """Who holds which permission set, how and until when; exit 1 when something needs action."""
    from ..access.review import review

    _format(output_format)
    report = review(_workflow(stack, program, endpoint_url))
    text = (
        json.dumps(report.as_json(), indent=2, sort_keys=True) + "\n" if output_format == "json" else report.as_text()
    )
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if report.findings:
        raise typer.Exit(1)
