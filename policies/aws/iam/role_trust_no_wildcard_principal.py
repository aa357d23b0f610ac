"""aws-iam-role-trust-no-wildcard-principal: no role trusts every principal without a condition.

A trust policy (`assume_role_policy`) statement that allows Principal `*` or `{"AWS": "*"}` lets any AWS account
assume the role unless a Condition narrows it (for example aws:PrincipalOrgID or sts:ExternalId). A trust policy
not known during preview is reported.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.iam import IAM_ROLE, is_allow, policy_statements
from policies.lib.props import as_list, unknown_itself

META = PolicyMeta(
    id="TF-AWS-IAM-002",
    name="aws-iam-role-trust-no-wildcard-principal",
    description="No IAM role trust policy allows a wildcard principal without a condition.",
    severity="critical",
    topics=("identity", "least-privilege"),
    controls={"SOC2": ("CC6.1", "CC6.2"), "ISO27001:2022": ("A.5.15", "A.5.18"), "GDPR": ("Art.32",)},
    remediation="Name the trusted accounts, roles or services in Principal, or add a Condition that narrows '*'.",
)


def _wildcard(principal: object) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in [str(value) for value in as_list(principal.get("AWS"))]
    return False


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if unknown_itself(args.props, "assumeRolePolicy") or is_unknown(args.props, "assumeRolePolicy"):
        report_violation(
            f"IAM role '{args.name}': assume_role_policy is not known during preview; it cannot be shown not to "
            "trust every principal."
        )
        return
    statements = policy_statements(get(args.props, "assumeRolePolicy"))
    if statements is None:
        report_violation(f"IAM role '{args.name}': assume_role_policy is not a valid policy document; fix its JSON.")
        return
    for statement in statements:
        if is_allow(statement) and _wildcard(statement.get("Principal")) and not statement.get("Condition"):
            report_violation(
                f"IAM role '{args.name}' trusts any principal ('*') without a Condition; name the trusted "
                "principals or add a Condition such as aws:PrincipalOrgID or sts:ExternalId."
            )


POLICY = resource_policy(META, validate, resource_types=(IAM_ROLE,))
