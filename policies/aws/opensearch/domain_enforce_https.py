"""aws-opensearch-domain-enforce-https: OpenSearch domain endpoints refuse plain HTTP."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.base import PolicyMeta, get, is_unknown, resource_policy

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
    if is_unknown(args.props, "domainEndpointOptions", "enforceHttps"):
        report_violation(
            f"{KIND} '{args.name}': domain_endpoint_options.enforce_https is not known during preview; "
            "set it to True literally."
        )
    elif get(args.props, "domainEndpointOptions", "enforceHttps") is not True:
        report_violation(f"{KIND} '{args.name}' accepts plain HTTP; set domain_endpoint_options.enforce_https=True.")


POLICY = resource_policy(
    META, validate, resource_types=("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
)
