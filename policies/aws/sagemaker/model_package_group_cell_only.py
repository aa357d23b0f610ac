"""aws-sagemaker-model-package-group-cell-only: every model package group has a resource policy that lets in
only its own cell's roles.

Each `aws.sagemaker.ModelPackageGroup` needs an `aws.sagemaker.ModelPackageGroupPolicy` naming it (by property
dependency or literal name). Its policy must:

- allow only IAM roles of the group's own cell, by ARN: `arn:aws:iam::<account>:role/trustfabric-<stack>-<cell>-...`
  (the cell and stack from the group's `cell` and `stack` tags, the provider's defaults); a wildcard principal, an
  account root or another cell's role in an Allow statement is a violation (no cross-jurisdiction access);
- deny every principal outside the cell's roles: a Deny statement for `Principal: "*"` with condition
  `ArnNotLike aws:PrincipalArn` on the cell's role pattern.

A policy document not known during preview is a violation saying so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.iam import is_allow
from policies.lib.modelops import GROUP, GROUP_POLICY, tag_text
from policies.lib.props import as_list

META = PolicyMeta(
    id="TF-AWS-SM-006",
    name="aws-sagemaker-model-package-group-cell-only",
    description="Model package groups have a resource policy that admits only the roles of their own cell.",
    severity="critical",
    topics=("least-privilege", "residency", "modelops"),
    controls={"SOC2": ("CC6.1", "CC6.3", "CC8.1"), "ISO27001:2022": ("A.5.15", "A.8.2"), "GDPR": ("Art.44",)},
    remediation=(
        "Attach an aws.sagemaker.ModelPackageGroupPolicy allowing only the cell's roles by ARN and denying any "
        "principal whose aws:PrincipalArn is not one of them (components/modelops/registry.py)."
    ),
)

PROJECT = "trustfabric"


def _group_name(resource: Any, key: str) -> str | None:
    if is_unknown(resource.props, key):
        return None
    value = get(resource.props, key)
    return value if isinstance(value, str) else None


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, Mapping):
        return [str(value) for key in principal for value in as_list(principal[key])]
    return ["(none)"]


def _problems(document: Any, prefix: str) -> list[str]:
    """What is wrong with a group's policy document for the cell whose role names start with `prefix`."""
    try:
        parsed = json.loads(document) if isinstance(document, str) else document
        statements = as_list(parsed.get("Statement"))
    except (ValueError, AttributeError):
        return ["its policy is not a JSON policy document"]
    role = re.compile(rf"^arn:aws[a-z-]*:iam::\d{{12}}:role/{re.escape(prefix)}-[A-Za-z0-9+=,.@_-]+$")
    problems: list[str] = []
    denies_outsiders = False
    for statement in statements:
        if not isinstance(statement, Mapping):
            continue
        if is_allow(statement):
            outsiders = sorted(p for p in _principals(statement) if not role.match(p))
            if outsiders:
                problems.append(f"it allows {', '.join(outsiders)}, outside the cell's roles ({prefix}-*)")
        elif statement.get("Principal") in ("*", {"AWS": "*"}):
            condition = statement.get("Condition") or {}
            patterns = as_list((condition.get("ArnNotLike") or {}).get("aws:PrincipalArn"))
            if any(str(p).endswith(f":role/{prefix}-*") for p in patterns):
                denies_outsiders = True
    if not denies_outsiders:
        problems.append(f"it does not deny principals outside the cell's roles ({prefix}-*)")
    return problems


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    policies = [r for r in resources if r.resource_type == GROUP_POLICY]
    for group in resources:
        if group.resource_type != GROUP:
            continue
        stack, cell = tag_text(group, "stack"), tag_text(group, "cell")
        name = _group_name(group, "modelPackageGroupName")
        attached = [
            policy
            for policy in policies
            if any(d.urn == group.urn for d in policy.property_dependencies.get("modelPackageGroupName", []))
            or (name is not None and _group_name(policy, "modelPackageGroupName") == name)
        ]
        if not attached:
            report_violation(
                f"Model package group '{group.name}' has no resource policy; attach one admitting only the cell's "
                "roles.",
                group.urn,
            )
            continue
        if stack is None or cell is None:
            report_violation(
                f"Model package group '{group.name}' has no known stack and cell tags, so its cell's roles cannot "
                "be told; create it with the cell's provider.",
                group.urn,
            )
            continue
        prefix = f"{PROJECT}-{stack}-{cell}"
        for policy in attached:
            if is_unknown(policy.props, "resourcePolicy"):
                report_violation(
                    f"Model package group '{group.name}': its resource policy is not known during preview; "
                    "build it from known role ARNs.",
                    group.urn,
                )
                continue
            for problem in _problems(get(policy.props, "resourcePolicy"), prefix):
                report_violation(
                    f"Model package group '{group.name}' is reachable beyond its cell: {problem}.", group.urn
                )


POLICY = stack_policy(META, validate)
