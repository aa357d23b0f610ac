"""aws-redshift-cluster-encrypted: Redshift clusters encrypted at rest, confidential data with a customer-managed key."""

import pytest

from policies.aws.redshift.cluster_encrypted import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.redshift.Cluster("restricted", cluster_identifier="wh", node_type="ra3.large", master_username="app", master_password="Not-a-real-one1", encrypted="true", kms_key_id=key.arn, tags={"data-classification": "restricted"})
aws.redshift.Cluster("public", cluster_identifier="wh", node_type="ra3.large", master_username="app", master_password="Not-a-real-one1", encrypted="true", tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.redshift.Cluster("plain", cluster_identifier="wh", node_type="ra3.large", master_username="app", master_password="Not-a-real-one1", encrypted="false", tags={"data-classification": "restricted"})
aws.redshift.Cluster("public-plain", cluster_identifier="wh", node_type="ra3.large", master_username="app", master_password="Not-a-real-one1", encrypted="false", tags={"data-classification": "public"})
aws.redshift.Cluster("aws-managed", cluster_identifier="wh", node_type="ra3.large", master_username="app", master_password="Not-a-real-one1", encrypted="true", kms_key_id="alias/aws/redshift")
"""

EXPECTED = {
    "plain": "Redshift cluster 'plain' is not encrypted at rest; set encrypted='true' and kms_key_id to the cell's data key.",
    "public-plain": "Redshift cluster 'public-plain' is not encrypted at rest; set encrypted='true'.",
    "aws-managed": "Redshift cluster 'aws-managed' holds unclassified data (treated as confidential) but uses the AWS-managed key "
    "'alias/aws/redshift'; set kms_key_id to the cell's data key (a customer-managed KMS key).",
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
    [diagnostic] = evaluate(POLICY, resource("aws:redshift/cluster:Cluster", {"encrypted": UNKNOWN}, name="x"))
    assert (
        diagnostic.detail == "Redshift cluster 'x': encrypted is not known during preview; set it to 'true' literally."
    )


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY, resource("aws:redshift/cluster:Cluster", {"encrypted": "true", "kmsKeyId": UNKNOWN}, name="x")
    )
    assert diagnostic.detail == (
        "Redshift cluster 'x' holds unclassified data (treated as confidential) and kms_key_id is not known "
        "during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
