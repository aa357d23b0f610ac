"""BranchProtection: secure defaults (gate checks required and up to date, owner review, stale approvals dismissed,
admins included, no force push or deletion), environments with reviewers, children parented, exact errors."""

from __future__ import annotations

import dataclasses

import pytest

from components.governance.branch_protection import BranchProtectionArgs, DeploymentEnvironment, validate_args
from tests.policies.harness import run_snippet

CHECKS = ("lint", "test", "gate (dev)")
PROGRAM = """
import pulumi_github as github
from components.governance.branch_protection import BranchProtection, BranchProtectionArgs, DeploymentEnvironment

security = github.Team("security", name="security")
BranchProtection("repo", BranchProtectionArgs(
    repository="repo",
    required_checks=("lint", "test", "gate (dev)"),
    environments=(DeploymentEnvironment("prod", reviewer_team_ids=(security.id,)), DeploymentEnvironment("keys")),
))
"""
COMPONENT = "trustfabric:governance:BranchProtection"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("protection"), PROGRAM)


def test_the_defaults_are_the_secure_ones(graph):
    [protection] = graph.of_type("github:index/branchProtection:BranchProtection")
    assert protection.name == "repo-main"
    assert protection.props == {
        "repositoryId": "repo",
        "pattern": "main",
        "enforceAdmins": True,
        "allowsDeletions": False,
        "allowsForcePushes": False,
        "lockBranch": False,
        "requiredLinearHistory": True,
        "requireSignedCommits": True,
        "requireConversationResolution": True,
        "requiredStatusChecks": [{"strict": True, "contexts": list(CHECKS)}],
        "requiredPullRequestReviews": [
            {
                "requiredApprovingReviewCount": 1,
                "dismissStaleReviews": True,
                "requireCodeOwnerReviews": True,
                "requireLastPushApproval": True,
                "restrictDismissals": True,
            }
        ],
    }


def test_environments_need_their_reviewers_and_only_protected_branches(graph):
    environments = {
        environment.props["environment"]: environment.props
        for environment in graph.of_type("github:index/repositoryEnvironment:RepositoryEnvironment")
    }
    assert environments["prod"] == {
        "repository": "repo",
        "environment": "prod",
        "reviewers": [{"teams": ["security"]}],
        "preventSelfReview": True,
        "canAdminsBypass": False,
        "waitTimer": 0,
        "deploymentBranchPolicy": {"protectedBranches": True, "customBranchPolicies": False},
    }
    assert "reviewers" not in environments["keys"]
    assert environments["keys"]["deploymentBranchPolicy"] == {"protectedBranches": True, "customBranchPolicies": False}


def test_every_child_is_parented_to_the_component(graph):
    [component] = [resource for resource in graph if resource.type == COMPONENT]
    children = [resource for resource in graph if resource.type.startswith("github:") and "Team" not in resource.type]
    assert len(children) == 3
    assert {child.parent for child in children} == {component.urn}


VALID = BranchProtectionArgs(repository="repo", required_checks=CHECKS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repository": " "}, "BranchProtection: repository: must not be empty"),
        ({"branch": ""}, "BranchProtection: branch: must not be empty"),
        ({"required_checks": ()}, "BranchProtection: required_checks: must not be empty"),
        (
            {"required_checks": ("lint", "")},
            "BranchProtection: required_checks: '' is not allowed; allowed: a job name",
        ),
        ({"required_checks": ("lint", "test", "lint")}, "BranchProtection: required_checks: lint listed twice"),
        ({"required_approvals": 0}, "BranchProtection: required_approvals: 0 is out of range; allowed: 1..6"),
        ({"required_approvals": 7}, "BranchProtection: required_approvals: 7 is out of range; allowed: 1..6"),
        (
            {"environments": (DeploymentEnvironment("prod"), DeploymentEnvironment("prod"))},
            "BranchProtection: environments[1].name: 'prod' is declared twice",
        ),
        ({"environments": (DeploymentEnvironment(" "),)}, "BranchProtection: environments[0].name: must not be empty"),
        (
            {"environments": (DeploymentEnvironment("prod", wait_timer_minutes=43_201),)},
            "BranchProtection: environments[0].wait_timer_minutes: 43201 is out of range; allowed: 0..43200",
        ),
    ],
)
def test_validation_names_the_bad_argument(changes, message):
    with pytest.raises(ValueError) as error:
        validate_args(dataclasses.replace(VALID, **changes))
    assert str(error.value) == message


def test_valid_arguments_pass():
    validate_args(VALID)
    validate_args(dataclasses.replace(VALID, required_approvals=6, environments=(DeploymentEnvironment("dr"),)))
