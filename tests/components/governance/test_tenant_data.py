"""TenantData: the tenant's revocable key per origin, the bucket encrypted with it alone, parenting, exact errors."""

from __future__ import annotations

import dataclasses
import json

import pytest

from components.governance.tenant_data import TenantDataArgs, tenant_key_policy, validate_args
from tests.policies.harness import run_snippet

CUSTODIAN = "arn:aws:iam::210987654321:role/acme-key-custodian"
PROGRAM = """
import pulumi
import pulumi_aws as aws
from components.governance.tenant_data import TenantData, TenantDataArgs

provider = aws.Provider("eu", region="eu-central-1")
common = dict(deployment="prod", cell="eu", jurisdiction="EU", region="eu-central-1",
              custodian_arn="arn:aws:iam::210987654321:role/acme-key-custodian",
              admin_role_arns=("arn:aws:iam::123456789012:role/key-admin",),
              user_role_arns=("arn:aws:iam::123456789012:role/deploy",))
TenantData("acme", TenantDataArgs(tenant_id="acme", **common), opts=pulumi.ResourceOptions(provider=provider))
TenantData("globex", TenantDataArgs(tenant_id="globex", key_origin="imported", **common),
           opts=pulumi.ResourceOptions(provider=provider))
TenantData("initech", TenantDataArgs(tenant_id="initech", key_origin="external-key-store",
           custom_key_store_id="cks-0123456789abcdef0", xks_key_id="initech-1", **common),
           opts=pulumi.ResourceOptions(provider=provider))
"""
ARGS = TenantDataArgs(
    deployment="prod", cell="eu", jurisdiction="EU", region="eu-central-1", tenant_id="acme", custodian_arn=CUSTODIAN
)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return run_snippet(tmp_path_factory.mktemp("tenant"), PROGRAM, region="eu-central-1")


def named(graph, name):
    [found] = [r for r in graph.custom_resources if r.name == name]
    return found


def test_each_origin_declares_its_kind_of_key(graph):
    acme, globex, initech = (named(graph, f"{t}-key") for t in ("acme", "globex", "initech"))
    assert acme.type == "aws:kms/key:Key"
    assert acme.props["enableKeyRotation"] is True
    assert "customKeyStoreId" not in acme.props
    assert globex.type == "aws:kms/externalKey:ExternalKey"
    assert "keyMaterialBase64" not in globex.props  # the tenant imports it; never in code
    assert initech.type == "aws:kms/key:Key"
    assert (initech.props["customKeyStoreId"], initech.props["xksKeyId"]) == ("cks-0123456789abcdef0", "initech-1")
    assert "enableKeyRotation" not in initech.props  # the external key manager rotates
    for key in (acme, globex, initech):
        assert key.props["tags"]["tenant-account"] == "210987654321"
        assert key.props["deletionWindowInDays"] == 30


def test_the_key_policy_lets_the_tenant_revoke_and_only_the_tenant_reenable(graph):
    policy = json.loads(named(graph, "globex-key").props["policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["TenantCustodianRevokes"] == {
        "Sid": "TenantCustodianRevokes",
        "Effect": "Allow",
        "Principal": {"AWS": [CUSTODIAN]},
        "Action": [
            "kms:DisableKey",
            "kms:RevokeGrant",
            "kms:ListGrants",
            "kms:DescribeKey",
            "kms:GetKeyPolicy",
            "kms:EnableKey",
            "kms:DeleteImportedKeyMaterial",
            "kms:ImportKeyMaterial",
            "kms:GetParametersForImport",
        ],
        "Resource": "*",
    }
    assert statements["OnlyTenantCustodianReenables"]["Action"] == ["kms:EnableKey", "kms:ImportKeyMaterial"]
    assert statements["OnlyTenantCustodianReenables"]["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": [CUSTODIAN]}
    }
    users = [
        "arn:aws:iam::123456789012:role/deploy",
        "arn:aws:iam::123456789012:role/trustfabric-prod-t-globex-eu-central-1-backup",
    ]
    assert statements["KeyUseByDataRoles"]["Principal"] == {"AWS": users}
    assert statements["BackupVaultGrants"]["Principal"] == {"AWS": users}
    assert statements["BackupVaultGrants"]["Action"] == "kms:CreateGrant"
    assert statements["BackupVaultGrants"]["Condition"]["StringEquals"]["kms:ViaService"] == (
        "backup.eu-central-1.amazonaws.com"
    )
    assert "kms:Encrypt" not in statements["KeyAdministration"]["Action"]


