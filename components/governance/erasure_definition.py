"""The erasure workflow as Amazon States Language: act on a planned erasure request, record it in the ledger.

One execution per request (`trustfabric privacy erase`). The CLI locates the subject's records and decides each
one with `domain.retention.erasure_action` (read-only calls; the law's arithmetic stays in tested Python); the
execution makes every change, through direct service integrations only (no function in between):

    RecordStarted (ledger putItem: running, the execution's ARN)
      --> Act (Map over the planned actions, each one of)
            erase-object       aws-sdk:s3:deleteObject per version
            hold-object        aws-sdk:s3:putObjectLegalHold per version, then aws-sdk:s3:putObjectTagging
            pseudonymise-item  dynamodb:updateItem (subject id -> pseudonym, identifying attributes removed)
            hold-item          dynamodb:updateItem (legal hold, retain-until, restricted)
          an action that fails is caught and reported as `failed` with the service's error; the others go on
      --> RecordExecuted (ledger updateItem: executed, each record's outcome) --> output: the outcomes (end)

The bucket and the tables are written into the definition, not taken from the input: an execution can touch
only its cell's records bucket, events table and erasure ledger, whatever it is asked (the role says the same).
Update expressions are fixed here too; the input supplies only keys, version ids, the pseudonym and dates.

Usage::

    definition = erasure_definition(bucket="trustfabric-prod-uk-records-eu-west-2-123456789012",
                                    events_table="trustfabric-prod-uk-ledger-events",
                                    ledger_table="trustfabric-prod-uk-erasure-ledger")
    document = json.dumps(definition)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

DELETE_OBJECT = "arn:aws:states:::aws-sdk:s3:deleteObject"
PUT_LEGAL_HOLD = "arn:aws:states:::aws-sdk:s3:putObjectLegalHold"
PUT_TAGGING = "arn:aws:states:::aws-sdk:s3:putObjectTagging"
UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem"
PUT_ITEM = "arn:aws:states:::dynamodb:putItem"
TASK_RESOURCES = (DELETE_OBJECT, PUT_LEGAL_HOLD, PUT_TAGGING, UPDATE_ITEM, PUT_ITEM)
"""Every service integration the definition calls (the state machine's role allows exactly what these need)."""

ERASE_OBJECT = "erase-object"
HOLD_OBJECT = "hold-object"
PSEUDONYMISE_ITEM = "pseudonymise-item"
HOLD_ITEM = "hold-item"
ACTIONS = (ERASE_OBJECT, HOLD_OBJECT, PSEUDONYMISE_ITEM, HOLD_ITEM)
"""What one planned action asks for; the `action` key of each element of the input's `actions`."""
INPUT_KEYS = ("requestId", "jurisdiction", "subjectDigest", "requestedAt", "actions")
"""Keys of an execution's input."""
ACTION_KEYS: Mapping[str, tuple[str, ...]] = {
    ERASE_OBJECT: ("action", "location", "outcome", "key", "versionIds"),
    HOLD_OBJECT: ("action", "location", "outcome", "key", "versionIds", "tagSet"),
    PSEUDONYMISE_ITEM: ("action", "location", "outcome", "itemKey", "pseudonym"),
    HOLD_ITEM: ("action", "location", "outcome", "itemKey", "retainUntil"),
}
"""Keys of one planned action, by kind (`execution_input` checks them)."""
IDENTIFYING_ATTRIBUTES = ("name", "email", "phone", "address", "date_of_birth", "national_id")
"""Attributes of a ledger events item that identify a person; pseudonymisation removes them."""
STATE_RUNNING = "running"
STATE_EXECUTED = "executed"
FAILED = "failed"
MAX_INPUT_BYTES = 256 * 1024
"""Step Functions' limit on an execution's input (a quota AWS does not raise)."""


def execution_input(
    *, request_id: str, jurisdiction: str, subject_digest: str, requested_at: str, actions: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The input of one request's execution; ValueError naming the first malformed action."""
    for index, action in enumerate(actions):
        kind = str(action.get("action"))
        if kind not in ACTION_KEYS:
            raise ValueError(
                f"actions[{index}].action: {action.get('action')!r} is not an action; allowed: {', '.join(ACTIONS)}"
            )
        if sorted(action) != sorted(ACTION_KEYS[kind]):
            raise ValueError(f"actions[{index}]: keys {sorted(action)}; allowed: {sorted(ACTION_KEYS[kind])}")
    return {
        "requestId": request_id,
        "jurisdiction": jurisdiction,
        "subjectDigest": subject_digest,
        "requestedAt": requested_at,
        "actions": [dict(action) for action in actions],
    }


LEDGER_RETRY = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2.0}]
THROTTLED = [
    {
        "ErrorEquals": [
            "DynamoDB.ProvisionedThroughputExceededException",
            "DynamoDB.ThrottlingException",
            "DynamoDB.RequestLimitExceeded",
            "States.Timeout",
        ],
        "IntervalSeconds": 2,
        "MaxAttempts": 4,
        "BackoffRate": 2.0,
    }
]
CAUGHT = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}]
REQUEST_ID = "$$.Execution.Input.requestId"


def _per_version(name: str, resource: str, parameters: dict[str, Any], next_state: str) -> dict[str, Any]:
    """A Map over the record's object versions, one call each (in order: an object's versions are few)."""
    return {
        "Type": "Map",
        "ItemsPath": "$.versionIds",
        "ItemSelector": {"key.$": "$.key", "versionId.$": "$$.Map.Item.Value"},
        "MaxConcurrency": 1,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": name,
            "States": {
                name: {
                    "Type": "Task",
                    "Resource": resource,
                    "Parameters": {**parameters, "Key.$": "$.key", "VersionId.$": "$.versionId"},
                    "ResultPath": None,
                    "End": True,
                }
            },
        },
        "ResultPath": None,
        "Catch": CAUGHT,
        "Next": next_state,
    }


def _record_action(bucket: str, events_table: str) -> dict[str, Any]:
    """The state machine that acts on one planned action (the Map's item processor)."""
    names = {"#subject": "subject_id", "#by": "pseudonymised_by"}
    names |= {f"#a{index}": attribute for index, attribute in enumerate(IDENTIFYING_ATTRIBUTES)}
    removed = ", ".join(f"#a{index}" for index in range(len(IDENTIFYING_ATTRIBUTES)))
    return {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Kind",
        "States": {
            "Kind": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.action", "StringEquals": ERASE_OBJECT, "Next": "EraseObject"},
                    {"Variable": "$.action", "StringEquals": HOLD_OBJECT, "Next": "HoldObject"},
                    {"Variable": "$.action", "StringEquals": PSEUDONYMISE_ITEM, "Next": "PseudonymiseItem"},
                    {"Variable": "$.action", "StringEquals": HOLD_ITEM, "Next": "HoldItem"},
                ],
                "Default": "Refused",
            },
            "EraseObject": _per_version("DeleteVersion", DELETE_OBJECT, {"Bucket": bucket}, "Done"),
            "HoldObject": _per_version(
                "HoldVersion", PUT_LEGAL_HOLD, {"Bucket": bucket, "LegalHold": {"Status": "ON"}}, "TagHeld"
            ),
            "TagHeld": {
                "Type": "Task",
                "Resource": PUT_TAGGING,
                "Parameters": {"Bucket": bucket, "Key.$": "$.key", "Tagging": {"TagSet.$": "$.tagSet"}},
                "ResultPath": None,
                "Catch": CAUGHT,
                "Next": "Done",
            },
            "PseudonymiseItem": {
                "Type": "Task",
                "Resource": UPDATE_ITEM,
                "Parameters": {
                    "TableName": events_table,
                    "Key.$": "$.itemKey",
                    "UpdateExpression": f"SET #subject = :pseudonym, #by = :request REMOVE {removed}",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": {
                        ":pseudonym": {"S.$": "$.pseudonym"},
                        ":request": {"S.$": REQUEST_ID},
                    },
                },
                "ResultPath": None,
                "Retry": THROTTLED,
                "Catch": CAUGHT,
                "Next": "Done",
            },
            "HoldItem": {
                "Type": "Task",
                "Resource": UPDATE_ITEM,
                "Parameters": {
                    "TableName": events_table,
                    "Key.$": "$.itemKey",
                    "UpdateExpression": "SET legal_hold = :request, retain_until = :until, restricted = :restricted",
                    "ExpressionAttributeValues": {
                        ":request": {"S.$": REQUEST_ID},
                        ":until": {"S.$": "$.retainUntil"},
                        ":restricted": {"BOOL": True},
                    },
                },
                "ResultPath": None,
                "Retry": THROTTLED,
                "Catch": CAUGHT,
                "Next": "Done",
            },
            "Done": {
                "Type": "Pass",
                "Parameters": {"location.$": "$.location", "outcome.$": "$.outcome"},
                "End": True,
            },
            "Failed": {
                "Type": "Pass",
                "Parameters": {
                    "location.$": "$.location",
                    "outcome": FAILED,
                    "error.$": "$.error.Error",
                    "cause.$": "$.error.Cause",
                },
                "End": True,
            },
            "Refused": {
                "Type": "Pass",
                "Parameters": {
                    "location.$": "$.location",
                    "outcome": FAILED,
                    "error": "UnknownAction",
                    "cause": f"not an action; allowed: {', '.join(ACTIONS)}",
                },
                "End": True,
            },
        },
    }


def erasure_definition(*, bucket: str, events_table: str, ledger_table: str) -> dict[str, Any]:
    """The state machine's definition (a JSON-ready dict) for one cell's stores in one region."""
    return {
        "Comment": "trustfabric erasure: act on a planned right-to-be-forgotten request, record it in the ledger",
        "StartAt": "RecordStarted",
        "TimeoutSeconds": 3600,
        "States": {
            "RecordStarted": {
                "Type": "Task",
                "Resource": PUT_ITEM,
                "Parameters": {
                    "TableName": ledger_table,
                    "Item": {
                        "request_id": {"S.$": "$.requestId"},
                        "jurisdiction": {"S.$": "$.jurisdiction"},
                        "subject_digest": {"S.$": "$.subjectDigest"},
                        "requested_at": {"S.$": "$.requestedAt"},
                        "state": {"S": STATE_RUNNING},
                        "execution_arn": {"S.$": "$$.Execution.Id"},
                    },
                },
                "ResultPath": None,
                "Retry": LEDGER_RETRY,
                "Next": "Act",
            },
            "Act": {
                "Type": "Map",
                "ItemsPath": "$.actions",
                "MaxConcurrency": 5,
                "ItemProcessor": _record_action(bucket, events_table),
                "ResultPath": "$.results",
                "Next": "RecordExecuted",
            },
            "RecordExecuted": {
                "Type": "Task",
                "Resource": UPDATE_ITEM,
                "Parameters": {
                    "TableName": ledger_table,
                    "Key": {"request_id": {"S.$": "$.requestId"}},
                    "UpdateExpression": "SET #state = :state, outcomes = :outcomes",
                    "ExpressionAttributeNames": {"#state": "state"},
                    "ExpressionAttributeValues": {
                        ":state": {"S": STATE_EXECUTED},
                        ":outcomes": {"S.$": "States.JsonToString($.results)"},
                    },
                },
                "ResultPath": None,
                "Retry": LEDGER_RETRY,
                "OutputPath": "$.results",
                "End": True,
            },
        },
    }
