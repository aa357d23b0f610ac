"""aws-iam-user-no-access-keys: no long-lived IAM access keys are declared.

Access keys are static credentials that leak and never expire by themselves; workloads use roles and people use
SSO. Any `aws.iam.AccessKey` is a violation.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-IAM-003",
    name="aws-iam-user-no-access-keys",
    description="No IAM user access key is declared in the stack.",
    severity="high",
    topics=("identity", "credentials"),
    controls={
        "SOC2": ("CC6.1", "CC6.2"),
        "ISO27001:2022": ("A.5.17", "A.8.5"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("1.11", "1.14"),
    },
    remediation="Remove the access key; give workloads an IAM role and people IAM Identity Center access.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    user = get(args.props, "user") if not is_unknown(args.props, "user") else None
    of_user = f" for user '{user}'" if isinstance(user, str) else ""
    report_violation(
        f"IAM access key '{args.name}'{of_user} is a long-lived credential; remove it and use an IAM role "
        "(workloads) or IAM Identity Center (people)."
    )


POLICY = resource_policy(META, validate, resource_types=("aws:iam/accessKey:AccessKey",))
