"""aws-opensearch-domain-tls-policy: OpenSearch domain endpoints negotiate TLS 1.2 or later only."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-OPENSEARCH-TLS-003",
    name="aws-opensearch-domain-tls-policy",
    description="OpenSearch domain endpoints use a TLS security policy that requires TLS 1.2 or later.",
    severity="medium",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.21", "A.8.24"),
        "GDPR": ("Art.32",),
    },
    remediation=(
        "Set domain_endpoint_options.tls_security_policy to Policy-Min-TLS-1-2-PFS-2023-10 on the "
        "aws.opensearch.Domain."
    ),
)

KIND = "OpenSearch domain"

TLS_12_POLICIES = ("Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-2019-07")
"""TLS security policies requiring TLS 1.2 or later, strongest first."""


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "domainEndpointOptions", "tlsSecurityPolicy"):
        report_violation(
            f"{KIND} '{args.name}': domain_endpoint_options.tls_security_policy is not known during preview; "
            f"set it to {TLS_12_POLICIES[0]} literally."
        )
        return
    policy = get(args.props, "domainEndpointOptions", "tlsSecurityPolicy")
    if policy not in TLS_12_POLICIES:
        current = f"uses {policy}" if policy else "sets no TLS security policy"
        report_violation(
            f"{KIND} '{args.name}' {current}; set domain_endpoint_options.tls_security_policy to "
            f"{TLS_12_POLICIES[0]} (TLS 1.2 or later)."
        )


POLICY = resource_policy(
    META, validate, resource_types=("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
)
