"""The repository's GitHub settings as a Pulumi program: the code-owner teams and their access, the branch
protection of `main` (the pull-request gate's checks and an owner's review), and the deploy environments.

A program of its own, beside the cloud stacks, so that no cloud stack needs GitHub credentials and this one
needs no cloud credentials. Offline, like every program here::

    .venv/bin/trustfabric preview --program github --stack repository
    .venv/bin/trustfabric check   --program github --stack repository

For real, by an organization owner: `GITHUB_TOKEN=... pulumi -C github up -s repository`. Teams that exist
already are adopted first: `pulumi -C github import github:index/team:Team security-team <team id>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_github as github

from components.governance.branch_protection import (
    BranchProtection,
    BranchProtectionArgs,
    DeploymentEnvironment,
)

NAMESPACE = "trust-fabric-github"
TEAM_PERMISSION = "push"
"""Code owners need write access for their reviews to count; nothing here needs more."""


def _where(key: str) -> str:
    return f"Pulumi.{pulumi.get_stack()}.yaml: {NAMESPACE}:{key}"


def read_teams(raw: Any) -> dict[str, str]:
    """`teams`: team slug -> description."""
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError(f"{_where('teams')}: must be a map of team slug to description")
    for slug, description in raw.items():
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"{_where(f'teams.{slug}')}: must be a description (text)")
    return {str(slug): str(description) for slug, description in raw.items()}


def read_environments(raw: Any, teams: Mapping[str, github.Team]) -> list[DeploymentEnvironment]:
    """`environments`: a list of {name, reviewers: [team slug], waitTimerMinutes}."""
    if not isinstance(raw, list):
        raise ValueError(f"{_where('environments')}: must be a list of {{name, reviewers}}")
    environments = []
    for index, entry in enumerate(raw):
        where = f"environments[{index}]"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{_where(where)}: must be a map with name and reviewers")
        unknown = sorted(set(entry) - {"name", "reviewers", "waitTimerMinutes"})
        if unknown:
            raise ValueError(
                f"{_where(f'{where}.{unknown[0]}')}: unknown key; allowed: name, reviewers, waitTimerMinutes"
            )
        reviewers = entry.get("reviewers") or []
        for slug in reviewers:
            if slug not in teams:
                raise ValueError(
                    f"{_where(f'{where}.reviewers')}: {slug!r} is not a team of {NAMESPACE}:teams; "
                    f"allowed: {', '.join(sorted(teams))}"
                )
        environments.append(
            DeploymentEnvironment(
                name=str(entry.get("name") or ""),
                reviewer_team_ids=tuple(teams[slug].id for slug in reviewers),
                wait_timer_minutes=entry.get("waitTimerMinutes", 0),
            )
        )
    return environments


config = pulumi.Config(NAMESPACE)
repository = config.require("repository")
declared_teams: dict[str, github.Team] = {}
for slug, description in read_teams(config.require_object("teams")).items():
    team = github.Team(f"{slug}-team", name=slug, description=description, privacy="closed")
    github.TeamRepository(f"{slug}-team-access", team_id=team.id, repository=repository, permission=TEAM_PERMISSION)
    declared_teams[slug] = team

protection = BranchProtection(
    repository,
    BranchProtectionArgs(
        repository=repository,
        required_checks=tuple(config.require_object("requiredChecks")),
        environments=tuple(read_environments(config.require_object("environments"), declared_teams)),
    ),
)

pulumi.export("protection_id", protection.protection_id)
pulumi.export("environments", protection.environment_names)
