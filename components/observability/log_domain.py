"""The cell's log domain: an encrypted OpenSearch domain that receives redacted logs, with retention per data class.

Encryption at rest with the cell's logs key, node-to-node encryption, HTTPS only with TLS 1.2+, fine-grained
access control with no internal users (IAM roles only), the domain's own slow/error/audit logs to KMS-encrypted
CloudWatch log groups kept at least a year, daily automated snapshots, and zone awareness.

The domain lives in the cell's network (`components.network.CellNetwork`): its nodes sit in the VPC's private
subnets, one per zone (`subnet_ids`, exactly `ZONE_COUNT`), with no public endpoint, behind a security group of
its own that admits HTTPS (443) from the VPC's CIDR and nothing else (no egress either). Placing an existing
public domain in a VPC replaces it (AWS cannot move a domain into a VPC): snapshot its indexes to a manual
repository before the update and restore them after.

Who may do what inside OpenSearch (fine-grained access control) and how long indexes live (Index State
Management) are set through the domain's own REST API, not the AWS API. The component declares them as data,
`bootstrap_requests`: the writer role (the collector's) mapped to a `log-writer` role that may only write to
`logs-*` indexes; per data class an ISM policy (roll over daily, delete after the class's days), an index
template naming the class's write alias, and the first index behind the alias `logs-<class>` that the
collector writes to. The domain's master user is `admin_role_arn` (the deploy role), which applies the
requests once per domain: `runbooks/log-domain-bootstrap.md` gives the exact commands; the stack exports them
as `<cell>_log_domain`.

Usage::

    domain = LogDomain(
        "uk-logs",
        LogDomainArgs(
            jurisdiction="UK", region="eu-west-2", kms_key_arn=keyring.key_arns["logs"],
            vpc_id=network.vpc_id, subnet_ids=network.subnet_ids, vpc_cidr=network.vpc_cidr,
        ),
        opts=pulumi.ResourceOptions(provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.network.cell_network import require_vpc_cidr, service_security_group
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction

TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"
ZONE_COUNT = 3
"""Zones the domain's nodes spread over; the domain takes one private subnet in each."""
HTTPS = 443
DEFAULT_RETENTION_DAYS: Mapping[str, int] = {"public": 30, "internal": 90, "confidential": 400, "restricted": 400}
"""Days an index of each data class is kept in the hot domain (archives follow the records policy)."""


@dataclass(frozen=True)
class LogDomainArgs:
    """Arguments of a cell's log domain."""

    jurisdiction: str
    region: str
    """The provider's region; validated against the jurisdiction."""
    kms_key_arn: pulumi.Input[str]
    """The cell's logs key: encrypts the domain and its CloudWatch log groups."""
    vpc_id: pulumi.Input[str]
    """The cell network's VPC (`CellNetwork.vpc_id`): home of the domain's security group."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets of that VPC, one per zone: exactly `ZONE_COUNT` (`CellNetwork.subnet_ids`)."""
    vpc_cidr: str
    """The VPC's CIDR (`CellNetwork.vpc_cidr`): the only source admitted, on HTTPS."""
    reader_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Roles allowed to query (es:ESHttpGet/Post on the domain); the collector's role writes."""
    writer_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    admin_role_arn: pulumi.Input[str] | None = None
    """The domain's master user (fine-grained access control): applies the bootstrap requests. Without it the
    domain has no administrator until one is set."""
    instance_type: str = "r6g.large.search"
    instance_count: int = 3
    """Data nodes, spread over three zones (3..30)."""
    volume_size_gb: int = 100
    log_retention_days: int = 400
    """Retention of the domain's own CloudWatch log groups (>= 365)."""
    retention_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_RETENTION_DAYS))
    """Index retention per data class (days)."""


