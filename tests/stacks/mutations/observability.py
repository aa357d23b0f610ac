"""Mutations for the observability policies. Logs: CloudWatch log groups and the OpenSearch log domain."""

from __future__ import annotations

from tests.stacks.mutations.edits import DELETE, set_at
from tests.stacks.mutations.model import Mutation

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DOMAIN = "aws:opensearch/domain:Domain"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-cloudwatch-log-group-encryption-cmk",
        stack="dev",
        type=LOG_GROUP,
        name="uk-ledger-postgresql-logs",
        change="drop the log group's KMS key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_key_id"], DELETE),
    ),
    Mutation(
        policy="aws-cloudwatch-log-group-retention",
        stack="dev",
        type=LOG_GROUP,
        name="uk-logs-audit-logs",
        change="keep OpenSearch audit logs 90 days",
        expect="keeps events for 90 days",
        edit=set_at(["retention_in_days"], 90),
    ),
    Mutation(
        policy="aws-opensearch-domain-encrypt-at-rest",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="turn off encryption at rest",
        expect="is not encrypted at rest",
        edit=set_at(["encrypt_at_rest", "enabled"], False),
    ),
    Mutation(
        policy="aws-opensearch-domain-enforce-https",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="accept plain HTTP",
        expect="accepts plain HTTP",
        edit=set_at(["domain_endpoint_options", "enforce_https"], False),
    ),
    Mutation(
        policy="aws-opensearch-domain-node-to-node-encryption",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="turn off node-to-node encryption",
        expect="does not encrypt traffic between its nodes",
        edit=set_at(["node_to_node_encryption", "enabled"], False),
    ),
    Mutation(
        policy="aws-opensearch-domain-tls-policy",
        stack="dev",
        type=DOMAIN,
        name="uk-logs-domain",
        change="allow TLS 1.0",
        expect="uses Policy-Min-TLS-1-0-2019-07",
        edit=set_at(["domain_endpoint_options", "tls_security_policy"], "Policy-Min-TLS-1-0-2019-07"),
    ),
)
