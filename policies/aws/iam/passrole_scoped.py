"""aws-iam-passrole-scoped: iam:PassRole is granted only on named roles.

A statement allowing `iam:PassRole` (or an action pattern covering it, such as `iam:*` or `iam:Pass*`) must list
specific role ARNs: `*` or a `role/*` wildcard lets the principal hand any role to a service, which is privilege
escalation. Bare `*` actions are judged by aws-iam-policy-no-wildcard-admin. A document not known during preview
is reported.
"""

from __future__ import annotations

import fnmatch
import re

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
    id="TF-AWS-IAM-004",
    name="aws-iam-passrole-scoped",
    description="Statements allowing iam:PassRole name specific role ARNs rather than wildcards.",
    severity="high",
    topics=("identity", "least-privilege"),
    controls={"SOC2": ("CC6.1", "CC6.3"), "ISO27001:2022": ("A.5.15", "A.8.2"), "GDPR": ("Art.32",)},
    remediation="List the ARNs of the roles the principal may pass in the statement's Resource.",
)

_WILDCARD_ROLE = re.compile(r"^(\*|arn:[^:]*:iam::[^:]*:(role/)?\*)$")


def _passes_roles(action: str) -> bool:
    return action not in ("*", "*:*") and fnmatch.fnmatchcase("iam:passrole", action.lower())


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = iam_kind(args.resource_type)
    for where, document in identity_documents(args.resource_type, args.props):
        if document is UNKNOWN_DOCUMENT:
            report_violation(
                f"{kind} '{args.name}': {where} is not known during preview; iam:PassRole scoping cannot be proven."
            )
            continue
        for statement in policy_statements(document) or []:
            actions = [str(action) for action in as_list(statement.get("Action"))]
            if not is_allow(statement) or not any(_passes_roles(action) for action in actions):
                continue
            resources = [str(resource) for resource in as_list(statement.get("Resource"))]
            wide = [resource for resource in resources if _WILDCARD_ROLE.match(resource)]
            if wide or statement.get("NotResource") is not None:
                shown = ", ".join(f"'{r}'" for r in wide) or "NotResource"
                report_violation(
                    f"{kind} '{args.name}': {where} allows iam:PassRole on {shown}; list the specific role "
                    "ARNs the principal may pass."
                )


POLICY = resource_policy(META, validate, resource_types=(*IAM_POLICY_TYPES, IAM_ROLE))
