"""`trustfabric chaos`: the experiments a stack declares, its game-day calendar, and running one experiment.

Commands::

    trustfabric chaos list     --stack NAME [--program DIR] [--format text|json]
    trustfabric chaos calendar --stack NAME [--program DIR] [--count N] [--after YYYY-MM-DD] [--format text|json]
    trustfabric chaos run      (--template-id ID | --cell uk --experiment az-impairment [--deployment prod])
                               [--region REGION] [--endpoint-url URL] --out chaos.json [--append]
                               [--poll-seconds S] [--timeout-minutes M]

`list` and `calendar` read the stack's previewed graph (offline, nothing is called): each FIS template with its
stop conditions (the SLO burn-rate alarms), and each cell's next game days (the Scheduler schedules, in the
jurisdiction's time zone, with the blackout windows they avoid). `run` starts the experiment with boto3, follows
it with progress on stderr, and writes the release gate's chaos results (`trustfabric release gate --chaos FILE`).
Exit codes: 0 listed, or the experiment completed; 1 it failed, was stopped or did not end in time (its results
are written unless it did not end); 2 bad input, one line on stderr.

Importing this module adds the group to the CLI's app (`trustfabric.cli`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from domain.residency import CODES
from domain.residency import jurisdiction as jurisdiction_of

from ..errors import TrustFabricError
from .common import ProgramOption, StackOption, app, check_output_path, command_group, load_graph, stderr

chaos_app = command_group("chaos", "Chaos experiments: list them, show the game-day calendar, run one.")
app.add_typer(chaos_app, name="chaos")

FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]
TEMPLATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
EXPERIMENT = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def _format(value: str) -> str:
    if value not in ("text", "json"):
        raise TrustFabricError(f"--format: {value!r} is not allowed; allowed: text, json")
    return value


@chaos_app.command("list")
def list_command(stack: StackOption, program: ProgramOption = None, output_format: FormatOption = "text") -> None:
    """Each FIS experiment template of the stack with its stop conditions."""
    from ..chaos.catalog import experiment_templates

    _format(output_format)
    templates = experiment_templates(load_graph(stack, program))
    if output_format == "json":
        document = {"stack": stack, "experiments": [template.as_dict() for template in templates]}
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return
    if not templates:
        print(f"stack {stack}: no FIS experiment template")
        return
    for template in templates:
        print(f"{template.name} ({template.region}): {template.description}")
        print(f"  actions: {', '.join(template.actions) or 'none'}")
        stops = ", ".join(f"{stop.alarm} [{stop.source}]" for stop in template.stop_conditions)
        print(f"  stops on: {stops or 'NOTHING (no stop condition)'}")
    print(f"stack {stack}: {len(templates)} experiment templates")


@chaos_app.command("calendar")
def calendar_command(
    stack: StackOption,
    program: ProgramOption = None,
    count: Annotated[int, typer.Option("--count", help="Game days to show per cell (1..24).")] = 3,
    after: Annotated[
        str | None, typer.Option("--after", help="Show game days after this day (YYYY-MM-DD, UTC); default now.")
    ] = None,
    output_format: FormatOption = "text",
) -> None:
    """The next game days of each cell: when, which experiment, and the blackout windows they avoid."""
    from ..chaos.catalog import next_game_days

    _format(output_format)
    if not 1 <= count <= 24:
        raise TrustFabricError(f"--count: {count} is out of range; allowed: 1..24")
    moment = dt.datetime.now(dt.UTC)
    if after is not None:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(after), dt.time(), dt.UTC)
        except ValueError:
            raise TrustFabricError(f"--after: {after!r} is not a date; allowed: YYYY-MM-DD") from None
    entries = next_game_days(load_graph(stack, program), after=moment, count=count)
    if output_format == "json":
        document = {"stack": stack, "after": moment.isoformat(), "game_days": [e.as_dict() for e in entries]}
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return
    if not entries:
        print(f"stack {stack}: no game day scheduled")
        return
    group = None
    for entry in entries:
        if entry.group != group:
            group = entry.group
            print(f"{group} ({entry.time_zone}; blackouts: {entry.blackouts or 'none declared'})")
        print(f"  {entry.starts_at:%Y-%m-%d %H:%M %Z}  {entry.experiment}  ({entry.schedule})")


@chaos_app.command("run")
def run_command(
    out: Annotated[Path, typer.Option("--out", help="Chaos results file for `release gate --chaos`.")],
    template_id: Annotated[str | None, typer.Option("--template-id", help="The FIS experiment template id.")] = None,
    cell: Annotated[str | None, typer.Option("--cell", help="The cell (uk, eu, us, ca), with --experiment.")] = None,
    experiment: Annotated[
        str | None, typer.Option("--experiment", help="connector-outage, queue-delay, aurora-failover, az-impairment.")
    ] = None,
    deployment: Annotated[
        str, typer.Option("--deployment", help="Deployment of the templates (prod for prod and dr).")
    ] = "prod",
    region: Annotated[str | None, typer.Option("--region", help="Default: the cell's primary region.")] = None,
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", envvar="AWS_ENDPOINT_URL", help="AWS endpoint, e.g. moto.")
    ] = None,
    append: Annotated[bool, typer.Option("--append", help="Add to an existing results file.")] = False,
    poll_seconds: Annotated[float, typer.Option("--poll-seconds", help="Seconds between polls (0..300).")] = 15.0,
    timeout_minutes: Annotated[
        float, typer.Option("--timeout-minutes", help="Give up following after this long (1..720).")
    ] = 90.0,
) -> None:
    """Start an experiment, follow it on stderr, write its result for the release gate."""
    import boto3

    from ..chaos.runner import find_template, start_and_follow, write_results

    if (template_id is None) == (experiment is None):
        raise TrustFabricError("run: give either --template-id or --cell with --experiment")
    if template_id is not None and not TEMPLATE_ID.fullmatch(template_id):
        raise TrustFabricError(f"--template-id: {template_id!r} is not an experiment template id")
    if experiment is not None:
        if cell is None:
            raise TrustFabricError("--experiment: needs --cell (uk, eu, us or ca)")
        if not EXPERIMENT.fullmatch(experiment):
            raise TrustFabricError(f"--experiment: {experiment!r} is not an experiment name")
    code = cell.upper() if cell is not None else None
    if code is not None and code not in CODES:
        raise TrustFabricError(f"--cell: {cell!r} is not allowed; allowed: {', '.join(c.lower() for c in CODES)}")
    if region is None:
        if code is None:
            raise TrustFabricError("--region: required with --template-id")
        region = jurisdiction_of(code).primary_region
    if not 0 <= poll_seconds <= 300:
        raise TrustFabricError(f"--poll-seconds: {poll_seconds:g} is out of range; allowed: 0..300")
    if not 1 <= timeout_minutes <= 720:
        raise TrustFabricError(f"--timeout-minutes: {timeout_minutes:g} is out of range; allowed: 1..720")
    if append and out.exists() and not out.is_file():
        raise TrustFabricError(f"--out: {out} is not a file")
    check_output_path(out, "--out")
    client = boto3.client("fis", region_name=region, endpoint_url=endpoint_url)
    name = template_id or ""
    if template_id is None:
        assert cell is not None and experiment is not None
        template_id = find_template(client, deployment=deployment, cell=cell.lower(), experiment=experiment)
        name = f"{cell.lower()} {experiment}"
    record = start_and_follow(
        client,
        template_id,
        poll_seconds=poll_seconds,
        timeout_minutes=timeout_minutes,
        progress=stderr,
        name=name,
    )
    write_results(out, [record], append=append)
    print(f"{name}: {record.status} -> verdict {record.verdict}; results: {out}")
    if record.verdict != "passed":
        raise typer.Exit(1)


__all__ = ["chaos_app"]
