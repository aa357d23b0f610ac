"""The privacy tests' AWS: moto in this process, with its Step Functions interpreter on, so the erasure state
machine built from the same definition the stack declares really runs against moto's S3 and DynamoDB."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from components.governance.erasure_definition import erasure_definition
from domain.naming import erasure_ledger_table_name, erasure_state_machine_name, ledger_table_name, records_bucket_name

REGION = "eu-west-2"
ACCOUNT = "123456789012"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def create_erasure_state_machine(deployment: str = "prod", cell: str = "uk") -> str:
    """The cell's erasure state machine, as `components/governance/erasure_workflow.py` declares it."""
    definition = erasure_definition(
        bucket=records_bucket_name(deployment, cell, REGION, ACCOUNT),
        events_table=ledger_table_name(deployment, cell),
        ledger_table=erasure_ledger_table_name(deployment, cell),
    )
    answer = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
        name=erasure_state_machine_name(deployment, cell),
        definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/{erasure_state_machine_name(deployment, cell)}-{REGION}",
    )
    return str(answer["stateMachineArn"])


@pytest.fixture
def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials (never a real account's) and a fresh moto account executing state machines."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield
