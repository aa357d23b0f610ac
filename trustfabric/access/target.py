"""Where a stack's just-in-time access lives: read from its stack file, named as the components name it.

The requests table and the state machine belong to the prod/dr pair and live in Identity Center's home region
(`trust-fabric:identity.region`), declared by the primary stack (`stacks/identity.py`); dr's permission sets are
granted through the same workflow. After failover (dr's `role: active`), dr's commands use the table's replica and
dr's standby state machine in the paired region (`workflow_region`), which dr declares in its standby footprint;
Identity Center and its identity store are still called in the home region. The account is the caller's (prod and
dr share it).

Usage::

    target = load_target(Path("."), "prod")
    print(target.table_name, target.region, target.workflow_region)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from components.identity.jit_access import requests_table_name, state_machine_name
from domain.naming import permission_set_name
from stacks.settings import SettingsError, StackSettings, deployment, parse_settings
from stacks.settings_identity import IdentitySettings, replica_region

from ..engine.project import load_project, load_stack_config
from ..errors import TrustFabricError


@dataclass(frozen=True)
class AccessTarget:
    """A stack's Identity Center and just-in-time workflow."""

    stack: str
    deployment: str
    """The prod/dr pair's name: the table and state machine carry it."""
    cells: tuple[str, ...]
    identity: IdentitySettings
    workflow_region: str
    """Where the requests table and the grant state machine are used: the home region, or after failover (dr
    active) the paired region of dr's standby machine and the table's replica."""

    @property
    def region(self) -> str:
        """Identity Center's home region: its instance and identity store are called there."""
        return self.identity.region

    @property
    def table_name(self) -> str:
        return requests_table_name(self.deployment)

    def state_machine_arn(self, account_id: str) -> str:
        return f"arn:aws:states:{self.workflow_region}:{account_id}:stateMachine:{state_machine_name(self.deployment)}"

    def permission_set_name(self, cell: str, function: str) -> str:
        return permission_set_name(self.stack, cell, function)


def target_of(settings: StackSettings) -> AccessTarget:
    if settings.identity is None:
        raise TrustFabricError(
            f"{settings.source}: {settings.project}:identity: not set; just-in-time access needs Identity Center "
            "(docs/access.md)"
        )
    return AccessTarget(
        stack=settings.stack,
        deployment=deployment(settings),
        cells=tuple(cell.name for cell in settings.cells),
        identity=settings.identity,
        workflow_region=_workflow_region(settings),
    )


def _workflow_region(settings: StackSettings) -> str:
    """The home region, except for dr after failover: its standby machine and the table's replica."""
    assert settings.identity is not None
    if settings.role == "active":
        return replica_region(settings) or settings.identity.region
    return settings.identity.region


def load_target(program_dir: Path, stack: str) -> AccessTarget:
    """The stack's access target from `Pulumi.<stack>.yaml`; bad input as one line naming the file and key."""
    project = load_project(program_dir)
    config = load_stack_config(project, stack)
    try:
        settings = parse_settings(
            config.values,
            project=project.name,
            stack=stack,
            source=config.file.name,
            secret_keys=config.secret_keys,
        )
    except SettingsError as error:
        raise TrustFabricError(str(error)) from None
    return target_of(settings)
