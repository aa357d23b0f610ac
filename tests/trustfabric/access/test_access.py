"""`trustfabric access` against moto: request, a second person's approval, the grant state machine (executed by
moto from the definition the stack declares) adding and removing the assignment, revocation, list and review."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

import boto3
import pytest

from tests.trustfabric.access.conftest import INSTANCE, REGION, Account
from trustfabric.access.target import load_target
from trustfabric.access.workflow import AccessWorkflow, Clients
from trustfabric.cli import main

SUPPORT = "tf-prod-uk-support"
STANDBY_REGION = "eu-west-1"
"""UK's paired region: the requests table's replica and dr's standby grant machine."""


def run(capsys: pytest.CaptureFixture[str], account: Account, *args: str, stack: str = "prod") -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["access", *args, "--stack", stack, "--program", str(account.program)])
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def eventually(check: Callable[[], bool]) -> None:
    """Wait for moto's execution thread to reach a state (bounded; what is asserted is the state, not the time)."""
    for _ in range(200):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the state machine did not get there")


def status(request_id: str) -> str:
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName="trustfabric-prod-access-requests", Key={"request_id": {"S": request_id}}
    )["Item"]
    return str(item["status"]["S"])


def request_id_of(out: str) -> str:
    return out.split()[1].rstrip(":")


def test_a_second_person_approves_and_the_grant_is_added_then_revoked(account, capsys, monkeypatch):
    account.act_as(monkeypatch, "alice")
    code, out, err = run(
        capsys,
        account,
        "request",
        "--function",
        "support",
        "--cell",
        "uk",
        "--hours",
        "2",
        "--reason",
        "INC-142: a customer cannot file",
    )
    assert code == 0, err
    request_id = request_id_of(out)
    assert out == f"requested {request_id}: support in prod/uk for 2 h; awaiting approval\n"

    code, out, err = run(capsys, account, "approve", request_id)
    assert (code, err) == (1, f"refused: request {request_id}: alice requested it; a second person must approve\n")

    account.act_as(monkeypatch, "dave")  # in the support group, not an approver
    code, out, err = run(capsys, account, "approve", request_id)
    assert (code, err) == (1, "refused: dave may not approve support: not a member of the sre-on-call group\n")
    assert account.assignments(SUPPORT) == []

    account.act_as(monkeypatch, "bob")
    code, out, err = run(capsys, account, "approve", request_id)
    assert code == 0, err
    assert out.startswith(f"approved {request_id}: granted to alice until ")
    eventually(lambda: status(request_id) == "GRANTED")
    assert account.assignments(SUPPORT) == [("USER", account.user_ids["alice"])]

    code, out, err = run(capsys, account, "approve", request_id)
    assert (code, err) == (1, f"refused: request {request_id}: approve refused; it is GRANTED\n")

    code, out, _ = run(capsys, account, "review", "--format", "json")
    assert code == 0
    holdings = json.loads(out)["holdings"]
    assert {
        "permission_set": SUPPORT,
        "principal_type": "USER",
        "principal": "alice",
        "via": f"just in time ({request_id})",
    } == {k: v for k, v in holdings[-1].items() if k != "expires_at"}

    account.act_as(monkeypatch, "alice")
    code, out, err = run(capsys, account, "revoke", request_id, "--reason", "fixed")
    assert (code, out) == (0, f"revoked {request_id}\n"), err
    assert account.assignments(SUPPORT) == []
    code, out, _ = run(capsys, account, "list", "--format", "json")
    [listed] = json.loads(out)
    assert listed["status"] == "REVOKED"
    assert [(e["action"], e["by"]) for e in listed["events"]][:3] == [
        ("requested", "alice"),
        ("approved", "bob"),
        ("grant started", "bob"),
    ]
    assert listed["events"][-1]["action"] == "revoked: fixed"
    stopped = boto3.client("stepfunctions", region_name=REGION).describe_execution(executionArn=listed["execution_arn"])
    assert stopped["status"] in ("ABORTED", "SUCCEEDED")


def test_the_state_machine_removes_the_grant_at_expiry(account, monkeypatch):
    target = load_target(account.program, "prod")
    account.act_as(monkeypatch, "bob")
    requested = AccessWorkflow(target, Clients.create(REGION)).request("break-glass", "uk", 1, "INC-7: outage")
    account.act_as(monkeypatch, "carol")  # security approves break-glass
    three_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    AccessWorkflow(target, Clients.create(REGION), now=lambda: three_hours_ago).approve(requested.request_id)
    eventually(lambda: status(requested.request_id) == "EXPIRED")
    assert account.assignments("tf-prod-uk-break-glass") == []
    history = boto3.client("stepfunctions", region_name=REGION).get_execution_history(
        executionArn=AccessWorkflow(target, Clients.create(REGION)).get(requested.request_id).execution_arn or ""
    )["events"]
    calls = [e["taskScheduledEventDetails"]["resource"] for e in history if e["type"] == "TaskScheduled"]
    assert calls == ["createAccountAssignment", "updateItem", "deleteAccountAssignment", "updateItem"]
    actions = [e.action for e in AccessWorkflow(target, Clients.create(REGION)).get(requested.request_id).events]
    assert actions == ["requested", "approved", "grant started", "granted", "expired"]


