"""Typed `audit` settings: the audit account, required on prod, and one exact line for every bad value."""

from __future__ import annotations

import json

import pytest

from stacks.settings import SettingsError, parse_settings
from stacks.settings_audit import AuditSettings
from tests.stacks.test_settings import GOOD, preview_error

AUDIT = {"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}
BASE = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": '[{"jurisdiction": "UK"}]',
    "trust-fabric:vault": '{"address": "https://vault.example.internal:8200"}',
}


def parse(values: dict[str, str], stack: str = "prod"):
    return parse_settings(values, project="trust-fabric", stack=stack, source=f"Pulumi.{stack}.yaml")


def test_the_audit_account_is_read_with_a_default_session_name():
    settings = parse({**BASE, "trust-fabric:audit": json.dumps(AUDIT)})
    assert settings.audit == AuditSettings(
        account_id="444455556666",
        role_name="evidence-store-deployer",
        external_id="tf-evidence",
        session_name="trustfabric-prod-evidence",
    )
    assert settings.audit.role_arn == "arn:aws:iam::444455556666:role/evidence-store-deployer"


def test_an_unquoted_account_id_is_read_as_its_digits():
    settings = parse({**BASE, "trust-fabric:audit": json.dumps({**AUDIT, "accountId": 444455556666})})
    assert settings.audit is not None and settings.audit.account_id == "444455556666"


def test_other_stacks_may_leave_it_out():
    assert parse(BASE, stack="dev").audit is None


def test_prod_without_it_fails_in_one_line():
    with pytest.raises(SettingsError) as error:
        parse(BASE)
    assert str(error.value) == (
        "Pulumi.prod.yaml: trust-fabric:audit: missing required key for stack prod (the evidence store lives in the "
        "audit account); allowed: an object with accountId, roleName and externalId"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {**AUDIT, "accountId": "1234"},
            "trust-fabric:audit.accountId: '1234' is not an AWS account id; allowed: 12 digits, quoted",
        ),
        (
            {**AUDIT, "accountId": 44455556666},
            "trust-fabric:audit.accountId: '44455556666' is not an AWS account id; allowed: 12 digits, quoted",
        ),
        (
            {**AUDIT, "roleName": "evidence store"},
            "trust-fabric:audit.roleName: 'evidence store' is not an IAM role name; allowed: 1-64 letters, digits "
            "or '+=,.@_-'",
        ),
        (
            {**AUDIT, "externalId": "x"},
            "trust-fabric:audit.externalId: 'x' is not an external id; allowed: 2-1224 letters, digits or '+=,.@:/_-'",
        ),
        (
            {"accountId": "444455556666", "roleName": "evidence-store-deployer"},
            "trust-fabric:audit.externalId: missing required key; allowed: 2-1224 letters, digits or '+=,.@:/_-'",
        ),
        (
            {**AUDIT, "acountId": "444455556666"},
            "trust-fabric:audit.acountId: unknown key; did you mean 'accountId'? allowed: accountId, roleName, "
            "externalId, sessionName",
        ),
        ([], "trust-fabric:audit: expected an object, got a list"),
    ],
    ids=["short-account", "unquoted-leading-zero", "role-space", "external-short", "no-external", "typo", "list"],
)
def test_bad_values_are_one_line_naming_the_file_and_key(value, message):
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:audit": json.dumps(value)})
    assert str(error.value) == f"Pulumi.prod.yaml: {message}"


def test_a_bad_value_fails_the_preview_in_one_line(tmp_path, capsys):
    stack_file = GOOD.replace('accountId: "444455556666"', 'accountId: "4444"')
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:audit.accountId: '4444' is not an AWS account id; allowed: 12 digits, "
        "quoted"
    )


def test_prod_without_it_fails_the_preview_in_one_line(tmp_path, capsys):
    start = GOOD.index("  trust-fabric:audit:")
    stack_file = GOOD[:start] + "".join(GOOD[start:].splitlines(keepends=True)[4:])
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:audit: missing required key for stack prod (the evidence store lives "
        "in the audit account); allowed: an object with accountId, roleName and externalId"
    )
