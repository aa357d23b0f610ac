"""aws-iam-user-not-used: IAM users are flagged for review (advisory).

People sign in through IAM Identity Center and workloads assume roles, so an IAM user is usually a mistake; some
integrations (an SMTP credential for SES, a legacy partner) still need one, so this is advisory.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy

META = PolicyMeta(
    id="TF-AWS-IAM-005",
    name="aws-iam-user-not-used",
    description="Identities are IAM roles or IAM Identity Center users rather than IAM users.",
    severity="medium",
    topics=("identity", "credentials"),
    controls={"SOC2": ("CC6.2",), "ISO27001:2022": ("A.5.16", "A.5.18"), "CIS-AWS-3.0": ("1.21",)},
    remediation="Replace the IAM user with an IAM role or an IAM Identity Center user, or record why it is needed.",
    enforcement="advisory",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    report_violation(
        f"IAM user '{args.name}': prefer an IAM role (workloads) or IAM Identity Center (people); keep an IAM "
        "user only with a recorded reason."
    )


POLICY = resource_policy(META, validate, resource_types=("aws:iam/user:User",))