def validate_args(args: LogDomainArgs) -> None:
    require_jurisdiction("LogDomain", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("LogDomain", "region", args.region, args.jurisdiction)
    require_range("LogDomain", "instance_count", args.instance_count, 3, 30)
    require_range("LogDomain", "volume_size_gb", args.volume_size_gb, 10, 3072)
    require_range("LogDomain", "log_retention_days", args.log_retention_days, 365, 3653)
    require_vpc_cidr("LogDomain", args.vpc_cidr)
    if len(args.subnet_ids) != ZONE_COUNT:
        raise ValueError(
            f"LogDomain: subnet_ids: {len(args.subnet_ids)} given; allowed: exactly {ZONE_COUNT} private subnets, "
            "one per zone the domain spans"
        )
    for data_class, days in args.retention_days.items():
        if data_class not in DEFAULT_RETENTION_DAYS:
            raise ValueError(
                f"LogDomain: retention_days: unknown data class {data_class!r}; allowed: {', '.join(DEFAULT_RETENTION_DAYS)}"
            )
        require_range("LogDomain", f"retention_days[{data_class!r}]", days, 1, 3653)


def write_alias(data_class: str) -> str:
    """The alias the collector writes a data class's logs to; its indexes are `logs-<class>-000001`, ..."""
    return f"logs-{data_class}"


ROLLOVER_AGE = "1d"
"""A data class's write index rolls over daily, so deletion after N days removes whole days."""


def retention_policies(retention_days: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """One ISM policy per data class: indexes `logs-<class>-*` roll over daily and are deleted after the class's
    days (counted from each index's rollover)."""
    return {
        data_class: {
            "policy": {
                "description": f"Trust Fabric: delete {data_class} logs after {days} days",
                "default_state": "hot",
                "states": [
                    {
                        "name": "hot",
                        "actions": [{"rollover": {"min_index_age": ROLLOVER_AGE}}],
                        "transitions": [{"state_name": "delete", "conditions": {"min_rollover_age": f"{days}d"}}],
                    },
                    {"name": "delete", "actions": [{"delete": {}}], "transitions": []},
                ],
                "ism_template": [{"index_patterns": [f"{write_alias(data_class)}-*"], "priority": 100}],
            }
        }
        for data_class, days in sorted(retention_days.items())
    }


LOG_WRITER_ROLE = {
    "cluster_permissions": ["cluster_monitor", "indices:data/write/bulk"],
    "index_permissions": [
        {"index_patterns": ["logs-*"], "allowed_actions": ["indices:data/write/*", "indices:admin/mapping/put"]}
    ],
}
"""What the collector may do inside OpenSearch: bulk-write documents to `logs-*`, nothing else (no reads,
deletes, index creation or settings)."""


def bootstrap_requests(retention_days: Mapping[str, int], writer_role_arns: Sequence[str]) -> list[dict[str, Any]]:
    """The REST requests the master user applies once per domain, in order (each idempotent except the first
    index, which fails harmlessly with `resource_already_exists_exception` when it exists)."""
    requests: list[dict[str, Any]] = [
        {"method": "PUT", "path": "/_plugins/_security/api/roles/log-writer", "body": LOG_WRITER_ROLE},
        {
            "method": "PUT",
            "path": "/_plugins/_security/api/rolesmapping/log-writer",
            "body": {"backend_roles": sorted(writer_role_arns)},
        },
    ]
    for data_class, policy in retention_policies(retention_days).items():
        alias = write_alias(data_class)
        requests += [
            {"method": "PUT", "path": f"/_plugins/_ism/policies/logs-{data_class}", "body": policy},
            {
                "method": "PUT",
                "path": f"/_index_template/{alias}",
                "body": {
                    "index_patterns": [f"{alias}-*"],
                    "template": {"settings": {"plugins.index_state_management.rollover_alias": alias}},
                },
            },
            {
                "method": "PUT",
                "path": f"/{alias}-000001",
                "body": {"aliases": {alias: {"is_write_index": True}}},
            },
        ]
    return requests


class LogDomain(pulumi.ComponentResource):
    """An encrypted, HTTPS-only OpenSearch domain for a cell's redacted logs, inside the cell's VPC."""

    endpoint: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: LogDomainArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:observability:LogDomain", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        log_groups = {}
        for kind in ("INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"):
            log_groups[kind] = aws.cloudwatch.LogGroup(
                f"{name}-{kind.lower().replace('_', '-')}",
                name=f"/trustfabric/{args.jurisdiction.lower()}/opensearch/{name}/{kind.lower()}",
                kms_key_id=args.kms_key_arn,
                retention_in_days=args.log_retention_days,
                opts=child,
            )
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        domain_name = f"{name}"[:28]
        resource_arn = identity.account_id.apply(
            lambda account: f"arn:aws:es:{args.region}:{account}:domain/{domain_name}/*"
        )
        access_policy = pulumi.Output.all(
            resource_arn, list(args.reader_role_arns), list(args.writer_role_arns), identity.account_id
        ).apply(
            lambda values: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        statement
                        for statement in (
                            {
                                "Sid": "Read",
                                "Effect": "Allow",
                                "Principal": {"AWS": list(values[1])},
                                "Action": ["es:ESHttpGet", "es:ESHttpPost", "es:ESHttpHead"],
                                "Resource": values[0],
                            }
                            if values[1]
                            else None,
                            {
                                "Sid": "Write",
                                "Effect": "Allow",
                                "Principal": {
                                    "AWS": list(values[2]) or [f"arn:aws:iam::{values[3]}:role/trustfabric-log-writer"]
                                },
                                "Action": ["es:ESHttpPost", "es:ESHttpPut"],
                                "Resource": values[0],
                            },
                        )
                        if statement is not None
                    ],
                },
                sort_keys=True,
            )
        )
        security_group = service_security_group(
            f"{name}-sg",
            name=f"{domain_name}-opensearch",
            description=f"HTTPS to the {args.jurisdiction} log domain from inside the cell VPC only",
            rule_description="HTTPS from the cell VPC",
            port=HTTPS,
            vpc_id=args.vpc_id,
            vpc_cidr=args.vpc_cidr,
            opts=child,
        )
        advanced_security: aws.opensearch.DomainAdvancedSecurityOptionsArgsDict = {
            "enabled": True,
            "internal_user_database_enabled": False,
            "anonymous_auth_enabled": False,
        }
        if args.admin_role_arn:
            advanced_security["master_user_options"] = {"master_user_arn": args.admin_role_arn}
        domain = aws.opensearch.Domain(
            f"{name}-domain",
            domain_name=domain_name,
            engine_version="OpenSearch_2.19",
            cluster_config={
                "instance_type": args.instance_type,
                "instance_count": args.instance_count,
                "zone_awareness_enabled": True,
                "zone_awareness_config": {"availability_zone_count": ZONE_COUNT},
                "dedicated_master_enabled": True,
                "dedicated_master_type": "m6g.large.search",
                "dedicated_master_count": 3,
            },
            ebs_options={"ebs_enabled": True, "volume_size": args.volume_size_gb, "volume_type": "gp3"},
            encrypt_at_rest={"enabled": True, "kms_key_id": args.kms_key_arn},
            node_to_node_encryption={"enabled": True},
            vpc_options={"subnet_ids": list(args.subnet_ids), "security_group_ids": [security_group.id]},
            domain_endpoint_options={"enforce_https": True, "tls_security_policy": TLS_POLICY},
            advanced_security_options=advanced_security,
            snapshot_options={"automated_snapshot_start_hour": 2},
            log_publishing_options=[
                {"log_type": kind, "cloudwatch_log_group_arn": group.arn, "enabled": True}
                for kind, group in log_groups.items()
            ],
            access_policies=access_policy,
            opts=child,
        )
        self.endpoint = domain.endpoint.apply(lambda host: f"https://{host}")
        self.arn = domain.arn
        self.retention = retention_policies(args.retention_days)
        self.bootstrap = pulumi.Output.all(*args.writer_role_arns).apply(
            lambda writers: bootstrap_requests(args.retention_days, [str(w) for w in writers])
        )
        self.register_outputs({"endpoint": self.endpoint, "arn": self.arn, "bootstrap_requests": self.bootstrap})
