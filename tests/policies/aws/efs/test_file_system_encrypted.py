"""aws-efs-file-system-encrypted: EFS file systems encrypted at rest, confidential data with a customer-managed key."""

import pytest

from policies.aws.efs.file_system_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.efs.FileSystem("restricted", performance_mode="generalPurpose", encrypted=True, kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.efs.FileSystem("public", performance_mode="generalPurpose", encrypted=True, tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.efs.FileSystem("plain", performance_mode="generalPurpose", encrypted=False, tags={"data-classification": "restricted"})
aws.efs.FileSystem("public-plain", performance_mode="generalPurpose", encrypted=False, tags={"data-classification": "public"})
aws.efs.FileSystem("aws-managed", performance_mode="generalPurpose", encrypted=True, kms_key_id="alias/aws/elasticfilesystem")
"""

EXPECTED = {
    "plain": "EFS file system 'plain' is not encrypted at rest; set encrypted=True and kms_key_id to the cell's data key.",
    "public-plain": "EFS file system 'public-plain' is not encrypted at rest; set encrypted=True.",
    "aws-managed": "EFS file system 'aws-managed' holds unclassified data (treated as confidential) but uses the AWS-managed key "
    "'alias/aws/elasticfilesystem'; set kms_key_id to the cell's data key (a customer-managed KMS key).",
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


def test_unknown_flag_is_never_a_pass():
    [diagnostic] = evaluate(POLICY, resource("aws:efs/fileSystem:FileSystem", {"encrypted": UNKNOWN}, name="x"))
    assert diagnostic.detail == "EFS file system 'x': encrypted is not known during preview; set it to True literally."


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY, resource("aws:efs/fileSystem:FileSystem", {"encrypted": True, "kmsKeyId": UNKNOWN}, name="x")
    )
    assert diagnostic.detail == (
        "EFS file system 'x' holds unclassified data (treated as confidential) and kms_key_id is not known "
        "during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