def test_only_eligible_people_may_request(account, capsys, monkeypatch):
    account.act_as(monkeypatch, "carol")
    code, _out, err = run(
        capsys, account, "request", "--function", "support", "--cell", "uk", "--hours", "1", "--reason", "curious"
    )
    assert (code, err) == (1, "refused: carol may not request support: not a member of the support group\n")


def test_the_review_finds_a_user_assignment_made_by_hand(account, capsys, monkeypatch):
    boto3.client("sso-admin", region_name=REGION).create_account_assignment(
        InstanceArn="arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6",
        TargetId="123456789012",
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=account.permission_sets[SUPPORT],
        PrincipalType="USER",
        PrincipalId=account.user_ids["dave"],
    )
    account.act_as(monkeypatch, "carol")
    code, out, _ = run(capsys, account, "review")
    assert code == 1
    assert "  ! tf-prod-uk-support is assigned to user dave with no open just-in-time grant\n" in out
    assert "1 finding(s)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["request", "--function", "auditor", "--cell", "uk", "--hours", "1", "--reason", "x"],
            "error: --function: 'auditor' is not granted just in time; allowed: support, break-glass",
        ),
        (
            ["request", "--function", "support", "--cell", "fr", "--hours", "1", "--reason", "x"],
            "error: --cell: 'fr' is not a cell of stack prod; allowed: uk",
        ),
        (
            ["request", "--function", "support", "--cell", "uk", "--hours", "9", "--reason", "x"],
            "error: --hours: 9 is out of range; allowed: 1..4 (identity.jit.maxHours)",
        ),
        (
            ["approve", "req-000000000000"],
            "error: request 'req-000000000000': no such request in trustfabric-prod-access-requests",
        ),
        (
            ["list", "--status", "OPEN"],
            "error: --status: 'OPEN' is not allowed; allowed: PENDING, APPROVED, GRANTED, EXPIRED, REVOKED, FAILED",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(account, capsys, monkeypatch, args, message):
    account.act_as(monkeypatch, "alice")
    code, _out, err = run(capsys, account, *args)
    assert (code, err) == (2, message + "\n")


def test_a_stack_without_identity_center_is_bad_input(account, capsys, tmp_path):
    stack_file = account.program / "Pulumi.prod.yaml"
    text = stack_file.read_text(encoding="utf-8")
    stack_file.write_text(text[: text.index("  trust-fabric:identity:")], encoding="utf-8")
    code, _out, err = run(capsys, account, "list")
    assert (code, err) == (
        2,
        "error: Pulumi.prod.yaml: trust-fabric:identity: not set; just-in-time access needs Identity Center "
        "(docs/access.md)\n",
    )


def _dr_program(account: Account, role: str) -> None:
    """dr's stack file beside prod's: its standby region, the same Identity Center, `role` standby or active."""
    prod = (account.program / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    dr = prod.replace("aws:region: eu-west-2", "aws:region: eu-west-1").replace("role: primary", f"role: {role}")
    (account.program / "Pulumi.dr.yaml").write_text(dr, encoding="utf-8")


@pytest.mark.parametrize(("role", "workflow_region"), [("standby", REGION), ("active", STANDBY_REGION)])
def test_dr_uses_the_home_region_until_it_is_active(account, role, workflow_region):
    _dr_program(account, role)
    target = load_target(account.program, "dr")
    assert (target.region, target.workflow_region) == (REGION, workflow_region)
    assert target.state_machine_arn("123456789012").startswith(f"arn:aws:states:{workflow_region}:123456789012:")


def test_after_failover_dr_records_on_the_replica_and_starts_the_standby_machine(account, capsys, monkeypatch):
    """dr active: the request and its events go to the table's replica and the grant starts dr's standby machine
    in the paired region; Identity Center (users, groups, permission sets) is still read in the home region."""
    _dr_program(account, "active")
    table = "trustfabric-prod-access-requests"
    standby_dynamodb = boto3.client("dynamodb", region_name=STANDBY_REGION)
    standby_dynamodb.create_table(  # the global table's replica
        TableName=table,
        KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    boto3.client("stepfunctions", region_name=STANDBY_REGION).create_state_machine(
        name="trustfabric-prod-access-grants",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=f"arn:aws:iam::123456789012:role/trustfabric-prod-access-grants-{STANDBY_REGION}",
    )
    boto3.client("sso-admin", region_name=REGION).create_permission_set(
        Name="tf-dr-uk-support", InstanceArn=INSTANCE, SessionDuration="PT1H"
    )

    account.act_as(monkeypatch, "alice")
    code, out, err = run(
        capsys,
        account,
        "request",
        "--function",
        "support",
        "--cell",
        "uk",
        "--hours",
        "1",
        "--reason",
        "INC-9: filing during failover",
        stack="dr",
    )
    assert code == 0, err
    request_id = request_id_of(out)
    account.act_as(monkeypatch, "bob")
    code, out, err = run(capsys, account, "approve", request_id, stack="dr")
    assert code == 0, err

    item = standby_dynamodb.get_item(TableName=table, Key={"request_id": {"S": request_id}})["Item"]
    assert item["execution_arn"]["S"].startswith(f"arn:aws:states:{STANDBY_REGION}:")
    home = boto3.client("dynamodb", region_name=REGION).get_item(TableName=table, Key={"request_id": {"S": request_id}})
    assert "Item" not in home
