"""aws-opensearch-domain-node-to-node-encryption: OpenSearch domains encrypt traffic between their nodes."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.base import PolicyMeta, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-OPENSEARCH-TLS-001",
    name="aws-opensearch-domain-node-to-node-encryption",
    description="OpenSearch domains encrypt the traffic between their nodes with TLS.",
    severity="high",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.21", "A.8.24"),
        "GDPR": ("Art.32",),
    },
    remediation="Set node_to_node_encryption.enabled=True on the aws.opensearch.Domain.",
)

KIND = "OpenSearch domain"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if is_unknown(args.props, "nodeToNodeEncryption", "enabled"):
        report_violation(
            f"{KIND} '{args.name}': node_to_node_encryption.enabled is not known during preview; "
            "set it to True literally."
        )
    elif get(args.props, "nodeToNodeEncryption", "enabled") is not True:
        report_violation(
            f"{KIND} '{args.name}' does not encrypt traffic between its nodes; "
            "set node_to_node_encryption.enabled=True."
        )


POLICY = resource_policy(
    META, validate, resource_types=("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
)
