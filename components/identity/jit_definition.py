"""The just-in-time grant as Amazon States Language: add the assignment, wait for the expiry, remove it.

One execution per approved request. Its input (`execution_input`) names the request, the permission set, the
person (an Identity Store user id), the account and the expiry; the state machine records each step in the
request's item of the requests table, so the table is the audit trail of every grant and removal (CloudTrail
records the same `CreateAccountAssignment` and `DeleteAccountAssignment` calls, made by the state machine's role).

    Grant --> RecordGranted --> WaitForExpiry --> Remove --> RecordExpired (end)
      \\--(error)--> RecordFailed --> Failed

An early revocation (`trustfabric access revoke`) stops the execution and removes the assignment itself.

Usage::

    definition = grant_definition(table_name="trustfabric-prod-access-requests",
                                  instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef")
    document = json.dumps(definition)
"""

from __future__ import annotations

from typing import Any

GRANT = "arn:aws:states:::aws-sdk:ssoadmin:createAccountAssignment"
REMOVE = "arn:aws:states:::aws-sdk:ssoadmin:deleteAccountAssignment"
UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem"
TASK_RESOURCES = (GRANT, REMOVE, UPDATE_ITEM)
"""Every service integration the definition calls (the state machine's role allows exactly these)."""
INPUT_KEYS = ("requestId", "permissionSetArn", "principalId", "accountId", "expiresAt")
"""Keys of an execution's input."""
STATUS_GRANTED = "GRANTED"
STATUS_EXPIRED = "EXPIRED"
STATUS_FAILED = "FAILED"


def execution_input(
    request_id: str, permission_set_arn: str, principal_id: str, account_id: str, expires_at: str
) -> dict[str, str]:
    """The input of one grant's execution; `expires_at` is an ISO 8601 UTC timestamp (`2026-01-01T10:00:00Z`)."""
    return {
        "requestId": request_id,
        "permissionSetArn": permission_set_arn,
        "principalId": principal_id,
        "accountId": account_id,
        "expiresAt": expires_at,
    }


def _assignment(instance_arn: str) -> dict[str, Any]:
    return {
        "InstanceArn": instance_arn,
        "PermissionSetArn.$": "$.permissionSetArn",
        "PrincipalId.$": "$.principalId",
        "PrincipalType": "USER",
        "TargetId.$": "$.accountId",
        "TargetType": "AWS_ACCOUNT",
    }


def _record(table_name: str, status: str, stamp: str, next_state: str | None) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": UPDATE_ITEM,
        "Parameters": {
            "TableName": table_name,
            "Key": {"request_id": {"S.$": "$.requestId"}},
            "UpdateExpression": f"SET #status = :status, {stamp} = :at, events = list_append(events, :event)",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":status": {"S": status},
                ":at": {"S.$": "$$.State.EnteredTime"},
                ":event": {
                    "L": [
                        {
                            "M": {
                                "action": {"S": status.lower()},
                                "by": {"S.$": "$$.Execution.Id"},
                                "at": {"S.$": "$$.State.EnteredTime"},
                            }
                        }
                    ]
                },
            },
        },
        "ResultPath": None,
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2.0}],
    }
    if next_state is None:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state


def grant_definition(*, table_name: str, instance_arn: str) -> dict[str, Any]:
    """The state machine's definition (a JSON-ready dict)."""
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 5, "BackoffRate": 2.0}]
    return {
        "Comment": "trustfabric just-in-time access: grant an account assignment, remove it at expiry",
        "StartAt": "Grant",
        "States": {
            "Grant": {
                "Type": "Task",
                "Resource": GRANT,
                "Parameters": _assignment(instance_arn),
                "ResultPath": None,
                "Retry": retry,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailed"}],
                "Next": "RecordGranted",
            },
            "RecordGranted": _record(table_name, STATUS_GRANTED, "granted_at", "WaitForExpiry"),
            "WaitForExpiry": {"Type": "Wait", "TimestampPath": "$.expiresAt", "Next": "Remove"},
            "Remove": {
                "Type": "Task",
                "Resource": REMOVE,
                "Parameters": _assignment(instance_arn),
                "ResultPath": None,
                "Retry": retry,
                "Next": "RecordExpired",
            },
            "RecordExpired": _record(table_name, STATUS_EXPIRED, "removed_at", None),
            "RecordFailed": _record(table_name, STATUS_FAILED, "failed_at", "Failed"),
            "Failed": {"Type": "Fail", "Error": "GrantFailed", "Cause": "the account assignment could not be made"},
        },
    }
