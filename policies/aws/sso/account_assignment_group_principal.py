"""aws-ssoadmin-account-assignment-group-principal: standing account assignments name IdP groups, not users.

People and groups arrive from the external IdP by SCIM; access follows group membership there, so joining and
leaving are handled at the IdP. A standing assignment to one user (`principal_type="USER"`) bypasses that; only
the just-in-time workflow assigns single users, at run time, for a bounded time. A principal type not known
during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-SSO-003",
    name="aws-ssoadmin-account-assignment-group-principal",
    description="Account assignments declared in code name an IdP group (provisioned by SCIM), never a single user.",
    severity="medium",
    topics=("identity",),
    controls={"SOC2": ("CC6.2",), "ISO27001:2022": ("A.5.16", "A.5.18"), "NIST-800-53": ("AC-2",)},
    remediation="Set principal_type='GROUP' and principal_id to the IdP group's id; single users get JIT grants.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "principalType"):
        report_violation(
            f"Account assignment '{args.name}': principal_type is not known during preview; set it to 'GROUP'."
        )
        return
    principal_type = get(args.props, "principalType")
    if principal_type != "GROUP":
        report_violation(
            f"Account assignment '{args.name}' assigns to a {principal_type!s} principal; assign to an IdP group "
            "(principal_type='GROUP') and grant single users just in time."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:ssoadmin/accountAssignment:AccountAssignment",))