def test_a_reconcile_never_fights_the_tenants_revocation(graph):
    for tenant in ("acme", "globex", "initech"):
        assert named(graph, f"{tenant}-key").options["ignore_changes"] == ["enabled", "isEnabled"]


def test_the_bucket_is_encrypted_with_the_tenant_key_only_and_locked_for_the_statutory_years(graph):
    bucket = named(graph, "acme-bucket")
    assert bucket.props["bucket"] == "trustfabric-prod-t-acme-eu-central-1-123456789012"
    assert bucket.props["tags"] == {"tenant": "acme", "data-class": "statutory-record"}
    assert bucket.props["objectLockEnabled"] is True
    encryption = named(graph, "acme-bucket-encryption")
    key = named(graph, "acme-key")
    assert [d for d in encryption.property_dependencies["rules"]] == [key.urn]
    lock = named(graph, "acme-bucket-object-lock")
    assert lock.props["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "years": 10.0}
    [rule] = named(graph, "acme-bucket-lifecycle").props["rules"]
    assert (rule["expiration"]["days"], rule["noncurrentVersionExpiration"]["noncurrentDays"]) == (3653.0, 3653.0)
    statements = {s["Sid"]: s for s in json.loads(named(graph, "acme-bucket-policy").props["policy"])["Statement"]}
    assert set(statements) == {"DenyInsecureTransport", "DenyUploadsNotUnderTenantKey", "DenyUnencryptedUploads"}


def test_children_are_parented_to_the_component(graph):
    components = [
        r for r in graph if r.type in ("trustfabric:governance:TenantData", "trustfabric:governance:TenantBackup")
    ]
    assert len(components) == 6
    urns = {c.urn for c in components}
    for resource in graph.custom_resources:
        if resource.type.startswith("pulumi:providers:"):
            continue
        assert resource.parent in urns, resource.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jurisdiction": "FR"}, "TenantData: jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        (
            {"region": "us-east-1"},
            "TenantData: region: region 'us-east-1' is outside EU's allowed regions; allowed: eu-central-1, "
            "eu-west-1, eu-west-3, eu-north-1",
        ),
        (
            {"tenant_id": "a"},
            "TenantData: tenant_id: 'a' is not a tenant id; allowed: 3-18 lowercase letters, digits or '-', starting "
            "and ending with a letter or digit",
        ),
        (
            {"key_origin": "hsm"},
            "TenantData: key_origin: 'hsm' is not allowed; allowed: aws, imported, external-key-store",
        ),
        (
            {"custodian_arn": "acme"},
            "TenantData: custodian_arn: 'acme' is not an IAM role or user ARN; allowed: arn:aws:iam::<account>:role/<name>",
        ),
        (
            {"key_origin": "external-key-store"},
            "TenantData: custom_key_store_id: required with key_origin 'external-key-store'",
        ),
        (
            {"xks_key_id": "k"},
            "TenantData: xks_key_id: only with key_origin 'external-key-store', not 'aws'",
        ),
        ({"deletion_window_in_days": 3}, "TenantData: deletion_window_in_days: 3 is out of range; allowed: 7..30"),
    ],
)
def test_bad_arguments_are_refused_with_exact_messages(change, message):
    with pytest.raises(ValueError) as error:
        validate_args(dataclasses.replace(ARGS, **change))
    assert str(error.value) == message


def test_our_own_account_cannot_be_the_custodian():
    with pytest.raises(ValueError) as error:
        tenant_key_policy("210987654321", CUSTODIAN, "aws", (), ())
    assert str(error.value) == (
        "TenantData: custodian_arn: account 210987654321 is ours; allowed: a principal in the tenant's own account"
    )
