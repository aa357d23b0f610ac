"""aws-fis-role-scoped-to-jurisdiction: a role FIS assumes can change only its own jurisdiction's resources.

A FIS experiment role acts with the permissions it holds, whatever the template's targets say. For a role whose
trust policy admits `fis.amazonaws.com`, every allowed action that changes something must be limited to the
role's jurisdiction (its `jurisdiction` tag): by resource ARNs in that jurisdiction's regions, or by a
`aws:ResourceTag/jurisdiction` condition naming it. In a region two jurisdictions share (eu-west-1: UK and EU) a
wildcard ARN needs the tag condition; an ARN naming one resource does not. Reading (Describe, List, Get) and the account-level set-up of experiment log delivery are not
changes to a jurisdiction's resources and may name `*`.

A role whose trust policy is not known during preview cannot be shown to be an experiment role and is not judged;
an experiment role whose permissions are not known, or that attaches managed policies (AWS's FIS policies allow
every region), is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.facts import JURISDICTIONS
from policies.lib.iam import IAM_ROLE, UNKNOWN_DOCUMENT, identity_documents, is_allow, policy_statements
from policies.lib.props import as_list
from policies.lib.tags import JURISDICTION_TAG, UNKNOWN_TAG, jurisdiction_of

FIS_SERVICE = "fis.amazonaws.com"
READ_PREFIXES = ("Describe", "List", "Get")
LOG_DELIVERY_ACTIONS = frozenset(
    {"logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"}
)
"""What FIS needs to deliver experiment logs: account-level, resource `*` only, touching no jurisdiction's data."""
TAG_CONDITION_KEY = f"aws:ResourceTag/{JURISDICTION_TAG}"

META = PolicyMeta(
    id="TF-AWS-FIS-003",
    name="aws-fis-role-scoped-to-jurisdiction",
    description="Roles assumed by AWS FIS allow changes only to resources of their own jurisdiction (its regions "
    "or its jurisdiction tag), never to every resource.",
    severity="critical",
    topics=("resilience", "chaos-engineering", "least-privilege", "residency"),
    controls={
        "SOC2": ("CC6.1", "CC6.3"),
        "ISO27001:2022": ("A.5.15", "A.8.2"),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("CP-4",),
    },
    remediation="Limit each statement of the FIS role to ARNs in the cell's region, or add the condition "
    "StringEquals aws:ResourceTag/jurisdiction = <the role's jurisdiction>.",
)


def trusts_fis(document: Any) -> bool:
    for statement in policy_statements(document) or []:
        if not is_allow(statement):
            continue
        principal = statement.get("Principal")
        services = as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
        if FIS_SERVICE in services:
            return True
    return False


def _changes(actions: list[Any]) -> list[str]:
    """The actions that change something (neither reads nor log-delivery set-up)."""
    changing = []
    for action in actions:
        text = str(action)
        verb = text.split(":", 1)[1] if ":" in text else text
        if text in LOG_DELIVERY_ACTIONS or (verb != "*" and verb.startswith(READ_PREFIXES) and "*" not in verb):
            continue
        changing.append(text)
    return changing


def _tag_scoped(statement: Mapping[str, Any], code: str) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator in ("StringEquals", "ForAllValues:StringEquals", "StringEqualsIgnoreCase"):
        values = condition.get(operator)
        if isinstance(values, Mapping) and as_list(values.get(TAG_CONDITION_KEY)) == [code]:
            return True
    return False


def _region_problem(resource: str, code: str) -> str | None:
    """Why an ARN may reach another jurisdiction (None: it stays in `code`'s regions)."""
    if resource == "*":
        return "every resource ('*')"
    parts = resource.split(":")
    region = parts[3] if len(parts) > 3 else ""
    allowed = JURISDICTIONS[code].allowed_regions
    if region not in allowed:
        return f"{resource} (region {region or 'none'!r} is not one of {code}'s: {', '.join(allowed)})"
    named = "*" not in ":".join(parts[5:])
    shared = [other for other, entry in JURISDICTIONS.items() if other != code and region in entry.allowed_regions]
    if shared and not named:
        return f"{resource} ({region} is shared with {', '.join(shared)}; add the jurisdiction tag condition)"
    return None


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if is_unknown(props, "assumeRolePolicy") or not trusts_fis(get(props, "assumeRolePolicy")):
        return
    code = jurisdiction_of(args)
    if code is UNKNOWN_TAG or code not in JURISDICTIONS:
        report_violation(
            f"FIS role '{args.name}' has no known jurisdiction tag, so its reach cannot be judged; tag it with the "
            "cell's jurisdiction."
        )
        return
    if is_unknown(props, "managedPolicyArns") or as_list(get(props, "managedPolicyArns")):
        report_violation(
            f"FIS role '{args.name}' attaches managed policies, whose reach this check cannot read; grant the "
            "experiment's actions in an inline policy limited to its jurisdiction."
        )
    for where, document in identity_documents(IAM_ROLE, props):
        if document is UNKNOWN_DOCUMENT:
            report_violation(f"FIS role '{args.name}': {where} is not known during preview; its reach is unproven.")
            continue
        for statement in policy_statements(document) or []:
            if not is_allow(statement):
                continue
            changing = _changes(as_list(statement.get("Action")))
            if not changing:
                continue
            sid = statement.get("Sid") or "a statement"
            if "NotResource" in statement or "NotAction" in statement:
                report_violation(
                    f"FIS role '{args.name}': {where} {sid} uses NotResource or NotAction; name the resources."
                )
                continue
            if _tag_scoped(statement, code):
                continue
            for resource in as_list(statement.get("Resource")):
                problem = _region_problem(str(resource), code)
                if problem is not None:
                    report_violation(
                        f"FIS role '{args.name}' ({code}): {where} {sid} allows {', '.join(changing)} on {problem}; "
                        f"limit it to {code}'s resources."
                    )
                    break


POLICY = resource_policy(META, validate, resource_types=(IAM_ROLE,))
