"""Branch protection as code: `main` takes changes only through the pull-request gate and an owner's review,
and the deploy environments wait for a reviewer before `pulumi up` runs.

What it declares, on the repository the (GitHub) provider in `opts` points at:

- a `github.BranchProtection` for the branch: the gate's status checks required (and up to date with the
  branch), one or more approving reviews, stale approvals dismissed on a new push, a code owner's approval
  required (`.github/CODEOWNERS`: security owns `policies/` and `compliance/`), the last push approved by someone
  other than its author, conversations resolved, linear and signed history, no force pushes, no deletion,
  and all of it enforced for administrators too;
- one `github.RepositoryEnvironment` per environment the workflows use: required reviewer teams (deploys), the
  author of a run never approving it, no administrator bypass, and jobs (with the environment's secrets) only
  from protected branches.

Usage::

    protection = BranchProtection(
        "trust-fabric",
        BranchProtectionArgs(
            repository="trust-fabric",
            required_checks=("lint", "test", "gate (prod)", "gate (dr)", "gate (dev)"),
            environments=(DeploymentEnvironment("prod", reviewer_team_ids=(security_team.id,)),),
        ),
        opts=pulumi.ResourceOptions(provider=github_provider),  # or the default provider (github:owner)
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_github as github

from components.validation import require_non_empty, require_range

MAX_APPROVALS = 6
"""GitHub's bound on `required_approving_review_count`."""
MAX_WAIT_MINUTES = 43_200
"""GitHub's bound on an environment's wait timer (30 days)."""


@dataclass(frozen=True)
class DeploymentEnvironment:
    """A GitHub environment a deploy job runs in (`environment: prod` in `.github/workflows/deploy.yml`)."""

    name: str
    """The environment's name, as the workflow's jobs name it."""
    reviewer_team_ids: Sequence[pulumi.Input[str]] = ()
    """Teams (their GitHub ids) of which one member must approve each job that uses the environment; empty: no
    approval, for an environment that only confines its secrets to protected branches (the evidence key)."""
    wait_timer_minutes: int = 0
    """Minutes to wait after approval before the job starts (0..43200)."""


@dataclass(frozen=True)
class BranchProtectionArgs:
    """Arguments of a repository's branch protection and deploy environments."""

    repository: str
    """The repository's name (in the provider's owner), e.g. `trust-fabric`."""
    required_checks: Sequence[str]
    """Status check contexts that must pass: the gate jobs' names in `.github/workflows/pr.yml`."""
    branch: str = "main"
    """The protected branch (a name or pattern)."""
    required_approvals: int = 1
    """Approving reviews a pull request needs (1..6)."""
    require_code_owner_reviews: bool = True
    """A code owner of every changed path must approve (`.github/CODEOWNERS`)."""
    dismiss_stale_reviews: bool = True
    """A new push dismisses earlier approvals, so what merges is what was approved."""
    require_last_push_approval: bool = True
    """The most recent push must be approved by someone other than the person who pushed it."""
    require_up_to_date: bool = True
    """The branch must be up to date with the protected branch, so the checks ran on what merges."""
    require_conversation_resolution: bool = True
    """Every review conversation must be resolved before merging."""
    require_linear_history: bool = True
    """No merge commits: every commit on the branch is one reviewed, gated change (squash or rebase)."""
    require_signed_commits: bool = True
    """Commits on the branch carry verified signatures (GitHub signs the squash merges it makes)."""
    enforce_admins: bool = True
    """Administrators are held to the same rules: nobody merges around the gate."""
    environments: Sequence[DeploymentEnvironment] = field(default_factory=tuple)
    """Deploy environments with required reviewers, e.g. prod and dr."""


def validate_args(args: BranchProtectionArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    if not args.repository.strip():
        raise ValueError("BranchProtection: repository: must not be empty")
    if not args.branch.strip():
        raise ValueError("BranchProtection: branch: must not be empty")
    require_non_empty("BranchProtection", "required_checks", args.required_checks)
    for check in args.required_checks:
        if not isinstance(check, str) or not check.strip():
            raise ValueError(f"BranchProtection: required_checks: {check!r} is not allowed; allowed: a job name")
    duplicates = sorted({check for check in args.required_checks if list(args.required_checks).count(check) > 1})
    if duplicates:
        raise ValueError(f"BranchProtection: required_checks: {', '.join(duplicates)} listed twice")
    require_range("BranchProtection", "required_approvals", args.required_approvals, 1, MAX_APPROVALS)
    names: set[str] = set()
    for index, environment in enumerate(args.environments):
        where = f"environments[{index}]"
        if not environment.name.strip():
            raise ValueError(f"BranchProtection: {where}.name: must not be empty")
        if environment.name in names:
            raise ValueError(f"BranchProtection: {where}.name: {environment.name!r} is declared twice")
        names.add(environment.name)
        require_range(
            "BranchProtection", f"{where}.wait_timer_minutes", environment.wait_timer_minutes, 0, MAX_WAIT_MINUTES
        )


class BranchProtection(pulumi.ComponentResource):
    """The protected branch and the deploy environments of one repository."""

    protection_id: pulumi.Output[str]
    environment_names: list[str]

    def __init__(self, name: str, args: BranchProtectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:governance:BranchProtection", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        protection = github.BranchProtection(
            f"{name}-{args.branch}",
            repository_id=args.repository,
            pattern=args.branch,
            enforce_admins=args.enforce_admins,
            allows_deletions=False,
            allows_force_pushes=False,
            lock_branch=False,
            required_linear_history=args.require_linear_history,
            require_signed_commits=args.require_signed_commits,
            require_conversation_resolution=args.require_conversation_resolution,
            required_status_checks=[
                github.BranchProtectionRequiredStatusCheckArgs(
                    strict=args.require_up_to_date, contexts=list(args.required_checks)
                )
            ],
            required_pull_request_reviews=[
                github.BranchProtectionRequiredPullRequestReviewArgs(
                    required_approving_review_count=args.required_approvals,
                    dismiss_stale_reviews=args.dismiss_stale_reviews,
                    require_code_owner_reviews=args.require_code_owner_reviews,
                    require_last_push_approval=args.require_last_push_approval,
                    restrict_dismissals=True,
                )
            ],
            opts=child,
        )

        for environment in args.environments:
            reviewers = None
            if environment.reviewer_team_ids:
                # A team's id is its number as text; the Terraform bridge parses it for this integer field.
                teams = list(environment.reviewer_team_ids)
                reviewers = [github.RepositoryEnvironmentReviewerArgs(teams=teams)]  # type: ignore[arg-type]
            github.RepositoryEnvironment(
                f"{name}-{environment.name}",
                repository=args.repository,
                environment=environment.name,
                reviewers=reviewers,
                prevent_self_review=True,
                can_admins_bypass=False,
                wait_timer=environment.wait_timer_minutes,
                deployment_branch_policy=github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
                    protected_branches=True, custom_branch_policies=False
                ),
                opts=child,
            )

        self.protection_id = protection.id
        self.environment_names = [environment.name for environment in args.environments]
        self.register_outputs({"protection_id": self.protection_id, "environments": self.environment_names})
