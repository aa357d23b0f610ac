"""github-branch-protection-requires-gate: the protected branch takes changes only through the gate's checks.

A `github.BranchProtection` of a configured branch (default `main`) requires every gate check (the jobs of
`.github/workflows/pr.yml`) to pass on a branch that is up to date with it, holds administrators to the same
rule, and allows neither force pushes nor deletion (either would put commits on the branch that no check has
seen). Protections of other branches are not judged. A value not known during preview cannot be proven and is
reported. That the github/ program declares the protection at all is checked by tests/github.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

GATE_CHECKS = ("lint", "test", "gate (prod)", "gate (dr)", "gate (dev)")
"""The gate's status checks: the job names of `.github/workflows/pr.yml` (tests/workflows checks they match)."""
PROTECTION = "github:index/branchProtection:BranchProtection"

META = PolicyMeta(
    id="TF-GH-001",
    name="github-branch-protection-requires-gate",
    description="The protected branch requires every gate check to pass, for administrators too, and forbids force pushes and deletion.",
    severity="high",
    topics=("change-management", "github"),
    controls={"SOC2": ("CC8.1",), "ISO27001:2022": ("A.8.32",)},
    remediation="Declare a github.BranchProtection for the branch with every gate check in required_status_checks (strict), enforce_admins=True, allows_force_pushes=False and allows_deletions=False.",
    config_schema={
        "requiredChecks": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "default": list(GATE_CHECKS),
            "description": "Status check contexts the branch must require (the gate's jobs).",
        },
        "branches": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "default": ["main"],
            "description": "Branch patterns that must be protected.",
        },
    },
)


def _strings(value: Any, default: Sequence[str]) -> list[str]:
    return [str(item) for item in value] if isinstance(value, (list, tuple)) and value else list(default)


def problems(props: Any, required_checks: Sequence[str]) -> list[str]:
    """What the protection lacks, as clauses of the violation message; empty when it gates the branch."""
    found: list[str] = []
    if is_unknown(props, "requiredStatusChecks"):
        found.append("its required status checks are not known during preview")
    else:
        blocks = get(props, "requiredStatusChecks", default=[])
        block = blocks[0] if len(blocks) else {}
        contexts = [str(context) for context in get(block, "contexts", default=[])]
        missing = [check for check in required_checks if check not in contexts]
        if missing:
            found.append(f"it does not require the checks {', '.join(repr(check) for check in missing)}")
        if get(block, "strict") is not True:
            found.append("it does not require the branch to be up to date (strict)")
    for key, wanted, clause in (
        ("enforceAdmins", True, "administrators can bypass it (enforce_admins)"),
        ("allowsForcePushes", False, "it allows force pushes"),
        ("allowsDeletions", False, "it allows the branch to be deleted"),
    ):
        if is_unknown(props, key):
            found.append(f"{key} is not known during preview")
        elif (get(props, key) is True) != wanted:
            found.append(clause)
    return found


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    config = args.get_config()
    if is_unknown(args.props, "pattern"):
        report_violation(f"Branch protection '{args.name}': its pattern is not known during preview; set it literally.")
        return
    branch = get(args.props, "pattern")
    if branch not in _strings(config.get("branches"), ["main"]):
        return
    found = problems(args.props, _strings(config.get("requiredChecks"), GATE_CHECKS))
    if found:
        report_violation(
            f"Branch protection '{args.name}' of '{branch}' lets changes bypass the gate: "
            f"{'; '.join(found)}. {META.remediation}"
        )


POLICY = resource_policy(META, validate, resource_types=(PROTECTION,))
