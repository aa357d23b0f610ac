"""Typed `tenants` settings: every way to get a tenant wrong fails with one exact line naming file and key."""

from __future__ import annotations

import json

import pytest

from stacks.settings import SettingsError, parse_settings

CUSTODIAN = "arn:aws:iam::210987654321:role/acme-key-custodian"
BASE = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": json.dumps([{"jurisdiction": "UK"}, {"jurisdiction": "EU"}]),
    "trust-fabric:vault": json.dumps({"address": "https://vault.example.internal:8200"}),
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}


def parse(tenants):
    values = {**BASE, "trust-fabric:tenants": json.dumps(tenants)}
    return parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")


def refusal(tenants) -> str:
    with pytest.raises(SettingsError) as error:
        parse(tenants)
    return str(error.value)


def test_no_tenants_by_default():
    settings = parse_settings(BASE, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    assert settings.tenants == ()


def test_each_key_origin_parses_with_its_defaults():
    settings = parse(
        [
            {"id": "acme", "jurisdiction": "EU", "custodianArn": CUSTODIAN},
            {"id": "globex-uk", "jurisdiction": "UK", "keyOrigin": "imported", "custodianArn": CUSTODIAN},
            {
                "id": "initech",
                "jurisdiction": "EU",
                "keyOrigin": "external-key-store",
                "custodianArn": CUSTODIAN,
                "customKeyStoreId": "cks-0123456789abcdef0",
                "xksKeyId": "initech-eu-1",
            },
        ]
    )
    assert [(t.id, t.jurisdiction, t.key_origin, t.custodian_account) for t in settings.tenants] == [
        ("acme", "EU", "aws", "210987654321"),
        ("globex-uk", "UK", "imported", "210987654321"),
        ("initech", "EU", "external-key-store", "210987654321"),
    ]
    assert settings.tenants[2].custom_key_store_id == "cks-0123456789abcdef0"
    assert settings.tenants[2].xks_key_id == "initech-eu-1"


@pytest.mark.parametrize(
    ("tenants", "message"),
    [
        ({"id": "acme"}, "trust-fabric:tenants: expected a list of tenants, got dict"),
        (["acme"], "trust-fabric:tenants[0]: expected an object, got str"),
        (
            [{"id": "acme", "jurisdiction": "EU", "custodianArn": CUSTODIAN, "keyorigin": "aws"}],
            "trust-fabric:tenants[0].keyorigin: unknown key; did you mean 'keyOrigin'? allowed: id, jurisdiction, "
            "keyOrigin, custodianArn, customKeyStoreId, xksKeyId",
        ),
        ([{"jurisdiction": "EU", "custodianArn": CUSTODIAN}], "trust-fabric:tenants[0].id: missing required key"),
        (
            [{"id": "Acme Corp", "jurisdiction": "EU", "custodianArn": CUSTODIAN}],
            "trust-fabric:tenants[0].id: 'Acme Corp' is not a tenant id; allowed: 3-18 lowercase letters, digits or "
            "'-', starting and ending with a letter or digit",
        ),
        (
            [
                {"id": "acme", "jurisdiction": "EU", "custodianArn": CUSTODIAN},
                {"id": "acme", "jurisdiction": "UK", "custodianArn": CUSTODIAN},
            ],
            "trust-fabric:tenants[1].id: 'acme' is listed twice; each tenant is listed once",
        ),
        (
            [{"id": "acme", "jurisdiction": "US", "custodianArn": CUSTODIAN}],
            "trust-fabric:tenants[0].jurisdiction: 'US' is not a cell of this stack; allowed: UK, EU",
        ),
        (
            [{"id": "acme", "jurisdiction": "EU", "keyOrigin": "byok", "custodianArn": CUSTODIAN}],
            "trust-fabric:tenants[0].keyOrigin: 'byok' is not allowed; allowed: aws, imported, external-key-store",
        ),
        (
            [{"id": "acme", "jurisdiction": "EU", "custodianArn": "210987654321"}],
            "trust-fabric:tenants[0].custodianArn: '210987654321' is not an IAM role or user ARN; allowed: "
            "arn:aws:iam::<account>:role/<name>",
        ),
        (
            [{"id": "acme", "jurisdiction": "EU", "keyOrigin": "external-key-store", "custodianArn": CUSTODIAN}],
            "trust-fabric:tenants[0].customKeyStoreId: missing required key (keyOrigin external-key-store)",
        ),
        (
            [
                {
                    "id": "acme",
                    "jurisdiction": "EU",
                    "keyOrigin": "external-key-store",
                    "custodianArn": CUSTODIAN,
                    "customKeyStoreId": "cks-1",
                    "xksKeyId": "k",
                }
            ],
            "trust-fabric:tenants[0].customKeyStoreId: 'cks-1' is not a custom key store id; allowed: cks-<17 hex "
            "digits>",
        ),
        (
            [{"id": "acme", "jurisdiction": "EU", "custodianArn": CUSTODIAN, "xksKeyId": "k"}],
            "trust-fabric:tenants[0].xksKeyId: only with keyOrigin external-key-store, not 'aws'",
        ),
    ],
)
def test_bad_tenants_fail_with_one_exact_line(tenants, message):
    assert refusal(tenants) == f"Pulumi.prod.yaml: {message}"


def test_a_bad_tenant_stops_the_preview_with_exit_2(tmp_path, capsys):
    from tests.stacks.test_settings import GOOD, preview_error

    stack_file = GOOD + "  trust-fabric:tenants:\n    - id: acme\n      jurisdiction: EU\n      custodianArn: x\n"
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:tenants[0].jurisdiction: 'EU' is not a cell of this stack; allowed: UK"
    )


def test_a_tenant_id_too_long_for_its_backup_vault_name_is_refused_before_deploying():
    """AWS Backup vault names stop at 50 characters: `trustfabric-staging-t-<id>-eu-central-1` with an 18-character
    id is 53, refused with the longest id that fits; the same id fits prod's shorter name."""
    tenant = {"id": "a23456789012345678", "jurisdiction": "EU", "custodianArn": CUSTODIAN}
    values = {**BASE, "trust-fabric:tenants": json.dumps([tenant])}
    with pytest.raises(SettingsError) as error:
        parse_settings(values, project="trust-fabric", stack="staging", source="Pulumi.staging.yaml")
    assert str(error.value) == (
        "Pulumi.staging.yaml: trust-fabric:tenants[0].id: 'a23456789012345678' makes the tenant's backup vault name "
        "'trustfabric-staging-t-a23456789012345678-eu-central-1' 53 characters long; AWS Backup allows at most 50: "
        "use an id of at most 15 characters"
    )
    assert [t.id for t in parse([tenant]).tenants] == ["a23456789012345678"]
