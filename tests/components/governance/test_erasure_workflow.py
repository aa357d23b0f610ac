"""The erasure workflow: a state machine per cell in every stack (encrypted, logged without data, traced), its role
limited to the cell's records and tables in its region, its definition calling services directly; exact errors."""

from __future__ import annotations

import json
from dataclasses import replace

from components.governance.erasure_definition import TASK_RESOURCES, erasure_definition
from components.governance.erasure_workflow import ErasureWorkflowArgs, validate_args
from tests.components.helpers import only, refusal, statements
from trustfabric.engine import ACCOUNT_ID

MACHINE = "aws:sfn/stateMachine:StateMachine"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ARGS = ErasureWorkflowArgs(
    deployment="prod",
    cell="uk",
    jurisdiction="UK",
    region="eu-west-2",
    kms_key_arn="arn:aws:kms:eu-west-2:123456789012:key/1",
    logs_kms_key_arn="arn:aws:kms:eu-west-2:123456789012:key/2",
    permissions_boundary_arn="arn:aws:iam::123456789012:policy/boundary",
)


def test_every_stack_declares_one_erasure_machine_per_cell(prod, dr, dev):
    for graph, cells in ((prod, 4), (dr, 4), (dev, 1)):
        machines = [m for m in graph.of_type(MACHINE) if m.props.get("tags", {}).get("workflow") == "erasure"]
        assert len(machines) == cells


def test_the_machine_is_encrypted_logged_without_data_and_traced(prod):
    machine = only(prod, MACHINE, "uk-erasure-machine")
    props = machine.props
    assert props["name"] == "trustfabric-prod-uk-erasure"
    assert props["type"] == "STANDARD"
    assert props["encryptionConfiguration"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"
    assert props["encryptionConfiguration"]["kmsKeyId"].startswith("arn:aws:kms:eu-west-2:")
    assert props["loggingConfiguration"]["level"] == "ALL"
    assert props["loggingConfiguration"]["includeExecutionData"] is False
    assert props["tracingConfiguration"] == {"enabled": True}
    logs = only(prod, LOG_GROUP, "uk-erasure-logs")
    assert logs.props["name"] == "/aws/vendedlogs/states/trustfabric-prod-uk-erasure"
    assert logs.props["kmsKeyId"].startswith("arn:aws:kms:eu-west-2:")


def test_dr_runs_erasures_in_the_standby_region_on_the_same_names(dr):
    machine = only(dr, MACHINE, "uk-erasure-machine")
    definition = json.loads(machine.props["definition"])
    text = json.dumps(definition)
    assert f"trustfabric-prod-uk-records-eu-west-1-{ACCOUNT_ID}" in text
    assert "eu-west-2" not in text


def test_the_role_reaches_only_the_cells_records_and_tables_in_its_region(prod):
    role = only(prod, ROLE, "uk-erasure-role")
    assert role.props["name"] == "trustfabric-prod-uk-erasure-eu-west-2"
    assert json.loads(role.props["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "states.amazonaws.com"
    }
    granted = statements(only(prod, ROLE_POLICY, "uk-erasure-role-policy"), "policy")
    assert granted["EraseAndHoldRecords"]["Resource"] == [
        f"arn:aws:s3:::trustfabric-prod-uk-records-eu-west-2-{ACCOUNT_ID}/subjects/*"
    ]
    assert granted["PseudonymiseAndHoldEvents"]["Resource"] == [
        f"arn:aws:dynamodb:eu-west-2:{ACCOUNT_ID}:table/trustfabric-prod-uk-ledger-events"
    ]
    assert granted["RecordInErasureLedger"]["Resource"] == [
        f"arn:aws:dynamodb:eu-west-2:{ACCOUNT_ID}:table/trustfabric-prod-uk-erasure-ledger"
    ]
    assert granted["DataKey"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "dynamodb.eu-west-2.amazonaws.com",
        "states.eu-west-2.amazonaws.com",
    ]
    for sid, statement in granted.items():
        if statement["Resource"] == "*":
            assert sid == "ExecutionLogsAndTraces"
            assert all(a.startswith(("logs:", "xray:")) for a in statement["Action"])


def _tasks(states: dict) -> list[dict]:
    found = []
    for state in states.values():
        if state["Type"] == "Task":
            found.append(state)
        for nested in ("ItemProcessor", "Iterator"):
            if nested in state:
                found.extend(_tasks(state[nested]["States"]))
        for branch in state.get("Branches", []):
            found.extend(_tasks(branch["States"]))
    return found


def test_the_definition_calls_services_directly_and_only_its_cells_stores():
    definition = erasure_definition(bucket="b-uk", events_table="t-events", ledger_table="t-ledger")
    tasks = _tasks(definition["States"])
    assert {task["Resource"] for task in tasks} == set(TASK_RESOURCES)
    for task in tasks:
        parameters = task["Parameters"]
        named = parameters.get("Bucket") or parameters.get("TableName")
        assert named in ("b-uk", "t-events", "t-ledger"), task
        assert not any(key in parameters for key in ("Bucket.$", "TableName.$")), task


def test_bad_arguments_are_refused_by_name():
    assert refusal(lambda: validate_args(replace(ARGS, region="eu-west-1x"))).startswith("ErasureWorkflow: region:")
    assert refusal(lambda: validate_args(replace(ARGS, jurisdiction="FR"))).startswith("ErasureWorkflow: jurisdiction:")
    assert refusal(lambda: validate_args(replace(ARGS, log_retention_days=30))).startswith(
        "ErasureWorkflow: log_retention_days:"
    )
