"""aws-identitystore-scim-provisioned: Identity Center users, groups and memberships come from the IdP by SCIM.

With the external IdP provisioning by SCIM, an identity made by hand in the identity store would live outside
the IdP's joiner-mover-leaver process (and SCIM would not remove it). So no `aws.identitystore.User`, `Group`
or `GroupMembership` is declared in code.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy

TYPES = {
    "aws:identitystore/user:User": "user",
    "aws:identitystore/group:Group": "group",
    "aws:identitystore/groupMembership:GroupMembership": "group membership",
}

META = PolicyMeta(
    id="TF-AWS-SSO-004",
    name="aws-identitystore-scim-provisioned",
    description="No identity store user, group or membership is declared in code: the IdP provisions them by SCIM.",
    severity="high",
    topics=("identity",),
    controls={"SOC2": ("CC6.2",), "ISO27001:2022": ("A.5.16",), "NIST-800-53": ("AC-2",)},
    remediation="Remove the resource; create the user, group or membership at the IdP and let SCIM provision it.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    report_violation(
        f"Identity store {TYPES[args.resource_type]} '{args.name}' is made by hand; create it at the IdP and let "
        "SCIM provision it."
    )


POLICY = resource_policy(META, validate, resource_types=tuple(TYPES))
