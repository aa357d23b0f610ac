"""aws-kms-tenant-key-tenant-can-revoke and aws-s3-tenant-bucket-encrypted-with-tenant-key: the real component
passes; every way to break either fails with its exact message; unknowns are never a pass."""

from __future__ import annotations

import json

import pytest

from policies.aws.governance.tenant_bucket_key import POLICY as BUCKET_KEY
from policies.aws.governance.tenant_key_revocable import POLICY as REVOCABLE
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet
from tests.policies.programs import details

CUSTODIAN = "arn:aws:iam::210987654321:role/acme-key-custodian"
PROGRAM = """
import json
import pulumi
import pulumi_aws as aws
from components.governance.tenant_data import TenantData, TenantDataArgs

eu = aws.Provider("eu", region="eu-central-1", default_tags={"tags": {"jurisdiction": "EU"}})
us = aws.Provider("us", region="us-east-1", default_tags={"tags": {"jurisdiction": "US"}})
common = dict(deployment="prod", cell="eu", jurisdiction="EU", region="eu-central-1",
              custodian_arn="arn:aws:iam::210987654321:role/acme-key-custodian")
acme = TenantData("acme", TenantDataArgs(tenant_id="acme", **common), opts=pulumi.ResourceOptions(provider=eu))
globex = TenantData("globex", TenantDataArgs(tenant_id="globex", key_origin="imported", **common),
                    opts=pulumi.ResourceOptions(provider=eu))
cell_key = aws.kms.Key("cell-key", enable_key_rotation=True, opts=pulumi.ResourceOptions(provider=eu))

def tenant_bucket(name, tenant, key_arn):
    bucket = aws.s3.Bucket(name, bucket=name, tags={"tenant": tenant}, opts=pulumi.ResourceOptions(provider=eu))
    rule = {"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn} if key_arn is not None else {"sse_algorithm": "AES256"}
    aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-encryption", bucket=bucket.id, rules=[
        aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(**rule))],
        opts=pulumi.ResourceOptions(provider=eu))

{body}
"""


def graph(tmp_path, body=""):
    return run_snippet(tmp_path, PROGRAM.replace("{body}", body), region="eu-central-1")


def test_the_tenant_component_passes_both_policies(tmp_path):
    declared = graph(tmp_path)
    assert evaluate(REVOCABLE, declared) == []
    assert evaluate(BUCKET_KEY, declared) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'tenant_bucket("other-key", "acme", globex.key_arn)',
            "S3 bucket 'other-key' of tenant 'acme' is encrypted with key 'globex-key' of tenant globex, not the "
            "tenant's own key; use the tenant's key.",
        ),
        (
            'tenant_bucket("cell-key-bucket", "acme", cell_key.arn)',
            "S3 bucket 'cell-key-bucket' of tenant 'acme' is encrypted with key 'cell-key' of no tenant, not the "
            "tenant's own key; use the tenant's key.",
        ),
        (
            'tenant_bucket("sse-s3", "acme", None)',
            "S3 bucket 'sse-s3' of tenant 'acme' is encrypted with AES256, not the tenant's KMS key; use aws:kms.",
        ),
        (
            'tenant_bucket("literal", "acme", "arn:aws:kms:eu-central-1:123456789012:key/elsewhere")',
            "S3 bucket 'literal' of tenant 'acme' is encrypted with arn:aws:kms:eu-central-1:123456789012:key/elsewhere, "
            "which is no key this stack declares for tenant 'acme'; use the tenant's key.",
        ),
        (
            'aws.s3.Bucket("bare", bucket="bare", tags={"tenant": "acme"}, opts=pulumi.ResourceOptions(provider=eu))',
            "S3 bucket 'bare' of tenant 'acme' has no server-side encryption configuration; encrypt it with aws:kms "
            "and the tenant's key.",
        ),
        (
            'us_key = aws.kms.Key("us-key", enable_key_rotation=True, tags={"tenant": "initech"}, '
            "opts=pulumi.ResourceOptions(provider=us)); "
            'tenant_bucket("abroad", "initech", us_key.arn)',
            "S3 bucket 'abroad' of tenant 'initech': key 'us-key' is in us-east-1, outside EU's allowed regions "
            "(eu-central-1, eu-west-1, eu-west-3, eu-north-1); declare the tenant's key in the tenant's jurisdiction.",
        ),
    ],
)
def test_every_way_to_encrypt_a_tenant_bucket_wrongly(tmp_path, body, expected):
    bucket = body.split('tenant_bucket("')[-1].split('"')[0] if "tenant_bucket" in body else "bare"
    assert details(evaluate(BUCKET_KEY, graph(tmp_path, body))) == [(bucket, expected)]


