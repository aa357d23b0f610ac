"""github-branch-protection-requires-gate and -requires-review: the protection of main keeps the gate and the
owners' review in the way of every change; fixtures both ways, the repository's own github/ program, unknowns.
(That github/ declares a protection of main at all is tests/github's job: a resource policy sees what exists.)"""

from __future__ import annotations

from pathlib import Path

from policies.github.repository.branch_protection_requires_gate import GATE_CHECKS
from policies.github.repository.branch_protection_requires_gate import POLICY as GATE
from policies.github.repository.branch_protection_requires_review import POLICY as REVIEW
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet
from trustfabric.engine import run_program

REPO_ROOT = Path(__file__).resolve().parents[3]
PROTECTION = "github:index/branchProtection:BranchProtection"
REMEDIATION_GATE = (
    "Declare a github.BranchProtection for the branch with every gate check in required_status_checks (strict), "
    "enforce_admins=True, allows_force_pushes=False and allows_deletions=False."
)
REMEDIATION_REVIEW = (
    "Set required_pull_request_reviews on the github.BranchProtection with required_approving_review_count of at "
    "least the minimum, require_code_owner_reviews=True and dismiss_stale_reviews=True."
)


def protection_program(**overrides: str) -> str:
    """A program protecting `main`; each override replaces one keyword argument's source text."""
    arguments = {
        "repository_id": '"trust-fabric"',
        "pattern": '"main"',
        "enforce_admins": "True",
        "allows_force_pushes": "False",
        "allows_deletions": "False",
        "required_status_checks": f'[{{"strict": True, "contexts": {list(GATE_CHECKS)!r}}}]',
        "required_pull_request_reviews": (
            '[{"required_approving_review_count": 1, "require_code_owner_reviews": True,'
            ' "dismiss_stale_reviews": True}]'
        ),
    }
    arguments.update(overrides)
    rendered = ", ".join(f"{key}={value}" for key, value in arguments.items() if value != "OMIT")
    return f'import pulumi_github as github\ngithub.BranchProtection("protect-main", {rendered})\n'


def test_a_protection_with_the_gate_and_reviews_passes(tmp_path):
    graph = run_snippet(tmp_path, protection_program())
    assert evaluate(GATE, graph) == []
    assert evaluate(REVIEW, graph) == []


def test_the_repository_github_program_passes_both():
    graph = run_program(REPO_ROOT / "github", "repository")
    assert [r.name for r in graph.of_type(PROTECTION)] == ["trust-fabric-main"]
    assert evaluate(GATE, graph) == []
    assert evaluate(REVIEW, graph) == []


def test_a_protection_of_another_branch_is_not_judged(tmp_path):
    graph = run_snippet(
        tmp_path,
        protection_program(pattern='"release/*"', enforce_admins="False", required_pull_request_reviews="OMIT"),
    )
    assert evaluate(GATE, graph) == []
    assert evaluate(REVIEW, graph) == []


def test_every_way_to_bypass_the_gate(tmp_path):
    graph = run_snippet(
        tmp_path,
        protection_program(
            enforce_admins="False",
            allows_force_pushes="True",
            allows_deletions="True",
            required_status_checks='[{"strict": False, "contexts": ["lint", "gate (dev)"]}]',
        ),
    )
    assert [d.detail for d in evaluate(GATE, graph)] == [
        "Branch protection 'protect-main' of 'main' lets changes bypass the gate: it does not require the checks "
        "'test', 'gate (prod)', 'gate (dr)'; it does not require the branch to be up to date (strict); "
        "administrators can bypass it (enforce_admins); it allows force pushes; it allows the branch to be "
        f"deleted. {REMEDIATION_GATE}"
    ]


def test_no_required_status_checks_at_all(tmp_path):
    graph = run_snippet(tmp_path, protection_program(required_status_checks="OMIT", enforce_admins="OMIT"))
    assert [d.detail for d in evaluate(GATE, graph)] == [
        "Branch protection 'protect-main' of 'main' lets changes bypass the gate: it does not require the checks "
        "'lint', 'test', 'gate (prod)', 'gate (dr)', 'gate (dev)'; it does not require the branch to be up to "
        f"date (strict); administrators can bypass it (enforce_admins). {REMEDIATION_GATE}"
    ]


def test_configured_checks_and_branches(tmp_path):
    graph = run_snippet(tmp_path, protection_program())
    config = {"requiredChecks": ["lint", "integration"], "branches": ["main"]}
    assert [d.detail for d in evaluate(GATE, graph, config)] == [
        "Branch protection 'protect-main' of 'main' lets changes bypass the gate: it does not require the checks "
        f"'integration'. {REMEDIATION_GATE}"
    ]


def test_every_way_to_skip_the_owners_review(tmp_path):
    graph = run_snippet(
        tmp_path,
        protection_program(
            required_pull_request_reviews=(
                '[{"required_approving_review_count": 0, "require_code_owner_reviews": False,'
                ' "dismiss_stale_reviews": False}]'
            )
        ),
    )
    assert [d.detail for d in evaluate(REVIEW, graph)] == [
        "Branch protection 'protect-main' lets changes merge without an owner's fresh approval: it requires 0 "
        "approving reviews, fewer than 1; it does not require a code owner's review; approvals survive new "
        f"commits (dismiss_stale_reviews). {REMEDIATION_REVIEW}"
    ]


def test_no_required_reviews_at_all(tmp_path):
    graph = run_snippet(tmp_path, protection_program(required_pull_request_reviews="OMIT"))
    assert [d.detail for d in evaluate(REVIEW, graph)] == [
        f"Branch protection 'protect-main' requires no pull request reviews. {REMEDIATION_REVIEW}"
    ]


def test_a_raised_minimum_of_approvals(tmp_path):
    graph = run_snippet(tmp_path, protection_program())
    assert [d.detail for d in evaluate(REVIEW, graph, {"minimumApprovals": 2})] == [
        "Branch protection 'protect-main' lets changes merge without an owner's fresh approval: it requires 1 "
        f"approving reviews, fewer than 2. {REMEDIATION_REVIEW}"
    ]


def test_unknown_values_are_never_a_pass():
    unknown_checks = resource(
        PROTECTION,
        {
            "pattern": "main",
            "enforceAdmins": UNKNOWN,
            "allowsForcePushes": False,
            "allowsDeletions": False,
            "requiredStatusChecks": [{"strict": True, "contexts": UNKNOWN}],
            "requiredPullRequestReviews": [
                {"requiredApprovingReviewCount": UNKNOWN, "requireCodeOwnerReviews": True, "dismissStaleReviews": True}
            ],
        },
        region=None,
    )
    assert [d.detail for d in evaluate(GATE, unknown_checks)] == [
        "Branch protection 'subject' of 'main' lets changes bypass the gate: its required status checks are not "
        f"known during preview; enforceAdmins is not known during preview. {REMEDIATION_GATE}"
    ]
    assert [d.detail for d in evaluate(REVIEW, unknown_checks)] == [
        "Branch protection 'subject': its required reviews are not known during preview; set them literally."
    ]
    unknown_pattern = resource(PROTECTION, {"pattern": UNKNOWN}, region=None)
    assert [d.detail for d in evaluate(GATE, unknown_pattern)] == [
        "Branch protection 'subject': its pattern is not known during preview; set it literally."
    ]
    assert [d.detail for d in evaluate(REVIEW, unknown_pattern)] == [
        "Branch protection 'subject': its pattern is not known during preview; set it literally."
    ]
