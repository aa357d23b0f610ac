"""Just-in-time access: the requests table (CMK, PITR, replica, backed up), the grant state machine (logged,
traced, least privilege) and its definition validated as data; dr covers the replica; exact argument errors."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from components.identity.jit_access import JitAccessArgs, validate_args
from components.identity.jit_definition import INPUT_KEYS, TASK_RESOURCES, grant_definition
from tests.components.helpers import document, only, refusal, statements

TABLE = "aws:dynamodb/table:Table"
MACHINE = "aws:sfn/stateMachine:StateMachine"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SELECTION = "aws:backup/selection:Selection"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6"


def test_prod_declares_the_requests_table_as_a_global_table(prod):
    table = only(prod, TABLE, "uk-access-requests")
    props = table.props
    assert props["name"] == "trustfabric-prod-access-requests"
    assert props["region"] == "eu-west-2"
    assert props["serverSideEncryption"]["enabled"] is True
    assert props["serverSideEncryption"]["kmsKeyArn"].startswith("arn:aws:kms:eu-west-2:")
    assert props["pointInTimeRecovery"] == {"enabled": True}
    assert props["deletionProtectionEnabled"] is True
    [replica] = props["replicas"]
    assert replica["regionName"] == "eu-west-1" and replica["kmsKeyArn"].startswith("arn:aws:kms:eu-west-1:")
    assert props["tags"] == {"backup-tier": "tier0"}


def test_the_tier0_backup_selects_the_table_in_prod_and_its_replica_in_dr(prod, dr):
    selection = only(prod, SELECTION, "uk-backup-tier0-selection")
    assert (
        "arn:aws:dynamodb:eu-west-2:123456789012:table/trustfabric-prod-access-requests" in selection.props["resources"]
    )
    assert [t.name for t in dr.of_type(TABLE) if "access" in t.name] == []
    standby = only(dr, SELECTION, "uk-backup-tier0-selection")
    assert (
        "arn:aws:dynamodb:eu-west-1:123456789012:table/trustfabric-prod-access-requests" in standby.props["resources"]
    )


def test_dr_declares_the_grant_workflow_on_the_replica_and_its_key_admits_the_role(dr):
    """After failover the replica is the table: dr's own state machine grants and records on it."""
    replica = "arn:aws:dynamodb:eu-west-1:123456789012:table/trustfabric-prod-access-requests"
    machine = only(dr, MACHINE, "uk-access-grants")
    assert machine.props["region"] == "eu-west-1"
    assert machine.props["loggingConfiguration"]["level"] == "ALL"
    assert json.loads(machine.props["definition"]) == grant_definition(
        table_name="trustfabric-prod-access-requests", instance_arn=INSTANCE
    )
    role = only(dr, "aws:iam/role:Role", "uk-access-role")
    assert role.props["name"] == "trustfabric-prod-access-grants-eu-west-1"
    by_sid = statements(only(dr, ROLE_POLICY, "uk-access-role-policy"), "policy")
    assert by_sid["RecordEvents"]["Resource"] == [replica]
    [key] = by_sid["TableKey"]["Resource"]
    assert key.startswith("arn:aws:kms:eu-west-1:")
    sets = {arn.rsplit("/", 1)[-1] for arn in by_sid["GrantAndRemove"]["Resource"] if ":permissionSet/" in arn}
    assert len(sets) == 8
    admitted = [
        statement
        for resource in dr.of_type(REPLICA_KEY)
        if resource.props.get("region", "eu-west-1") == "eu-west-1"
        for statement in document(resource, "policy")["Statement"]
        if statement.get("Sid") == "LateUseJitAccessRequests"
    ]
    assert len(admitted) == 1, "exactly the cell's data key admits the role"
    assert admitted[0]["Condition"]["ArnEquals"] == {
        "aws:PrincipalArn": "arn:aws:iam::123456789012:role/trustfabric-prod-access-grants-eu-west-1"
    }
    assert admitted[0]["Condition"]["StringEquals"]["kms:ViaService"] == ["dynamodb.eu-west-1.amazonaws.com"]


def test_the_state_machine_logs_everything_and_traces(prod):
    machine = only(prod, MACHINE, "uk-access-grants")
    assert machine.props["type"] == "STANDARD"
    assert machine.props["loggingConfiguration"]["level"] == "ALL"
    assert machine.props["loggingConfiguration"]["includeExecutionData"] is True
    assert machine.props["tracingConfiguration"] == {"enabled": True}
    assert json.loads(machine.props["definition"]) == grant_definition(
        table_name="trustfabric-prod-access-requests", instance_arn=INSTANCE
    )


