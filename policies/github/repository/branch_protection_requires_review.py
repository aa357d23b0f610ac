"""github-branch-protection-requires-review: changes to the protected branch need an owner's fresh approval.

A `github.BranchProtection` of a configured branch (default `main`) requires at least the minimum number of
approving reviews (default and floor 1), a code owner's approval (so `.github/CODEOWNERS` decides who must
review: security for `policies/` and `compliance/`), and dismisses approvals when new commits are pushed, so
what merges is what was approved. Protections of other branches are not judged. A value not known during
preview cannot be proven and is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

FLOOR_APPROVALS = 1

META = PolicyMeta(
    id="TF-GH-002",
    name="github-branch-protection-requires-review",
    description="The protected branch requires approving reviews, a code owner's among them, and dismisses stale approvals.",
    severity="high",
    topics=("change-management", "github"),
    controls={"SOC2": ("CC8.1",), "ISO27001:2022": ("A.8.32",)},
    remediation="Set required_pull_request_reviews on the github.BranchProtection with required_approving_review_count of at least the minimum, require_code_owner_reviews=True and dismiss_stale_reviews=True.",
    config_schema={
        "minimumApprovals": {
            "type": "integer",
            "minimum": 1,
            "maximum": 6,
            "default": FLOOR_APPROVALS,
            "description": "Fewest approving reviews a pull request needs.",
        },
        "branches": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "default": ["main"],
            "description": "Branch patterns whose protection must require reviews.",
        },
    },
    floors={"minimumApprovals": FLOOR_APPROVALS},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    config = args.get_config()
    branches = config.get("branches") or ["main"]
    configured = config.get("minimumApprovals", FLOOR_APPROVALS)
    minimum = int(configured) if isinstance(configured, (int, float)) else FLOOR_APPROVALS
    props = args.props
    if is_unknown(props, "pattern"):
        report_violation(f"Branch protection '{args.name}': its pattern is not known during preview; set it literally.")
        return
    if get(props, "pattern") not in branches:
        return
    if is_unknown(props, "requiredPullRequestReviews"):
        report_violation(
            f"Branch protection '{args.name}': its required reviews are not known during preview; set them literally."
        )
        return
    blocks = get(props, "requiredPullRequestReviews", default=[])
    if not len(blocks):
        report_violation(f"Branch protection '{args.name}' requires no pull request reviews. {META.remediation}")
        return
    block = blocks[0]
    found: list[str] = []
    approvals = get(block, "requiredApprovingReviewCount", default=1)
    if approvals < minimum:
        found.append(f"it requires {int(approvals)} approving reviews, fewer than {minimum}")
    if get(block, "requireCodeOwnerReviews") is not True:
        found.append("it does not require a code owner's review")
    if get(block, "dismissStaleReviews") is not True:
        found.append("approvals survive new commits (dismiss_stale_reviews)")
    if found:
        report_violation(
            f"Branch protection '{args.name}' lets changes merge without an owner's fresh approval: "
            f"{'; '.join(found)}. {META.remediation}"
        )


POLICY = resource_policy(META, validate, resource_types=("github:index/branchProtection:BranchProtection",))
