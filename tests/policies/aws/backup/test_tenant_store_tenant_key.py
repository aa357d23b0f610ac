"""aws-backup-tenant-store-tenant-key: the real tenant component passes; every way to back a tenant's bucket up
into a vault not under the tenant's key fails with its exact message; unknowns are never a pass."""

from __future__ import annotations

import pytest

from policies.aws.backup.tenant_store_tenant_key import POLICY as TENANT_BACKUP
from tests.policies.harness import UNKNOWN, evaluate, graph_of, resource, run_snippet
from tests.policies.programs import details

PROGRAM = """
import pulumi
import pulumi_aws as aws
from components.governance.tenant_data import TenantData, TenantDataArgs

eu = aws.Provider("eu", region="eu-central-1", default_tags={"tags": {"jurisdiction": "EU"}})
opts = pulumi.ResourceOptions(provider=eu)
common = dict(deployment="prod", cell="eu", jurisdiction="EU", region="eu-central-1", backup_copy_to_region="eu-west-1")
acme = TenantData("acme", TenantDataArgs(tenant_id="acme",
                  custodian_arn="arn:aws:iam::210987654321:role/acme-key-custodian", **common), opts=opts)
globex = TenantData("globex", TenantDataArgs(tenant_id="globex", key_origin="imported",
                    custodian_arn="arn:aws:iam::310987654321:role/globex-key-custodian", **common), opts=opts)
cell_key = aws.kms.Key("cell-key", enable_key_rotation=True, opts=opts)

def backup(name, key_arn, resources=None, conditions=None):
    vault = aws.backup.Vault(f"{name}-vault", name=f"{name}-vault", kms_key_arn=key_arn, opts=opts)
    plan = aws.backup.Plan(f"{name}-plan", name=f"{name}-plan", rules=[aws.backup.PlanRuleArgs(
        rule_name="daily", target_vault_name=vault.name, schedule="cron(0 3 * * ? *)",
        lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=3653))], opts=opts)
    aws.backup.Selection(f"{name}-selection", name=f"{name}-selection", plan_id=plan.id,
        iam_role_arn="arn:aws:iam::123456789012:role/backup", resources=resources or [], conditions=conditions,
        opts=opts)

{body}
"""


def graph(tmp_path, body=""):
    return run_snippet(tmp_path, PROGRAM.replace("{body}", body), region="eu-central-1")


def test_tenant_buckets_backed_up_under_their_own_keys_pass(tmp_path):
    assert evaluate(TENANT_BACKUP, graph(tmp_path)) == [], TENANT_BACKUP.name


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'backup("cell", cell_key.arn, resources=[acme.bucket_arn])',
            "S3 bucket 'acme-bucket' of tenant 'acme': plan 'cell-plan' backs it up into vault 'cell-vault', "
            "encrypted with key 'cell-key' of no tenant; back it up only into a vault encrypted with the tenant's key.",
        ),
        (
            'backup("borrowed", globex.key_arn, resources=[acme.bucket_arn])',
            "S3 bucket 'acme-bucket' of tenant 'acme': plan 'borrowed-plan' backs it up into vault 'borrowed-vault', "
            "encrypted with key 'globex-key' of tenant globex; back it up only into a vault encrypted with the "
            "tenant's key.",
        ),
        (
            'backup("managed", None, resources=[acme.bucket_arn])',
            "S3 bucket 'acme-bucket' of tenant 'acme': plan 'managed-plan' backs it up into vault 'managed-vault', "
            "encrypted with the AWS-managed key, no key this stack declares for the tenant; back it up only into a "
            "vault encrypted with the tenant's key.",
        ),
        (
            'backup("by-tag", cell_key.arn, resources=["*"], conditions=[{"string_equals": '
            '[{"key": "aws:ResourceTag/tenant", "value": "acme"}]}])',
            "S3 bucket 'acme-bucket' of tenant 'acme': plan 'by-tag-plan' backs it up into vault 'by-tag-vault', "
            "encrypted with key 'cell-key' of no tenant; back it up only into a vault encrypted with the tenant's key.",
        ),
        (
            'aws.backup.Selection("foreign", name="foreign", plan_id="plan-of-another-stack", '
            'iam_role_arn="arn:aws:iam::123456789012:role/backup", resources=[acme.bucket_arn], opts=opts)',
            "S3 bucket 'acme-bucket' of tenant 'acme': selection 'foreign' adds it to a plan this stack does not "
            "declare; back it up only into a vault encrypted with the tenant's key.",
        ),
    ],
)
def test_every_way_to_back_a_tenant_up_under_another_key_fails(tmp_path, body, expected):
    assert details(evaluate(TENANT_BACKUP, graph(tmp_path, body))) == [("acme-bucket", expected)]


def test_unknown_values_are_never_a_pass():
    store = resource("aws:s3/bucket:Bucket", {"bucket": "t", "tags": {"tenant": "acme"}}, name="store")
    selection = resource(
        "aws:backup/selection:Selection", {"planId": UNKNOWN, "resources": ["*"]}, name="pending-selection"
    )
    assert [d.detail for d in evaluate(TENANT_BACKUP, graph_of(store, selection))] == [
        "S3 bucket 'store' of tenant 'acme': the plan of selection 'pending-selection' is not known during "
        "preview; back it up only into a vault encrypted with the tenant's key."
    ]
    unknown_tenant = resource("aws:s3/bucket:Bucket", {"bucket": "t", "tags": {"tenant": UNKNOWN}}, name="anon")
    assert [d.detail for d in evaluate(TENANT_BACKUP, graph_of(unknown_tenant))] == [
        "S3 bucket 'anon': its tenant tag is not known during preview."
    ]