def test_the_role_assigns_only_the_just_in_time_sets(prod):
    by_sid = statements(only(prod, ROLE_POLICY, "uk-access-role-policy"), "policy")
    resources = by_sid["GrantAndRemove"]["Resource"]
    sets = [arn for arn in resources if ":permissionSet/" in arn]
    names = {arn.rsplit("/", 1)[-1] for arn in sets}
    assert len(sets) == 8  # support and break-glass of four cells
    assert all(name.endswith(("-support", "-break-glass")) for name in names), names
    assert by_sid["GrantAndRemove"]["Action"] == ["sso:CreateAccountAssignment", "sso:DeleteAccountAssignment"]
    assert by_sid["RecordEvents"] == {
        "Sid": "RecordEvents",
        "Effect": "Allow",
        "Action": ["dynamodb:UpdateItem"],
        "Resource": ["arn:aws:dynamodb:eu-west-2:123456789012:table/trustfabric-prod-access-requests"],
    }
    trust = document(only(prod, "aws:iam/role:Role", "uk-access-role"), "assumeRolePolicy")
    assert trust["Statement"][0]["Principal"] == {"Service": "states.amazonaws.com"}


# --- the definition, validated as data ------------------------------------------------------------------------


def _targets(state: dict[str, Any]) -> list[str]:
    found = [state["Next"]] if "Next" in state else []
    found += [catch["Next"] for catch in state.get("Catch", [])]
    return found


def test_the_definition_is_a_closed_well_formed_machine():
    definition = grant_definition(table_name="t", instance_arn=INSTANCE)
    states = definition["States"]
    assert definition["StartAt"] in states
    for name, state in states.items():
        assert state["Type"] in ("Task", "Wait", "Fail", "Succeed", "Choice", "Pass"), name
        terminal = state.get("End") is True or state["Type"] in ("Fail", "Succeed")
        assert terminal != ("Next" in state), f"{name}: exactly one of Next and End"
        assert all(target in states for target in _targets(state)), name
        if state["Type"] == "Task":
            assert state["Resource"] in TASK_RESOURCES, name
    reachable, frontier = set(), [definition["StartAt"]]
    while frontier:
        name = frontier.pop()
        if name not in reachable:
            reachable.add(name)
            frontier += _targets(states[name])
    assert reachable == set(states), "every state is reachable"


def test_the_definition_grants_removes_and_records_in_order():
    states = grant_definition(table_name="t", instance_arn=INSTANCE)["States"]
    path, name = [], "Grant"
    while True:
        path.append(name)
        if "Next" not in states[name]:
            break
        name = states[name]["Next"]
    assert path == ["Grant", "RecordGranted", "WaitForExpiry", "Remove", "RecordExpired"]
    assert states["WaitForExpiry"]["TimestampPath"] == "$.expiresAt"
    for task in ("Grant", "Remove"):
        parameters = states[task]["Parameters"]
        assert parameters["InstanceArn"] == INSTANCE
        assert parameters["PrincipalType"] == "USER" and parameters["TargetType"] == "AWS_ACCOUNT"
        used = {value.removeprefix("$.") for key, value in parameters.items() if key.endswith(".$")}
        assert used <= set(INPUT_KEYS)
    assert states["Grant"]["Catch"][0]["Next"] == "RecordFailed"


ARGS = JitAccessArgs(
    deployment="prod",
    jurisdiction="UK",
    region="eu-west-2",
    instance_arn=INSTANCE,
    permission_set_arns=["arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-1"],
    kms_key_arn="arn:aws:kms:eu-west-2:123456789012:key/k",
    logs_kms_key_arn="arn:aws:kms:eu-west-2:123456789012:key/l",
    permissions_boundary_arn="arn:aws:iam::123456789012:policy/b",
)


def test_exact_argument_errors():
    assert refusal(lambda: validate_args(replace(ARGS, permission_set_arns=[]))) == (
        "JitAccess: permission_set_arns: must not be empty"
    )
    assert refusal(lambda: validate_args(replace(ARGS, replica_region="eu-west-1"))) == (
        "JitAccess: replica_kms_key_arn: required with replica_region"
    )
    assert refusal(lambda: validate_args(replace(ARGS, replica_region="eu-west-2", replica_kms_key_arn="k"))) == (
        "JitAccess: replica_region: 'eu-west-2' is the table's own region"
    )
    assert (
        refusal(
            lambda: validate_args(
                replace(ARGS, replica_region="eu-west-1", replica_kms_key_arn="k", declare_table=False)
            )
        )
        == "JitAccess: replica_region: the replica of a replica is not allowed; allowed: None when declare_table is False"
    )
    assert refusal(lambda: validate_args(replace(ARGS, log_retention_days=30))) == (
        "JitAccess: log_retention_days: 30 is out of range; allowed: 365..3653"
    )
