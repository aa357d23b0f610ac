"""Fixtures of the access tests: a moto account with Identity Center, the identity store, the requests table and
the grant state machine built from the same definition the stack declares, executed by moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from components.identity.jit_access import requests_table_name, state_machine_name
from components.identity.jit_definition import grant_definition

REPO_ROOT = Path(__file__).resolve().parents[3]
REGION = "eu-west-2"
INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6"
STORE = "d-9067a1b2c3"
ACCOUNT = "123456789012"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
PEOPLE = {"alice": ("support",), "bob": ("sre-on-call",), "carol": ("security",), "dave": ("support",)}
"""Users of the identity store and the job-function groups they belong to."""


@dataclass(frozen=True)
class Account:
    """The moto account as the tests see it."""

    group_ids: dict[str, str]
    user_ids: dict[str, str]
    permission_sets: dict[str, str]
    """Permission set name -> ARN."""
    program: Path
    """A program dir whose Pulumi.prod.yaml names this identity store and these groups."""

    def act_as(self, monkeypatch: pytest.MonkeyPatch, user: str) -> None:
        """Use the credentials of `user`'s Identity Center role session (their user name is the session name)."""
        sts = boto3.client("sts", region_name=REGION)
        role = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/{REGION}/AWSReservedSSO_people_0123"
        credentials = sts.assume_role(RoleArn=role, RoleSessionName=user)["Credentials"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
        monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])

    def assignments(self, permission_set: str) -> list[tuple[str, str]]:
        client = boto3.client("sso-admin", region_name=REGION)
        found = client.list_account_assignments(
            InstanceArn=INSTANCE, AccountId=ACCOUNT, PermissionSetArn=self.permission_sets[permission_set]
        )["AccountAssignments"]
        return sorted((a["PrincipalType"], a["PrincipalId"]) for a in found)


def _stack_file(group_ids: dict[str, str]) -> str:
    groups = "".join(f"      {function}: {group_id}\n" for function, group_id in group_ids.items())
    return (
        "config:\n"
        "  aws:region: eu-west-2\n"
        "  trust-fabric:role: primary\n"
        "  trust-fabric:cells:\n"
        "    - jurisdiction: UK\n"
        "  trust-fabric:vault:\n"
        "    address: https://vault.example.internal:8200\n"
        "  trust-fabric:oncall:\n"
        "    pagerdutySubdomain: trustfabric\n"
        "  trust-fabric:audit:\n"
        "    {accountId: '444455556666', roleName: evidence-store-deployer, externalId: tf-evidence}\n"
        "  trust-fabric:identity:\n"
        f"    instanceArn: {INSTANCE}\n"
        f"    region: {REGION}\n"
        f"    identityStoreId: {STORE}\n"
        "    idp:\n"
        "      protocol: saml\n"
        "      metadataUrl: https://idp.example.com/saml/metadata\n"
        "    groups:\n"
        f"{groups}"
        "    jit:\n"
        "      maxHours: 4\n"
    )


MOTO_VERSION = "5.2.5"
"""The moto whose Step Functions interpreter `_sdk_integration_names` teaches; another version fails loudly."""


def _sdk_integration_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Step Functions names the SDK integration of IAM Identity Center `ssoadmin` (`arn:aws:states:::aws-sdk:
    ssoadmin:...`); boto3 calls that client `sso-admin`. moto's interpreter maps only `sfn`, so teach it the one
    name the grant definition uses (an override table of moto's, pinned to the version it was read from)."""
    import moto
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
        StateTaskService,
    )

    assert moto.__version__ == MOTO_VERSION, f"moto {moto.__version__}: check the SDK integration override again"
    overrides = StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES
    monkeypatch.setitem(overrides, "ssoadmin", "sso-admin")  # type: ignore[index]


@pytest.fixture
def account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    _sdk_integration_names(monkeypatch)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        identity = boto3.client("identitystore", region_name=REGION)
        group_ids = {
            function: identity.create_group(IdentityStoreId=STORE, DisplayName=f"trustfabric-{function}")["GroupId"]
            for function in ("auditor", "platform-engineer", "sre-on-call", "security", "support")
        }
        user_ids = {}
        for user, groups in PEOPLE.items():
            user_ids[user] = identity.create_user(
                IdentityStoreId=STORE,
                UserName=user,
                DisplayName=user.title(),
                Name={"GivenName": user.title(), "FamilyName": "Example"},
            )["UserId"]
            for function in groups:
                identity.create_group_membership(
                    IdentityStoreId=STORE, GroupId=group_ids[function], MemberId={"UserId": user_ids[user]}
                )
        admin = boto3.client("sso-admin", region_name=REGION)
        permission_sets = {}
        for function in ("auditor", "support", "break-glass"):
            name = f"tf-prod-uk-{function}"
            permission_sets[name] = admin.create_permission_set(
                Name=name, InstanceArn=INSTANCE, SessionDuration="PT1H"
            )["PermissionSet"]["PermissionSetArn"]
        admin.create_account_assignment(
            InstanceArn=INSTANCE,
            TargetId=ACCOUNT,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=permission_sets["tf-prod-uk-auditor"],
            PrincipalType="GROUP",
            PrincipalId=group_ids["auditor"],
        )
        table = requests_table_name("prod")
        boto3.client("dynamodb", region_name=REGION).create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        boto3.client("stepfunctions", region_name=REGION).create_state_machine(
            name=state_machine_name("prod"),
            definition=json.dumps(grant_definition(table_name=table, instance_arn=INSTANCE)),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/trustfabric-prod-access-grants-eu-west-2",
        )
        program = tmp_path / "program"
        program.mkdir()
        (program / "Pulumi.yaml").write_text(
            f"name: trust-fabric\nruntime: python\nmain: {REPO_ROOT / 'stacks'}\n", encoding="utf-8"
        )
        (program / "Pulumi.prod.yaml").write_text(_stack_file(group_ids), encoding="utf-8")
        yield Account(group_ids, user_ids, permission_sets, program)
