"""aws-opensearch-domain-tls-policy: OpenSearch domains (and legacy Elasticsearch domains)."""

import pytest

from policies.aws.opensearch.domain_tls_policy import POLICY
from tests.policies.harness import UNKNOWN, evaluate, resource, run_snippet

SECURE = dict(
    node_to_node_encryption={"enabled": True},
    domain_endpoint_options={"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10"},
)

COMPLIANT = f"""
import pulumi_aws as aws
aws.opensearch.Domain("search", engine_version="OpenSearch_2.13", **{SECURE!r})
aws.elasticsearch.Domain("legacy", elasticsearch_version="7.10", **{SECURE!r})
"""

BROKEN = """
import pulumi_aws as aws
aws.opensearch.Domain("unset", engine_version="OpenSearch_2.13", domain_endpoint_options={"enforce_https": True})
aws.opensearch.Domain("tls10", engine_version="OpenSearch_2.13", domain_endpoint_options={"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-0-2019-07"})
"""

EXPECTED = {
    "unset": "OpenSearch domain 'unset' sets no TLS security policy; set domain_endpoint_options.tls_security_policy to Policy-Min-TLS-1-2-PFS-2023-10 (TLS 1.2 or later).",
    "tls10": "OpenSearch domain 'tls10' uses Policy-Min-TLS-1-0-2019-07; set domain_endpoint_options.tls_security_policy to Policy-Min-TLS-1-2-PFS-2023-10 (TLS 1.2 or later).",
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


def test_unknown_value_is_never_a_pass():
    [diagnostic] = evaluate(
        POLICY,
        resource(
            "aws:opensearch/domain:Domain",
            {"domainEndpointOptions": {"tlsSecurityPolicy": UNKNOWN}},
            name="d",
        ),
    )
    assert diagnostic.detail == (
        "OpenSearch domain 'd': domain_endpoint_options.tls_security_policy is not known during preview; set "
        "it to Policy-Min-TLS-1-2-PFS-2023-10 literally."
    )
