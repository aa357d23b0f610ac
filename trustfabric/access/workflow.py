"""Just-in-time access: request, approve (by a second person), revoke and list, against the live AWS APIs.

The caller is whoever the AWS credentials say (`sts:GetCallerIdentity`): a person signed in through Identity
Center holds a role session named by their user name, and that name is looked up in the identity store. So the
requester cannot approve their own request, and nobody can act in another's name.

- `request`: a member of the function's eligible group (`JIT_ELIGIBLE`) asks for a just-in-time permission set of
  one cell for 1..`identity.jit.maxHours` hours, with a reason; recorded PENDING.
- `approve`: a member of the function's approver group (`JIT_APPROVERS`) other than the requester approves; the
  table's conditional write makes the check atomic. The approval starts the grant state machine, which assigns
  the set, records GRANTED, waits for the expiry, removes it and records EXPIRED.
- `revoke`: the requester or an approver ends a request early: stops the execution, removes the assignment.

Usage::

    workflow = AccessWorkflow(target, Clients.create(target.region, workflow_region=target.workflow_region))
    request = workflow.request("support", "uk", hours=2, reason="INC-142: customer cannot file")
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from components.identity.jit_definition import execution_input
from components.identity.job_functions import JIT_APPROVERS, JIT_ELIGIBLE, JIT_FUNCTIONS

from ..errors import TrustFabricError
from .model import APPROVED, GRANTED, OPEN, PENDING, REVOKED, AccessRequest, Event, event_value, from_item, to_item
from .target import AccessTarget


class AccessRefused(Exception):
    """A rule refused the action (self-approval, not eligible, wrong status): exit 1, one line."""


@dataclass(frozen=True)
class Clients:
    """The AWS clients the workflow calls."""

    sts: Any
    dynamodb: Any
    stepfunctions: Any
    ssoadmin: Any
    identitystore: Any

    @classmethod
    def create(cls, region: str, endpoint_url: str | None = None, workflow_region: str | None = None) -> Clients:
        """Identity Center's clients in `region` (its home); the requests table's and the state machine's in
        `workflow_region` (default: the same)."""
        import boto3

        session = boto3.session.Session(region_name=region)

        def client(name: str, in_region: str | None = None) -> Any:
            return session.client(name, endpoint_url=endpoint_url, region_name=in_region or region)

        return cls(
            sts=client("sts"),
            dynamodb=client("dynamodb", workflow_region),
            stepfunctions=client("stepfunctions", workflow_region),
            ssoadmin=client("sso-admin"),
            identitystore=client("identitystore"),
        )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AccessWorkflow:
    """The just-in-time workflow of one stack."""

    def __init__(self, target: AccessTarget, clients: Clients, now: Callable[[], dt.datetime] = utc_now) -> None:
        self.target = target
        self.clients = clients
        self.now = now

    # --- who is calling ---------------------------------------------------------------------------------------

    def caller(self) -> str:
        """The calling person's user name: the session name of their Identity Center role session."""
        arn = self.clients.sts.get_caller_identity()["Arn"]
        parts = arn.split(":", 5)[-1].split("/")
        if parts[0] != "assumed-role" or len(parts) < 3:
            raise AccessRefused(f"the caller {arn} is not a person signed in through Identity Center")
        return parts[2]

    def account_id(self) -> str:
        return str(self.clients.sts.get_caller_identity()["Account"])

    def user_id(self, user_name: str) -> str:
        store = self.target.identity.identity_store_id
        try:
            answer = self.clients.identitystore.get_user_id(
                IdentityStoreId=store,
                AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": user_name}},
            )
        except self.clients.identitystore.exceptions.ResourceNotFoundException:
            raise AccessRefused(f"user {user_name!r} is not in identity store {store}") from None
        return str(answer["UserId"])

    def is_member(self, user_id: str, function: str) -> bool:
        group = self.target.identity.group_ids[function]
        answer = self.clients.identitystore.is_member_in_groups(
            IdentityStoreId=self.target.identity.identity_store_id, MemberId={"UserId": user_id}, GroupIds=[group]
        )
        return any(result.get("MembershipExists") for result in answer.get("Results", []))

    # --- the requests table -----------------------------------------------------------------------------------

    def get(self, request_id: str) -> AccessRequest:
        item = self.clients.dynamodb.get_item(
            TableName=self.target.table_name, Key={"request_id": {"S": request_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            raise TrustFabricError(f"request {request_id!r}: no such request in {self.target.table_name}")
        return from_item(item)

    def list(self, status: str | None = None) -> list[AccessRequest]:
        requests: list[AccessRequest] = []
        paginator = self.clients.dynamodb.get_paginator("scan")
        for page in paginator.paginate(TableName=self.target.table_name, ConsistentRead=True):
            requests.extend(from_item(item) for item in page.get("Items", []))
        if status is not None:
            requests = [r for r in requests if r.status == status]
        return sorted(requests, key=lambda r: (r.requested_at, r.request_id))

    def _append(
        self, request_id: str, sets: dict[str, str], event: Event, condition: str, values: dict[str, Any]
    ) -> None:
        """Set `sets`, append `event`, when `condition` holds; AccessRefused naming the status otherwise."""
        assignments = ", ".join(f"{'#status' if key == 'status' else key} = :{key}" for key in sets)
        update = f"SET {assignments}, events = list_append(events, :event)"
        expression_values: dict[str, Any] = {f":{key}": {"S": value} for key, value in sets.items()}
        expression_values[":event"] = {"L": [event_value(event)]}
        expression_values.update(values)
        extra: dict[str, Any] = {}
        if "#status" in update or "#status" in condition:
            extra["ExpressionAttributeNames"] = {"#status": "status"}
        client = self.clients.dynamodb
        try:
            client.update_item(
                TableName=self.target.table_name,
                Key={"request_id": {"S": request_id}},
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=expression_values,
                **extra,
            )
        except client.exceptions.ConditionalCheckFailedException:
            current = self.get(request_id)
            raise AccessRefused(f"request {request_id}: {event.action} refused; it is {current.status}") from None

    # --- the workflow -----------------------------------------------------------------------------------------

    def request(self, function: str, cell: str, hours: int, reason: str) -> AccessRequest:
        if function not in JIT_FUNCTIONS:
            raise TrustFabricError(
                f"--function: {function!r} is not granted just in time; allowed: {', '.join(JIT_FUNCTIONS)}"
            )
        if cell not in self.target.cells:
            raise TrustFabricError(
                f"--cell: {cell!r} is not a cell of stack {self.target.stack}; allowed: {', '.join(self.target.cells)}"
            )
        longest = self.target.identity.jit_max_hours
        if not 1 <= hours <= longest:
            raise TrustFabricError(f"--hours: {hours} is out of range; allowed: 1..{longest} (identity.jit.maxHours)")
        if not reason.strip():
            raise TrustFabricError("--reason: must not be empty; say why (an incident or ticket)")
        requester = self.caller()
        requester_id = self.user_id(requester)
        eligible = JIT_ELIGIBLE[function]
        if not self.is_member(requester_id, eligible):
            raise AccessRefused(f"{requester} may not request {function}: not a member of the {eligible} group")
        permission_set_arn = self.permission_set_arn(cell, function)
        at = stamp(self.now())
        request = AccessRequest(
            request_id=f"req-{secrets.token_hex(6)}",
            stack=self.target.stack,
            cell=cell,
            function=function,
            permission_set_arn=permission_set_arn,
            account_id=self.account_id(),
            requester=requester,
            requester_id=requester_id,
            reason=reason.strip(),
            hours=hours,
            status=PENDING,
            requested_at=at,
            events=(Event("requested", requester, at),),
        )
        self.clients.dynamodb.put_item(
            TableName=self.target.table_name,
            Item=to_item(request),
            ConditionExpression="attribute_not_exists(request_id)",
        )
        return request

    def approve(self, request_id: str) -> AccessRequest:
        request = self.get(request_id)
        approver = self.caller()
        if approver == request.requester:
            raise AccessRefused(f"request {request_id}: {approver} requested it; a second person must approve")
        if request.status != PENDING:
            raise AccessRefused(f"request {request_id}: approve refused; it is {request.status}")
        approvers = JIT_APPROVERS[request.function]
        if not self.is_member(self.user_id(approver), approvers):
            raise AccessRefused(f"{approver} may not approve {request.function}: not a member of the {approvers} group")
        approved = self.now()
        expires = stamp(approved + dt.timedelta(hours=request.hours))
        at = stamp(approved)
        self._append(
            request_id,
            {"status": APPROVED, "approver": approver, "approved_at": at, "expires_at": expires},
            Event("approved", approver, at),
            "#status = :pending AND requester <> :approver",
            {":pending": {"S": PENDING}},
        )
        execution = self.clients.stepfunctions.start_execution(
            stateMachineArn=self.target.state_machine_arn(request.account_id),
            name=request_id,
            input=json.dumps(
                execution_input(
                    request_id, request.permission_set_arn, request.requester_id, request.account_id, expires
                )
            ),
        )
        self._append(
            request_id,
            {"execution_arn": execution["executionArn"]},
            Event("grant started", approver, stamp(self.now())),
            "attribute_exists(request_id)",
            {},
        )
        return self.get(request_id)

    def revoke(self, request_id: str, reason: str) -> AccessRequest:
        request = self.get(request_id)
        caller = self.caller()
        if request.status not in OPEN:
            raise AccessRefused(f"request {request_id}: revoke refused; it is {request.status}")
        if caller != request.requester and not self.is_member(self.user_id(caller), JIT_APPROVERS[request.function]):
            raise AccessRefused(
                f"{caller} may not revoke {request_id}: neither its requester nor a member of the "
                f"{JIT_APPROVERS[request.function]} group"
            )
        if request.execution_arn:
            self.clients.stepfunctions.stop_execution(
                executionArn=request.execution_arn, error="Revoked", cause=f"revoked by {caller}"
            )
        if request.status in (APPROVED, GRANTED):
            self.clients.ssoadmin.delete_account_assignment(
                InstanceArn=self.target.identity.instance_arn,
                TargetId=request.account_id,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=request.permission_set_arn,
                PrincipalType="USER",
                PrincipalId=request.requester_id,
            )
        at = stamp(self.now())
        detail = reason.strip() or "no reason given"
        self._append(
            request_id,
            {"status": REVOKED, "revoked_at": at},
            Event(f"revoked: {detail}", caller, at),
            "#status IN (:pending, :approved, :granted)",
            {":pending": {"S": PENDING}, ":approved": {"S": APPROVED}, ":granted": {"S": GRANTED}},
        )
        return replace(self.get(request_id))

    # --- Identity Center --------------------------------------------------------------------------------------

    def permission_sets(self) -> dict[str, str]:
        """Name -> ARN of every permission set of the instance."""
        found: dict[str, str] = {}
        instance = self.target.identity.instance_arn
        paginator = self.clients.ssoadmin.get_paginator("list_permission_sets")
        for page in paginator.paginate(InstanceArn=instance):
            for arn in page.get("PermissionSets", []):
                described = self.clients.ssoadmin.describe_permission_set(InstanceArn=instance, PermissionSetArn=arn)
                found[described["PermissionSet"]["Name"]] = arn
        return found

    def permission_set_arn(self, cell: str, function: str) -> str:
        name = self.target.permission_set_name(cell, function)
        arn = self.permission_sets().get(name)
        if arn is None:
            raise AccessRefused(
                f"permission set {name} is not in {self.target.identity.instance_arn}; deploy the stack first"
            )
        return arn
