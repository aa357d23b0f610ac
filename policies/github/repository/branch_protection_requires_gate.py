"""github-branch-protection-requires-gate: the protected branch takes changes only through the gate's checks.

A stack that declares GitHub resources must protect each configured branch (default `main`) with a
`github.BranchProtection` that requires every gate check (the jobs of `.github/workflows/pr.yml`) to pass on
a branch that is up to date with it, holds administrators to the same rule, and allows neither force pushes
nor deletion (either would put commits on the branch that no check has seen). A stack with no GitHub resources
is not applicable. A value not known during preview cannot be proven and is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.base import PolicyMeta, get, is_unknown, stack_policy

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


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    github_resources = [r for r in args.resources if r.resource_type.startswith("github:")]
    if not github_resources:
        return
    config = args.get_config()
    required_checks = _strings(config.get("requiredChecks"), GATE_CHECKS)
    protections = [r for r in github_resources if r.resource_type == PROTECTION]
    for branch in _strings(config.get("branches"), ["main"]):
        matching = [r for r in protections if not is_unknown(r.props, "pattern") and get(r.props, "pattern") == branch]
        undecided = [r for r in protections if is_unknown(r.props, "pattern")]
        if not matching and undecided:
            report_violation(
                f"Branch protection '{undecided[0].name}': its pattern is not known during preview, so "
                f"'{branch}' cannot be proven protected; set the pattern literally."
            )
            continue
        if not matching:
            report_violation(
                f"The stack declares GitHub resources but no github.BranchProtection for '{branch}'; "
                f"protect it and require the gate's checks ({', '.join(required_checks)})."
            )
            continue
        for protection in matching:
            found = problems(protection.props, required_checks)
            if found:
                report_violation(
                    f"Branch protection '{protection.name}' of '{branch}' lets changes bypass the gate: "
                    f"{'; '.join(found)}. {META.remediation}"
                )


POLICY = stack_policy(META, validate)
