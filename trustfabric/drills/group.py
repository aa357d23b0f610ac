"""The `drill` command group, shared by every module that adds drill commands.

`trustfabric.drills.cli` creates the group with restore, failover, failback and seed; modules registered
after it (`trustfabric.drills.database.cli`, `trustfabric.drills.quarterly_cli`) add their commands to the
same group, found by name, or create it when they run alone (a test app).

Usage::

    from trustfabric.drills.group import add_commands

    def register(app: typer.Typer) -> None:
        add_commands(app, {"report": report_command})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import typer

GROUP = "drill"
HELP = "Disaster-recovery drills: restore, failover, failback, database rows, quarterly report."


def drill_group(app: typer.Typer) -> typer.Typer:
    """The app's `drill` group, created when the app has none yet."""
    for info in app.registered_groups:
        if info.name == GROUP and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help=HELP, no_args_is_help=True)
    app.add_typer(group, name=GROUP)
    return group


def add_commands(app: typer.Typer, commands: Mapping[str, Callable[..., Any]]) -> None:
    """Add each command to the `drill` group once (registering twice changes nothing)."""
    group = drill_group(app)
    present = {info.name for info in group.registered_commands}
    for name, function in commands.items():
        if name not in present:
            group.command(name)(function)
