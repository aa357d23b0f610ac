"""IAM Identity Center permission sets as a stack declares them: what each set grants, and who holds it in code.

A permission set's policies are separate resources that name it by `permission_set_arn`: matched to the set by
property dependency (`permission_set_arn=ps.arn`, known or not) or by the set's literal ARN when both are known.

- managed policies: `ManagedPolicyAttachment` (one ARN) and `ManagedPolicyAttachmentsExclusive` (a list);
- customer-managed policies (`CustomerManagedPolicyAttachment[sExclusive]`) and inline policies
  (`PermissionSetInlinePolicy`): their content lives elsewhere or is free-form, so they count as privileged;
- standing holders: `AccountAssignment`s naming the set.

A set is *privileged* when it grants anything beyond the read-only AWS managed policies (`READ_ONLY`), and
*admin-equivalent* when it carries an administrator-class managed policy (`ADMIN_EQUIVALENT`) or an inline
policy allowing every action on every resource.

Usage (inside a stack policy's `validate`)::

    for permission_set, grants in permission_set_grants(args.resources):
        if grants.privileged and not session_at_most(permission_set.props, 3600): ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.lib.iam import is_allow, policy_statements
from policies.lib.props import as_list, get, is_unknown, unknown_itself

PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
MANAGED_ATTACHMENT = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
MANAGED_EXCLUSIVE = "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive"
CUSTOMER_ATTACHMENT = "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment"
CUSTOMER_EXCLUSIVE = "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive"
INLINE_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
ACCOUNT_ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"

MANAGED = "arn:aws:iam::aws:policy/"
READ_ONLY = frozenset({f"{MANAGED}ReadOnlyAccess", f"{MANAGED}job-function/ViewOnlyAccess", f"{MANAGED}SecurityAudit"})
"""AWS managed policies that only read: a set with nothing else is not privileged."""
ADMIN_EQUIVALENT = frozenset(
    {
        f"{MANAGED}AdministratorAccess",
        f"{MANAGED}PowerUserAccess",
        f"{MANAGED}IAMFullAccess",
        f"{MANAGED}AWSOrganizationsFullAccess",
        f"{MANAGED}job-function/SystemAdministrator",
        f"{MANAGED}job-function/NetworkAdministrator",
    }
)
"""AWS managed policies that grant administrator power (directly, or by granting oneself more through IAM)."""
DEFAULT_SESSION = "PT1H"
"""Identity Center's session duration when none is given."""
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
UNKNOWN: Any = object()
"""A value not known during preview."""


@dataclass
class Grants:
    """What a permission set grants, as far as the stack shows."""

    managed: list[Any] = field(default_factory=list)
    """Managed policy ARNs (UNKNOWN for one not known during preview)."""
    other: list[str] = field(default_factory=list)
    """Names of the customer-managed and inline policy resources."""
    admin_inline: list[str] = field(default_factory=list)
    """Names of inline policies that allow every action on every resource (or cannot be read)."""
    assignments: list[Any] = field(default_factory=list)
    """AccountAssignment resources naming the set."""

    @property
    def privileged(self) -> bool:
        return bool(self.other) or any(arn is UNKNOWN or arn not in READ_ONLY for arn in self.managed)

    @property
    def privileged_by(self) -> str:
        """The first grant that makes the set privileged, for messages."""
        if self.other:
            return self.other[0]
        for arn in self.managed:
            if arn is UNKNOWN:
                return "a managed policy not known during preview"
            if arn not in READ_ONLY:
                return str(arn).removeprefix(MANAGED)
        return ""

    @property
    def admin_equivalent(self) -> list[str]:
        """Why the set is admin-equivalent (empty: it is not)."""
        found = [str(arn).removeprefix(MANAGED) for arn in self.managed if arn in ADMIN_EQUIVALENT]
        return found + self.admin_inline


def targets(resource: Any, permission_set: Any) -> bool:
    """True when `resource`'s `permissionSetArn` refers to `permission_set`."""
    if any(d.urn == permission_set.urn for d in resource.property_dependencies.get("permissionSetArn", [])):
        return True
    if is_unknown(resource.props, "permissionSetArn") or is_unknown(permission_set.props, "arn"):
        return False
    arn = get(permission_set.props, "arn")
    return isinstance(arn, str) and arn != "" and get(resource.props, "permissionSetArn") == arn


def _inline_is_admin(props: Any) -> bool:
    if unknown_itself(props, "inlinePolicy") or is_unknown(props, "inlinePolicy"):
        return True
    statements = policy_statements(get(props, "inlinePolicy"))
    if statements is None:
        return True
    for statement in statements:
        actions = {str(a) for a in as_list(statement.get("Action"))}
        resources = {str(r) for r in as_list(statement.get("Resource"))}
        if is_allow(statement) and actions & {"*", "*:*"} and "*" in resources:
            return True
    return False


def permission_set_grants(resources: Sequence[Any]) -> list[tuple[Any, Grants]]:
    """Every permission set of the stack with what the stack grants through it."""
    sets = [r for r in resources if r.resource_type == PERMISSION_SET]
    found: list[tuple[Any, Grants]] = [(s, Grants()) for s in sets]
    for resource in resources:
        kind = resource.resource_type
        if kind not in (
            MANAGED_ATTACHMENT,
            MANAGED_EXCLUSIVE,
            CUSTOMER_ATTACHMENT,
            CUSTOMER_EXCLUSIVE,
            INLINE_POLICY,
            ACCOUNT_ASSIGNMENT,
        ):
            continue
        for permission_set, grants in found:
            if not targets(resource, permission_set):
                continue
            props = resource.props
            if kind == MANAGED_ATTACHMENT:
                grants.managed.append(
                    UNKNOWN if is_unknown(props, "managedPolicyArn") else get(props, "managedPolicyArn")
                )
            elif kind == MANAGED_EXCLUSIVE:
                grants.managed.extend(_managed_list(props))
            elif kind == INLINE_POLICY:
                grants.other.append(resource.name)
                if _inline_is_admin(props):
                    grants.admin_inline.append(f"inline policy '{resource.name}'")
            elif kind == ACCOUNT_ASSIGNMENT:
                grants.assignments.append(resource)
            else:
                grants.other.append(resource.name)
    return found


def _managed_list(props: Any) -> Iterable[Any]:
    if unknown_itself(props, "managedPolicyArns"):
        return [UNKNOWN]
    values = as_list(get(props, "managedPolicyArns", default=[]))
    return [UNKNOWN if unknown_itself(values, index) else values[index] for index in range(len(values))]


def session_seconds(props: Any) -> Any:
    """The set's session duration in seconds; UNKNOWN when not known during preview; None when unreadable."""
    if is_unknown(props, "sessionDuration"):
        return UNKNOWN
    text = get(props, "sessionDuration", default=DEFAULT_SESSION)
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds
