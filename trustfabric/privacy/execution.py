"""One execution of a cell's erasure state machine: start it with the plan, wait with progress, read its outcomes.

The state machine (`components.governance.erasure_definition`, declared by `components/governance/
erasure_workflow.py` as `domain.naming.erasure_state_machine_name`) makes every change of a request. This module
starts it (StartExecution), prints progress on stderr while it runs (records acted on, from the execution's
history), and returns each planned action's outcome in plan order.

Usage::

    machine = StateMachine(aws.client("stepfunctions", region), "prod", "uk", region, aws.account_id)
    execution = machine.run(execution_input(...), "er-ticket-1001-a1b2c3d4", poll_seconds=5, echo=stderr)
    execution.outcomes   # [{"location": ..., "outcome": "erased"}, {"outcome": "failed", "error": ..., ...}]
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from components.governance.erasure_definition import MAX_INPUT_BYTES
from domain.naming import erasure_state_machine_arn, erasure_state_machine_name
from trustfabric.errors import TrustFabricError

ACTED_STATES = ("Done", "Failed", "Refused")
"""The item processor's last states: one of them exits once per planned action."""


class ErasureExecutionFailed(TrustFabricError):
    """The execution itself failed, timed out or was stopped: which actions ran is in its history, not known
    here. Exit 1 (an action failed); the ledger shows the request `running` with the execution's ARN."""

    exit_code = 1


@dataclass(frozen=True)
class Execution:
    arn: str
    outcomes: list[dict[str, Any]]
    """Per planned action, in plan order: `location`, `outcome` and, when failed, `error` and `cause`."""


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


class StateMachine:
    """The erasure state machine of one cell in one region."""

    def __init__(self, stepfunctions: Any, deployment: str, cell: str, region: str, account_id: str) -> None:
        self.stepfunctions = stepfunctions
        self.name = erasure_state_machine_name(deployment, cell)
        self.region = region
        self.arn = erasure_state_machine_arn(account_id, deployment, cell, region)

    def start(self, document: dict[str, Any], execution_name: str) -> str:
        """Start one execution; TrustFabricError (exit 2) when it cannot start, so nothing has changed."""
        text = json.dumps(document, sort_keys=True)
        if len(text.encode()) > MAX_INPUT_BYTES:
            raise TrustFabricError(
                f"erasure plan of {len(document['actions'])} actions is {len(text.encode())} bytes; Step Functions "
                f"takes at most {MAX_INPUT_BYTES} (runbooks/erasure-request.md: split the request by store)"
            )
        try:
            answer = self.stepfunctions.start_execution(stateMachineArn=self.arn, name=execution_name, input=text)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "StateMachineDoesNotExist":
                raise TrustFabricError(
                    f"erasure state machine {self.name!r} does not exist in {self.region}; deploy the stack (it "
                    "declares the workflow) or pass --deployment"
                ) from None
            raise TrustFabricError(f"starting the erasure execution: {_one_line(error)}") from None
        except BotoCoreError as error:
            raise TrustFabricError(f"starting the erasure execution: {_one_line(error)}") from None
        return str(answer["executionArn"])

    def acted(self, execution_arn: str) -> int:
        """How many planned actions the execution has finished (from its history)."""
        count = 0
        pages = self.stepfunctions.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
        for page in pages:
            for event in page.get("events", []):
                details = event.get("stateExitedEventDetails") or {}
                if event.get("type") == "PassStateExited" and details.get("name") in ACTED_STATES:
                    count += 1
        return count

    def wait(self, execution_arn: str, total: int, poll_seconds: float, echo: Callable[[str], None]) -> dict[str, Any]:
        """Poll until the execution ends, printing each change of progress; the final DescribeExecution."""
        shown = -1
        while True:
            try:
                described = self.stepfunctions.describe_execution(executionArn=execution_arn)
                done = self.acted(execution_arn)
            except (ClientError, BotoCoreError) as error:
                raise ErasureExecutionFailed(
                    f"erasure execution {execution_arn}: cannot follow it ({_one_line(error)}); it may still be "
                    "running: aws stepfunctions describe-execution --execution-arn <it>"
                ) from None
            if done != shown:
                echo(f"erasure: {done} of {total} record action(s) done")
                shown = done
            if described["status"] != "RUNNING":
                return dict(described)
            time.sleep(poll_seconds)

    def run(
        self, document: dict[str, Any], execution_name: str, poll_seconds: float, echo: Callable[[str], None]
    ) -> Execution:
        """Start, wait, and return the outcomes; ErasureExecutionFailed (exit 1) unless the execution succeeded."""
        execution_arn = self.start(document, execution_name)
        echo(f"erasure: execution {execution_arn} started")
        described = self.wait(execution_arn, len(document["actions"]), poll_seconds, echo)
        status = described["status"]
        if status != "SUCCEEDED":
            why = " ".join(f"{described.get('error', '')} {described.get('cause', '')}".split())[:200]
            raise ErasureExecutionFailed(
                f"erasure execution {execution_arn} ended {status}{': ' + why if why else ''}; the ledger shows the "
                "request running (runbooks/erasure-request.md, step 5)"
            )
        outcomes = json.loads(described.get("output") or "[]")
        if not isinstance(outcomes, list) or len(outcomes) != len(document["actions"]):
            raise ErasureExecutionFailed(
                f"erasure execution {execution_arn}: its output has no outcome per planned action; see its history"
            )
        echo(f"erasure: execution {execution_arn} succeeded")
        return Execution(execution_arn, outcomes)
