"""aws-opensearch-domain-encrypt-at-rest: OpenSearch domains encrypted at rest, confidential data with a customer-managed key."""

import pytest

from policies.aws.opensearch.domain_encrypt_at_rest import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

COMPLIANT = """
import pulumi_aws as aws
key = aws.kms.Key("data-key")
aws.opensearch.Domain("restricted", engine_version="OpenSearch_2.13", encrypt_at_rest={"enabled": True, "kms_key_id": key.arn}, tags={"data-classification": "restricted"})
aws.opensearch.Domain("public", engine_version="OpenSearch_2.13", encrypt_at_rest={"enabled": True}, tags={"data-classification": "public"})
"""

BROKEN = """
import pulumi_aws as aws
aws.opensearch.Domain("plain", engine_version="OpenSearch_2.13", encrypt_at_rest={"enabled": False}, tags={"data-classification": "restricted"})
aws.opensearch.Domain("public-plain", engine_version="OpenSearch_2.13", encrypt_at_rest={"enabled": False}, tags={"data-classification": "public"})
aws.opensearch.Domain("aws-managed", engine_version="OpenSearch_2.13", encrypt_at_rest={"enabled": True, "kms_key_id": "alias/aws/es"})
"""

EXPECTED = {
    "plain": "OpenSearch domain 'plain' is not encrypted at rest; set encrypt_at_rest.enabled=True and encrypt_at_rest.kms_key_id to the cell's data key.",
    "public-plain": "OpenSearch domain 'public-plain' is not encrypted at rest; set encrypt_at_rest.enabled=True.",
    "aws-managed": "OpenSearch domain 'aws-managed' holds unclassified data (treated as confidential) but uses the AWS-managed key "
    "'alias/aws/es'; set encrypt_at_rest.kms_key_id to the cell's data key (a customer-managed KMS key).",
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
    [diagnostic] = evaluate(
        POLICY, resource("aws:opensearch/domain:Domain", {"encryptAtRest": {"enabled": UNKNOWN}}, name="x")
    )
    assert (
        diagnostic.detail
        == "OpenSearch domain 'x': encrypt_at_rest.enabled is not known during preview; set it to True literally."
    )


def test_unknown_key_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY,
        resource(
            "aws:opensearch/domain:Domain",
            {"encryptAtRest": {"enabled": True, "kmsKeyId": UNKNOWN}},
            name="x",
        ),
    )
    assert diagnostic.detail == (
        "OpenSearch domain 'x' holds unclassified data (treated as confidential) and "
        "encrypt_at_rest.kms_key_id is not known during preview; "
        "set it literally to the cell's data key (a customer-managed KMS key)."
    )
