"""IAM policy documents: their statements, and the identity policies an IAM resource declares.

Usage::

    from policies.lib.iam import UNKNOWN_DOCUMENT, identity_documents, is_allow, policy_statements

    for where, document in identity_documents(args.resource_type, args.props):
        if document is UNKNOWN_DOCUMENT:
            ...  # not known during preview: report what cannot be proven
        for statement in policy_statements(document) or []:
            if is_allow(statement):
                ...
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from policies.lib.props import Unknown, as_list, get, is_unknown, unknown_itself

IAM_POLICY_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
IAM_ROLE = "aws:iam/role:Role"
UNKNOWN_DOCUMENT: Any = Unknown("policy document")


def policy_statements(document: Any) -> list[Mapping[str, Any]] | None:
    """The statements of a policy document (JSON text or a map); None when it cannot be read."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    if not isinstance(document, Mapping):
        return None
    return [statement for statement in as_list(document.get("Statement")) if isinstance(statement, Mapping)]


def is_allow(statement: Mapping[str, Any]) -> bool:
    return str(statement.get("Effect", "")).lower() == "allow"


def identity_documents(resource_type: str, props: Any) -> list[tuple[str, Any]]:
    """(where, document) for every identity policy document the resource declares: the `policy` input of
    IAM policies and inline policies, and a role's `inlinePolicies[].policy`. UNKNOWN_DOCUMENT when not known."""
    documents: list[tuple[str, Any]] = []
    if resource_type in IAM_POLICY_TYPES:
        unknown = unknown_itself(props, "policy") or is_unknown(props, "policy")
        documents.append(("policy", UNKNOWN_DOCUMENT if unknown else get(props, "policy")))
    elif resource_type == IAM_ROLE:
        if unknown_itself(props, "inlinePolicies"):
            return [("inline_policies", UNKNOWN_DOCUMENT)]
        inline = get(props, "inlinePolicies", default=[])
        for index in range(len(inline)):
            if unknown_itself(inline, index):
                documents.append((f"inline_policies[{index}]", UNKNOWN_DOCUMENT))
                continue
            name = get(inline[index], "name") if not is_unknown(inline[index], "name") else None
            where = f"inline policy '{name}'" if isinstance(name, str) else f"inline_policies[{index}]"
            if is_unknown(inline[index], "policy"):
                documents.append((where, UNKNOWN_DOCUMENT))
            elif get(inline[index], "policy") is not None:
                documents.append((where, get(inline[index], "policy")))
    return documents


def iam_kind(resource_type: str) -> str:
    return {
        "aws:iam/policy:Policy": "IAM policy",
        "aws:iam/rolePolicy:RolePolicy": "IAM role policy",
        "aws:iam/userPolicy:UserPolicy": "IAM user policy",
        "aws:iam/groupPolicy:GroupPolicy": "IAM group policy",
        IAM_ROLE: "IAM role",
    }.get(resource_type, resource_type)
