"""aws-opensearch-domain-node-to-node-encryption: OpenSearch domains encrypt traffic between their nodes."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.checks import require_true

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
    require_true(
        args,
        report_violation,
        kind=KIND,
        path=("nodeToNodeEncryption", "enabled"),
        argument="node_to_node_encryption.enabled",
        problem="does not encrypt traffic between its nodes",
    )


POLICY = resource_policy(
    META, validate, resource_types=("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
)
