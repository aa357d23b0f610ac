"""aws-iam-policy-no-wildcard-admin: no identity policy allows every action on every resource.

Judged: `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and a role's inline policies (key and bucket
policies are resource policies, out of scope). A document not known during preview, or not valid JSON, cannot be
shown to be safe and is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.iam import (
    IAM_POLICY_TYPES,
    IAM_ROLE,
    UNKNOWN_DOCUMENT,
    iam_kind,
    identity_documents,
    is_allow,
    policy_statements,
)
from policies.lib.props import as_list

META = PolicyMeta(
    id="TF-AWS-IAM-001",
    name="aws-iam-policy-no-wildcard-admin",
    description="No IAM identity policy allows Action '*' on Resource '*'.",
    severity="critical",
    topics=("identity", "least-privilege"),
    controls={
        "SOC2": ("CC6.1", "CC6.3"),
        "ISO27001:2022": ("A.5.15", "A.8.2"),
        "GDPR": ("Art.25", "Art.32"),
        "CIS-AWS-3.0": ("1.16",),
    },
    remediation="Grant the specific actions on the specific resources the principal needs.",
)

ADMIN_ACTIONS = frozenset({"*", "*:*"})


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = iam_kind(args.resource_type)
    for where, document in identity_documents(args.resource_type, args.props):
        if document is UNKNOWN_DOCUMENT:
            report_violation(
                f"{kind} '{args.name}': {where} is not known during preview; it cannot be shown not to grant "
                "'*' on '*'."
            )
            continue
        statements = policy_statements(document)
        if statements is None:
            report_violation(f"{kind} '{args.name}': {where} is not a valid policy document; fix its JSON.")
            continue
        for statement in statements:
            actions = {str(action) for action in as_list(statement.get("Action"))}
            resources = {str(resource) for resource in as_list(statement.get("Resource"))}
            if is_allow(statement) and actions & ADMIN_ACTIONS and "*" in resources:
                sid = f" (Sid '{statement['Sid']}')" if statement.get("Sid") else ""
                report_violation(
                    f"{kind} '{args.name}': {where} allows Action '*' on Resource '*'{sid}; grant only the "
                    "actions and resources the principal needs."
                )


POLICY = resource_policy(META, validate, resource_types=(*IAM_POLICY_TYPES, IAM_ROLE))
