"""The periodic access review: who holds which of the stack's permission sets, how, and until when.

Read live from Identity Center (account assignments of every `tf-<stack>-*` permission set), the identity store
(members of each assigned group) and the requests table (the just-in-time grant behind each user assignment).
Findings, each a reason for the reviewer to act (`trustfabric access review` exits 1 when there is one):

- a user assignment with no open just-in-time grant behind it (made by hand, or left after its grant ended);
- a just-in-time function (support, break-glass) assigned to a group (standing access to a JIT-only set).

The JSON report is what the evidence package keeps for the quarterly access review (controls CC6.3, A.5.18).

Usage::

    report = review(workflow)
    print(json.dumps(report.as_json()))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from components.identity.job_functions import JIT_FUNCTIONS

from .model import APPROVED, GRANTED
from .workflow import AccessWorkflow, stamp


@dataclass(frozen=True)
class Holding:
    permission_set: str
    principal_type: str
    principal: str
    """A user name, or a group's display name."""
    via: str
    """`group <name>`, `just in time (<request id>)` or `direct`."""
    expires_at: str | None = None


@dataclass(frozen=True)
class AccessReview:
    stack: str
    account_id: str
    generated_at: str
    holdings: tuple[Holding, ...]
    findings: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "account_id": self.account_id,
            "generated_at": self.generated_at,
            "holdings": [
                {
                    "permission_set": h.permission_set,
                    "principal_type": h.principal_type,
                    "principal": h.principal,
                    "via": h.via,
                    "expires_at": h.expires_at,
                }
                for h in self.holdings
            ],
            "findings": list(self.findings),
        }

    def as_text(self) -> str:
        lines = [f"access review of {self.stack} (account {self.account_id}) at {self.generated_at}"]
        for h in self.holdings:
            until = f" until {h.expires_at}" if h.expires_at else ""
            lines.append(f"  {h.permission_set:32} {h.principal_type.lower():5} {h.principal} ({h.via}{until})")
        lines.append(f"{len(self.findings)} finding(s)")
        lines.extend(f"  ! {finding}" for finding in self.findings)
        return "\n".join(lines) + "\n"


def _user_name(workflow: AccessWorkflow, user_id: str) -> str:
    answer = workflow.clients.identitystore.describe_user(
        IdentityStoreId=workflow.target.identity.identity_store_id, UserId=user_id
    )
    return str(answer.get("UserName") or user_id)


def _group(workflow: AccessWorkflow, group_id: str) -> tuple[str, list[str]]:
    store = workflow.target.identity.identity_store_id
    client = workflow.clients.identitystore
    name = str(client.describe_group(IdentityStoreId=store, GroupId=group_id).get("DisplayName") or group_id)
    members: list[str] = []
    paginator = client.get_paginator("list_group_memberships")
    for page in paginator.paginate(IdentityStoreId=store, GroupId=group_id):
        for membership in page.get("GroupMemberships", []):
            user_id = membership.get("MemberId", {}).get("UserId")
            if user_id:
                members.append(_user_name(workflow, user_id))
    return name, sorted(members)


def review(workflow: AccessWorkflow) -> AccessReview:
    """Who holds what, now."""
    target = workflow.target
    now = stamp(workflow.now())
    account = workflow.account_id()
    grants = [r for r in workflow.list() if r.status in (APPROVED, GRANTED) and (r.expires_at or "") > now]
    prefix = f"tf-{target.stack}-"
    holdings: list[Holding] = []
    findings: list[str] = []
    client = workflow.clients.ssoadmin
    for name, arn in sorted(workflow.permission_sets().items()):
        if not name.startswith(prefix):
            continue
        jit_only = any(name.endswith(f"-{function}") for function in JIT_FUNCTIONS)
        paginator = client.get_paginator("list_account_assignments")
        for page in paginator.paginate(
            InstanceArn=target.identity.instance_arn, AccountId=account, PermissionSetArn=arn
        ):
            for assignment in page.get("AccountAssignments", []):
                kind, principal = assignment["PrincipalType"], assignment["PrincipalId"]
                if kind == "GROUP":
                    group_name, members = _group(workflow, principal)
                    if jit_only:
                        findings.append(f"{name} is just in time only but assigned to group {group_name}")
                    holdings.extend(Holding(name, "USER", m, f"group {group_name}") for m in members)
                    continue
                user = _user_name(workflow, principal)
                grant = next((g for g in grants if g.requester_id == principal and g.permission_set_arn == arn), None)
                if grant is None:
                    findings.append(f"{name} is assigned to user {user} with no open just-in-time grant")
                    holdings.append(Holding(name, "USER", user, "direct"))
                else:
                    holdings.append(Holding(name, "USER", user, f"just in time ({grant.request_id})", grant.expires_at))
    return AccessReview(target.stack, account, now, tuple(holdings), tuple(findings))
