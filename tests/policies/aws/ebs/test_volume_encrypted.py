"""aws-ebs-volume-encrypted: EBS volumes encrypted at rest, confidential data with a customer-managed key."""

import pytest

from policies.aws.ebs.volume_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.ebs.Volume("restricted", availability_zone="eu-west-2a", size=10, encrypted=True, kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.ebs.Volume("public", availability_zone="eu-west-2a", size=10, encrypted=True, tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.ebs.Volume("plain", availability_zone="eu-west-2a", size=10,  tags={"data-classification": "restricted"})
aws.ebs.Volume("public-plain", availability_zone="eu-west-2a", size=10,  tags={"data-classification": "public"})
aws.ebs.Volume("aws-managed", availability_zone="eu-west-2a", size=10, encrypted=True, kms_key_id="alias/aws/ebs")
"""

EXPECTED = {
    "plain": "EBS volume 'plain' is not encrypted at rest; set encrypted=True and kms_key_id to the cell's data key.",
    "public-plain": "EBS volume 'public-plain' is not encrypted at rest; set encrypted=True.",
    "aws-managed": "EBS volume 'aws-managed' holds unclassified data (treated as confidential) but uses the AWS-managed key "
    "'alias/aws/ebs'; set kms_key_id to the cell's data key (a customer-managed KMS key).",
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
    [diagnostic] = evaluate(POLICY, resource("aws:ebs/volume:Volume", {"encrypted": UNKNOWN}, name="x"))
    assert diagnostic.detail == "EBS volume 'x': encrypted is not known during preview; set it to True literally."


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY, resource("aws:ebs/volume:Volume", {"encrypted": True, "kmsKeyId": UNKNOWN}, name="x")
    )
    assert diagnostic.detail == (
        "EBS volume 'x' holds unclassified data (treated as confidential) and kms_key_id is not known during "
        "preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
