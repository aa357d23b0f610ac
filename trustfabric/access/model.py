"""Just-in-time access requests: the record kept in the requests table, and the statuses it moves through.

    PENDING --approve (a second person)--> APPROVED --state machine--> GRANTED --expiry--> EXPIRED
       \\--revoke--> REVOKED        APPROVED/GRANTED --revoke--> REVOKED        (grant error) --> FAILED

Every change appends an event (`action`, `by`, `at`) to the item: the table is the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PENDING = "PENDING"
APPROVED = "APPROVED"
GRANTED = "GRANTED"
EXPIRED = "EXPIRED"
REVOKED = "REVOKED"
FAILED = "FAILED"
STATUSES = (PENDING, APPROVED, GRANTED, EXPIRED, REVOKED, FAILED)
OPEN = (PENDING, APPROVED, GRANTED)
"""Statuses of a request that may still give (or come to give) access."""


@dataclass(frozen=True)
class Event:
    action: str
    by: str
    at: str


@dataclass(frozen=True)
class AccessRequest:
    """One request for a just-in-time permission set, as the requests table holds it."""

    request_id: str
    stack: str
    cell: str
    function: str
    permission_set_arn: str
    account_id: str
    requester: str
    """The requester's identity store user name."""
    requester_id: str
    """The requester's identity store user id: the principal the grant assigns."""
    reason: str
    hours: int
    status: str
    requested_at: str
    approver: str | None = None
    approved_at: str | None = None
    expires_at: str | None = None
    execution_arn: str | None = None
    events: tuple[Event, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "stack": self.stack,
            "cell": self.cell,
            "function": self.function,
            "permission_set_arn": self.permission_set_arn,
            "account_id": self.account_id,
            "requester": self.requester,
            "requester_id": self.requester_id,
            "reason": self.reason,
            "hours": self.hours,
            "status": self.status,
            "requested_at": self.requested_at,
            "approver": self.approver,
            "approved_at": self.approved_at,
            "expires_at": self.expires_at,
            "execution_arn": self.execution_arn,
            "events": [{"action": e.action, "by": e.by, "at": e.at} for e in self.events],
        }


def to_item(request: AccessRequest) -> dict[str, Any]:
    """The DynamoDB item (wire form) of a new request."""
    item: dict[str, Any] = {
        "request_id": {"S": request.request_id},
        "stack": {"S": request.stack},
        "cell": {"S": request.cell},
        "function": {"S": request.function},
        "permission_set_arn": {"S": request.permission_set_arn},
        "account_id": {"S": request.account_id},
        "requester": {"S": request.requester},
        "requester_id": {"S": request.requester_id},
        "reason": {"S": request.reason},
        "hours": {"N": str(request.hours)},
        "status": {"S": request.status},
        "requested_at": {"S": request.requested_at},
        "events": {"L": [event_value(e) for e in request.events]},
    }
    return item


def event_value(event: Event) -> dict[str, Any]:
    return {"M": {"action": {"S": event.action}, "by": {"S": event.by}, "at": {"S": event.at}}}


def from_item(item: dict[str, Any]) -> AccessRequest:
    """The request an item (wire form) holds; the state machine's own stamps (granted_at, ...) are events too."""

    def text(key: str) -> str | None:
        value = item.get(key)
        return value["S"] if value and "S" in value else None

    events = tuple(
        Event(entry["M"]["action"]["S"], entry["M"]["by"]["S"], entry["M"]["at"]["S"])
        for entry in item.get("events", {}).get("L", [])
    )
    return AccessRequest(
        request_id=text("request_id") or "",
        stack=text("stack") or "",
        cell=text("cell") or "",
        function=text("function") or "",
        permission_set_arn=text("permission_set_arn") or "",
        account_id=text("account_id") or "",
        requester=text("requester") or "",
        requester_id=text("requester_id") or "",
        reason=text("reason") or "",
        hours=int(item.get("hours", {}).get("N", "0")),
        status=text("status") or "",
        requested_at=text("requested_at") or "",
        approver=text("approver"),
        approved_at=text("approved_at"),
        expires_at=text("expires_at"),
        execution_arn=text("execution_arn"),
        events=events,
    )