def key(policy, tags=None):
    return resource(
        "aws:kms/key:Key",
        {"policy": policy, "tags": {"tenant": "acme", "tenant-account": "210987654321"} if tags is None else tags},
        name="k",
        region="eu-central-1",
    )


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


REVOKE = {"Effect": "Allow", "Principal": {"AWS": [CUSTODIAN]}, "Action": ["kms:DisableKey"], "Resource": "*"}
STICK = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "kms:EnableKey",
    "Resource": "*",
    "Condition": {"ArnNotEquals": {"aws:PrincipalArn": [CUSTODIAN]}},
}
NO_REVOKE = (
    "KMS key 'k' of tenant 'acme': no key policy statement lets the tenant's account 210987654321 disable it "
    "(kms:DisableKey); allow the tenant's custodian kms:DisableKey and kms:RevokeGrant."
)
NO_STICK = (
    "KMS key 'k' of tenant 'acme': nothing stops a principal outside account 210987654321 re-enabling the key after "
    "the tenant disables it; deny kms:EnableKey to every aws:PrincipalArn but the tenant's custodian."
)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (document(REVOKE, STICK), []),
        (document({**REVOKE, "Action": "kms:Disable*"}, STICK), []),
        (document({**REVOKE, "Principal": {"AWS": "arn:aws:iam::123456789012:role/ours"}}, STICK), [NO_REVOKE]),
        (document({**REVOKE, "Action": ["kms:DescribeKey"]}, STICK), [NO_REVOKE]),
        (document(REVOKE), [NO_STICK]),
        (
            document(
                REVOKE,
                {
                    **STICK,
                    "Condition": {"ArnNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/key-admin"]}},
                },
            ),
            [NO_STICK],
        ),
        (document(REVOKE, {**STICK, "Principal": {"AWS": ["arn:aws:iam::123456789012:role/deploy"]}}), [NO_STICK]),
        (document(), [NO_REVOKE, NO_STICK]),
    ],
)
def test_the_key_policy_must_let_the_tenant_revoke_for_good(policy, expected):
    assert [d.detail for d in evaluate(REVOCABLE, key(policy))] == expected


def test_keys_of_no_tenant_are_out_of_scope():
    assert evaluate(REVOCABLE, key(document(), tags={"purpose": "logs"})) == []


def test_a_tenant_key_must_name_the_tenants_account():
    assert [d.detail for d in evaluate(REVOCABLE, key(document(REVOKE, STICK), tags={"tenant": "acme"}))] == [
        "KMS key 'k' of tenant 'acme' has no literal 'tenant-account' tag; tag it with the tenant custodian's "
        "12-digit account so its revocation right can be proven."
    ]


def test_unknown_values_are_never_a_pass():
    assert [d.detail for d in evaluate(REVOCABLE, key(UNKNOWN))] == [
        "KMS key 'k' of tenant 'acme': its key policy is not known during preview; the tenant's right to revoke "
        "cannot be proven."
    ]
    bucket = resource("aws:s3/bucket:Bucket", {"bucket": "b", "tags": {"tenant": "acme"}}, name="b")
    configuration = resource(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        {"bucket": "b", "rules": UNKNOWN},
        name="b-encryption",
    )

    assert [d.detail for d in evaluate(BUCKET_KEY, graph_of(bucket, configuration))] == [
        "S3 bucket 'b' of tenant 'acme': its encryption rules are not known during preview; the tenant's key cannot "
        "be proven."
    ]
