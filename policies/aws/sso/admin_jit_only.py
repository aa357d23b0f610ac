"""aws-ssoadmin-admin-permission-set-jit-only: admin-equivalent permission sets are granted just in time only.

A permission set carrying an administrator-class AWS managed policy (AdministratorAccess, PowerUserAccess,
IAMFullAccess, ...) or an inline policy allowing every action on every resource must have no standing
`aws.ssoadmin.AccountAssignment` in code: people receive it only from the just-in-time workflow, approved by a
second person and removed at expiry (docs/access.md). Each standing assignment of such a set is reported.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, stack_policy
from policies.lib.sso import permission_set_grants

META = PolicyMeta(
    id="TF-AWS-SSO-002",
    name="aws-ssoadmin-admin-permission-set-jit-only",
    description="Admin-equivalent permission sets have no standing account assignment: they are granted just in time.",
    severity="critical",
    topics=("identity", "privileged-access"),
    controls={"SOC2": ("CC6.2", "CC6.3"), "ISO27001:2022": ("A.8.2", "A.5.18"), "NIST-800-53": ("AC-2", "AC-6")},
    remediation=(
        "Remove the aws.ssoadmin.AccountAssignment of the admin-equivalent permission set; grant it with "
        "`trustfabric access request` and a second person's approval."
    ),
)


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    for permission_set, grants in permission_set_grants(args.resources):
        why = grants.admin_equivalent
        if not why:
            continue
        for assignment in grants.assignments:
            report_violation(
                f"Account assignment '{assignment.name}' gives standing access to admin-equivalent permission set "
                f"'{permission_set.name}' ({', '.join(why)}); remove it and grant the set just in time.",
                assignment.urn,
            )


POLICY = stack_policy(META, validate)
