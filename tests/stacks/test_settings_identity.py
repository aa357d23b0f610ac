"""Typed `identity` settings (stacks/settings_identity.py): what prod and dr declare, and every bad value as one
exact line naming the file and the key."""

from __future__ import annotations

import json

import pytest

from stacks.settings import SettingsError, parse_settings

IDENTITY = {
    "instanceArn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
    "region": "eu-west-2",
    "identityStoreId": "d-0123456789",
    "idp": {"protocol": "saml", "metadataUrl": "https://idp.example.com/saml/metadata", "scim": True},
    "groups": {
        "auditor": "0a1b2c3d-0000-4000-8000-000000000001",
        "platform-engineer": "0a1b2c3d-0000-4000-8000-000000000002",
        "sre-on-call": "0a1b2c3d-0000-4000-8000-000000000003",
        "security": "0a1b2c3d-0000-4000-8000-000000000004",
        "support": "0123456789-0a1b2c3d-0000-4000-8000-000000000005",
    },
}
BASE = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": '[{"jurisdiction": "UK"}, {"jurisdiction": "US"}]',
    "trust-fabric:vault": '{"address": "https://vault.example.internal"}',
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}


def parse(identity: object, stack: str = "prod", role: str = "primary"):
    values = {**BASE, "trust-fabric:role": role, "trust-fabric:identity": json.dumps(identity)}
    return parse_settings(values, project="trust-fabric", stack=stack, source=f"Pulumi.{stack}.yaml")


def refusal(identity: object, stack: str = "prod", role: str = "primary") -> str:
    with pytest.raises(SettingsError) as error:
        parse(identity, stack, role)
    return str(error.value)


def test_identity_is_off_unless_set():
    settings = parse_settings(BASE, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    assert settings.identity is None


def test_a_complete_identity_section():
    identity = parse(IDENTITY).identity
    assert identity is not None
    assert identity.instance_arn == IDENTITY["instanceArn"]
    assert identity.region == "eu-west-2"
    assert (identity.idp.protocol, identity.idp.scim) == ("saml", True)
    assert identity.group_ids["support"] == "0123456789-0a1b2c3d-0000-4000-8000-000000000005"
    assert identity.jit_max_hours == 4


def test_dr_may_keep_identity_center_in_a_region_it_has_no_cell_in():
    # dr's UK cell is in eu-west-1; Identity Center stays in its home region eu-west-2, a UK region.
    assert parse(IDENTITY, stack="dr", role="standby").identity.region == "eu-west-2"  # type: ignore[union-attr]


def without(key: str) -> dict[str, object]:
    return {k: v for k, v in IDENTITY.items() if k != key}


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        (
            {**IDENTITY, "instanceArn": "arn:aws:sso:::instance/nope"},
            "trust-fabric:identity.instanceArn: 'arn:aws:sso:::instance/nope' is not an Identity Center instance ARN; "
            "allowed: arn:aws:sso:::instance/ssoins-<16 hex digits>",
        ),
        (
            {**IDENTITY, "region": "eu-west-1"},
            "trust-fabric:identity.region: 'eu-west-1' is not a region of the stack's cells (just-in-time access runs "
            "there); allowed: eu-west-2, us-east-1",
        ),
        (
            {**IDENTITY, "identityStoreId": "store"},
            "trust-fabric:identity.identityStoreId: 'store' is not an identity store id; allowed: d-<10 hex digits>",
        ),
        (
            {**IDENTITY, "idp": {**IDENTITY["idp"], "scim": False}},  # type: ignore[dict-item]
            "trust-fabric:identity.idp.scim: false is not allowed; allowed: true (users and groups come from the IdP "
            "by SCIM; none is made by hand)",
        ),
        (
            {**IDENTITY, "idp": {**IDENTITY["idp"], "protocol": "oidc"}},  # type: ignore[dict-item]
            "trust-fabric:identity.idp.protocol: 'oidc' is not allowed; allowed: saml",
        ),
        (
            {**IDENTITY, "idp": {**IDENTITY["idp"], "metadataUrl": "http://idp.example.com/m"}},  # type: ignore[dict-item]
            "trust-fabric:identity.idp.metadataUrl: 'http://idp.example.com/m' is not a URL; allowed: a https URL",
        ),
        (
            {**IDENTITY, "groups": {**IDENTITY["groups"], "support": "support-team"}},  # type: ignore[dict-item]
            "trust-fabric:identity.groups.support: 'support-team' is not an identity store group id; allowed: a UUID, "
            "optionally prefixed by 10 hex digits and '-'",
        ),
        (
            {**IDENTITY, "groups": {**IDENTITY["groups"], "auditors": "x"}},  # type: ignore[dict-item]
            "trust-fabric:identity.groups.auditors: unknown key; did you mean 'auditor'? allowed: auditor, "
            "platform-engineer, sre-on-call, security, support",
        ),
        (
            {**IDENTITY, "groups": {k: v for k, v in IDENTITY["groups"].items() if k != "security"}},  # type: ignore[union-attr]
            "trust-fabric:identity.groups.security: missing required key (the IdP group id of the job function)",
        ),
        (
            without("idp"),
            "trust-fabric:identity.idp: missing required key (an object: {protocol: saml, metadataUrl: https URL, "
            "scim: true})",
        ),
        (
            {**IDENTITY, "jit": {"maxHours": 12}},
            "trust-fabric:identity.jit.maxHours: 12 is out of range; allowed: 1..8",
        ),
        (
            {**IDENTITY, "instanceARN": "x"},
            "trust-fabric:identity.instanceARN: unknown key; did you mean 'instanceArn'? allowed: instanceArn, region, "
            "identityStoreId, idp, groups, jit",
        ),
        ("on", "trust-fabric:identity: expected an object, got a string ('on')"),
    ],
)
def test_bad_identity_settings(identity, message):
    assert refusal(identity) == f"Pulumi.prod.yaml: {message}"


def test_a_standby_stack_may_name_any_paired_region_of_its_jurisdictions():
    assert refusal({**IDENTITY, "region": "eu-west-3"}, stack="dr", role="standby") == (
        "Pulumi.dr.yaml: trust-fabric:identity.region: 'eu-west-3' is not a paired region of the stack's "
        "jurisdictions; allowed: eu-west-2, eu-west-1, us-east-1, us-west-2"
    )
