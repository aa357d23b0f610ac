"""The on-call directory as a Pulumi program: the PagerDuty team, its people, the layered primary/secondary
schedules and the Sev1 escalation policy (primary, secondary after 10 min, engineering manager after 20 min).

A program of its own, beside the cloud stacks: people and rotas belong to the PagerDuty account, not to one
environment, so exactly one state owns them; it needs a PagerDuty token and no cloud credentials, and changing
a rota never touches a cloud stack (docs/adr/0011-on-call-as-code.md). The cloud stacks read its
`escalation_policy_id` output and declare their own services. Offline, like every program here::

    .venv/bin/trustfabric preview --program oncall --stack pagerduty
    .venv/bin/trustfabric check   --program oncall --stack pagerduty

For real, by a PagerDuty admin: `PAGERDUTY_TOKEN=... pulumi -C oncall up -s pagerduty`. People who exist
already are adopted first: `pulumi -C oncall import pagerduty:index/user:User oncall-member-0 <user id>`.
"""

from __future__ import annotations

import pulumi
import pulumi_pagerduty as pagerduty
from pulumi.runtime import config as runtime_config

from components.oncall.directory import OnCallDirectory, OnCallDirectoryArgs
from stacks.settings import SettingsError
from stacks.settings_oncall import parse_directory


def main() -> None:
    stack = pulumi.get_stack()
    values = dict(runtime_config.CONFIG.get()) or dict(runtime_config.get_config_env())
    try:
        settings = parse_directory(values, project=pulumi.get_project(), stack=stack, source=f"Pulumi.{stack}.yaml")
    except SettingsError as error:
        raise pulumi.RunError(str(error)) from None
    provider = pagerduty.Provider("pagerduty")
    directory = OnCallDirectory(
        "oncall",
        OnCallDirectoryArgs(
            team=settings.team,
            members=settings.members,
            manager=settings.manager,
            rotation_days=settings.rotation.length_days,
            handoff=settings.rotation.handoff,
            start=settings.rotation.start,
            time_zone=settings.rotation.time_zone,
            secondary_after_minutes=settings.escalation.secondary_after_minutes,
            manager_after_minutes=settings.escalation.manager_after_minutes,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    pulumi.export("escalation_policy_id", directory.escalation_policy_id)
    pulumi.export("team_id", directory.team_id)


main()
