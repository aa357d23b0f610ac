"""aws-opensearch-domain-enforce-https: OpenSearch domain endpoints refuse plain HTTP."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.checks import require_true

META = PolicyMeta(
    id="TF-AWS-OPENSEARCH-TLS-002",
    name="aws-opensearch-domain-enforce-https",
    description="OpenSearch domain endpoints accept HTTPS only.",
    severity="high",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.21", "A.8.24"),
        "GDPR": ("Art.32",),
    },
    remediation="Set domain_endpoint_options.enforce_https=True on the aws.opensearch.Domain.",
)

KIND = "OpenSearch domain"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    require_true(
        args,
        report_violation,
        kind=KIND,
        path=("domainEndpointOptions", "enforceHttps"),
        argument="domain_endpoint_options.enforce_https",
        problem="accepts plain HTTP",
    )


POLICY = resource_policy(
    META, validate, resource_types=("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
)
