"""aws-backup-vault-encryption-cmk: only public and internal data may rely on AWS-managed encryption."""

import pytest

from policies.aws.backup.vault_encryption_cmk import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.backup.Vault("restricted", force_destroy=False, kms_key_arn=key.arn, tags={"data-classification": "restricted"})
aws.backup.Vault("public", force_destroy=False, tags={"data-classification": "public"})
aws.backup.Vault("internal", force_destroy=False, kms_key_arn="alias/aws/backup", tags={"data-classification": "internal"})
"""

BROKEN = """
import pulumi_aws as aws
aws.backup.Vault("no-key", force_destroy=False, tags={"data-classification": "restricted"})
aws.backup.Vault("aws-managed", force_destroy=False, kms_key_arn="arn:aws:kms:eu-west-2:123456789012:alias/aws/backup", tags={"data-classification": "confidential"})
aws.backup.Vault("unclassified", force_destroy=False,)
"""

EXPECTED = {
    "no-key": "Backup vault 'no-key' holds restricted data but is not encrypted with a customer-managed KMS key; "
    "set kms_key_arn to the cell's data key.",
    "aws-managed": "Backup vault 'aws-managed' holds confidential data but uses the AWS-managed key "
    "'arn:aws:kms:eu-west-2:123456789012:alias/aws/backup'; set kms_key_arn to the cell's data key (a "
    "customer-managed KMS key).",
    "unclassified": "Backup vault 'unclassified' holds unclassified data (treated as confidential) but is not encrypted "
    "with a customer-managed KMS key; set kms_key_arn to the cell's data key.",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return evaluate(POLICY, run_snippet(tmp_path_factory.mktemp("broken"), BROKEN))


def test_compliant_resources_pass(tmp_path):
    assert evaluate(POLICY, run_snippet(tmp_path, COMPLIANT)) == []


@pytest.mark.parametrize(("name", "detail"), EXPECTED.items(), ids=EXPECTED.keys())
def test_each_way_to_break_it_is_a_mandatory_violation(broken, name, detail):
    [diagnostic] = [d for d in broken if d.urn.endswith(f"::{name}")]
    assert diagnostic.detail == detail
    assert diagnostic.enforcement == "mandatory"


def test_nothing_else_is_reported(broken):
    assert sorted(d.urn.rsplit("::", 1)[1] for d in broken) == sorted(EXPECTED)


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource("aws:backup/vault:Vault", {"kmsKeyArn": UNKNOWN}, name="x"))
    assert diagnostic.detail == (
        "Backup vault 'x' holds unclassified data (treated as confidential) and kms_key_arn is not known "
        "during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
