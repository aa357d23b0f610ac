"""aws-rds-instance-storage-encrypted, and the classification scope every at-rest encryption policy shares."""

import pytest

from policies.aws.rds.instance_storage_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

HEADER = """
import pulumi
import pulumi_aws as aws

key = aws.kms.Key("data-key", enable_key_rotation=True)
internal = aws.Provider("internal", region="eu-west-2",
                        default_tags={"tags": {"data-classification": "internal", "jurisdiction": "UK"}})
common = dict(engine="postgres", instance_class="db.t4g.micro", allocated_storage=20, username="app",
              password="not-a-real-password", skip_final_snapshot=True)
"""

COMPLIANT = (
    HEADER
    + """
aws.rds.Instance("ledger", storage_encrypted=True, kms_key_id=key.arn,
                 tags={"data-classification": "restricted"}, **common)
aws.rds.Instance("catalog", storage_encrypted=True, tags={"data-classification": "public"}, **common)
aws.rds.Instance("metrics", storage_encrypted=True, opts=pulumi.ResourceOptions(provider=internal), **common)
"""
)

BROKEN = (
    HEADER
    + """
aws.rds.Instance("plain", tags={"data-classification": "restricted"}, **common)
aws.rds.Instance("public-plain", storage_encrypted=False, tags={"data-classification": "public"}, **common)
aws.rds.Instance("aws-managed", storage_encrypted=True, tags={"data-classification": "confidential"},
                 kms_key_id="arn:aws:kms:eu-west-2:123456789012:alias/aws/rds", **common)
aws.rds.Instance("unclassified", storage_encrypted=True, **common)
aws.rds.Instance("tag-overrides-provider", storage_encrypted=True, tags={"data-classification": "restricted"},
                 opts=pulumi.ResourceOptions(provider=internal), **common)
"""
)

FIX = "set kms_key_id to the cell's data key."
EXPECTED = {
    "plain": "RDS instance 'plain' is not encrypted at rest; "
    "set storage_encrypted=True and kms_key_id to the cell's data key.",
    "public-plain": "RDS instance 'public-plain' is not encrypted at rest; set storage_encrypted=True.",
    "aws-managed": "RDS instance 'aws-managed' holds confidential data but uses the AWS-managed key "
    "'arn:aws:kms:eu-west-2:123456789012:alias/aws/rds'; "
    "set kms_key_id to the cell's data key (a customer-managed KMS key).",
    "unclassified": "RDS instance 'unclassified' holds unclassified data (treated as confidential) "
    f"but is not encrypted with a customer-managed KMS key; {FIX}",
    "tag-overrides-provider": "RDS instance 'tag-overrides-provider' holds restricted data "
    f"but is not encrypted with a customer-managed KMS key; {FIX}",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_encrypted_instances_pass(tmp_path):
    # restricted with the cell's key; public and internal (from the provider's default tags) with AWS's key
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_way_to_break_it_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"
    assert diagnostic.severity == "high"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_unknown_encryption_flag_is_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource("aws:rds/instance:Instance", {"storageEncrypted": UNKNOWN}, name="db"))
    assert (
        diagnostic.detail
        == "RDS instance 'db': storage_encrypted is not known during preview; set it to True literally."
    )


def test_unknown_key_is_never_a_pass():
    graph = resource("aws:rds/instance:Instance", {"storageEncrypted": True, "kmsKeyId": UNKNOWN}, name="db")
    [diagnostic] = evaluate(POLICY, graph)
    assert diagnostic.detail == (
        "RDS instance 'db' holds unclassified data (treated as confidential) and kms_key_id is not known "
        "during "
        "preview; set it literally to the cell's data key (a customer-managed KMS key)."
    )
    assert not diagnostic.cannot_run


def test_unknown_tags_do_not_exempt_a_store():
    graph = resource(
        "aws:rds/instance:Instance",
        {"storageEncrypted": True, "tags": {"data-classification": UNKNOWN}},
        name="db",
        provider_inputs={"defaultTags": {"tags": {"data-classification": "public"}}},
    )
    [diagnostic] = evaluate(POLICY, graph)
    # The provider says public, but the resource's own (unknown) tag would override it: treated as confidential.
    assert diagnostic.detail.startswith("RDS instance 'db' holds unclassified data (treated as confidential) but")
