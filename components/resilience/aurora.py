"""Ledger database: an Aurora PostgreSQL global database, one member per stack of the pair.

- `global_role="primary"` (prod): an `aws.rds.GlobalCluster` `trustfabric-<deployment>-<cell>-ledger` and the
  primary cluster in it (managed master password in Secrets Manager under the cell's secrets key);
- `global_role="secondary"` (dr): the secondary cluster joining that global cluster by its deterministic
  identifier, encrypted with the dr region's data key, with no master credentials and no
  `replication_source_identifier`;
- `global_role="standalone"` (a single-region deployment such as dev): a regional cluster only.

Every cluster: storage encrypted with the cell's data key, deletion protection, IAM database authentication,
TLS forced by its parameter group, backups kept `backup_retention_days` (7..35), not publicly accessible, in the
private subnets of the cell's network (`components.network.CellNetwork`, passed in as `vpc_id`, `subnet_ids`,
`vpc_cidr`) behind its own security group that admits PostgreSQL from inside the VPC only.
`writer` is the global cluster's writer in code: the dr stack sets it when its role is `active`.

Logging: the parameter group logs connections, disconnections, every DDL statement (`log_statement`, default
`ddl`: schema and role changes; `mod` would also copy the ledger's restricted values into the logs) and every
statement slower than `log_min_duration_statement_ms`; the `postgresql` log is exported to a log group encrypted
with the cell's logs key and kept at least a year. Enhanced monitoring samples the OS every
`monitoring_interval` seconds through a monitoring role that only RDS of this account may assume and that
carries the cell's permission boundary.

A managed switchover or failover changes global membership and the replication source outside Pulumi; the
clusters ignore those fields (`SWITCHOVER_FIELDS`) so a reconcile never detaches a member.

Usage::

    ledger = LedgerDatabase(
        "uk-ledger",
        LedgerDatabaseArgs(
            deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            kms_key_arn=key_arns["data-restricted"], secrets_kms_key_arn=key_arns["secrets"],
            logs_kms_key_arn=key_arns["logs"], permissions_boundary_arn=boundary_arn,
            vpc_id=network.vpc_id, subnet_ids=network.subnet_ids, vpc_cidr=network.vpc_cidr,
            global_role="primary", instance_count=3,
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.network.cell_network import require_vpc_cidr, service_security_group
from components.trust import assume_role_policy
from components.validation import (
    require_choice,
    require_jurisdiction,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import cluster_identifier, global_cluster_identifier
from domain.tags import BACKUP_TIER

GLOBAL_ROLES = ("primary", "secondary", "standalone")
ENGINE = "aurora-postgresql"
TIER = "tier0"
ROLE_TAG = "ledger-role"
"""Tag naming the cluster's place in the global database: writer or reader."""
SWITCHOVER_FIELDS = ("globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion")
"""Fields a managed switchover/failover (or a global minor-version upgrade) changes outside Pulumi."""
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
"""Seconds between enhanced monitoring samples that RDS accepts (0, off, is not offered)."""
LOG_STATEMENT_LEVELS = ("ddl", "mod", "all")
"""PostgreSQL `log_statement` levels offered (`none` turns statement logging off and is not)."""
MONITORING_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


@dataclass(frozen=True)
class LedgerDatabaseArgs:
    """Arguments of a cell's ledger database member."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of every identifier."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA)."""
    region: str
    """Region of this member (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region`: storage and Performance Insights encryption."""
    logs_kms_key_arn: pulumi.Input[str]
    """The cell's logs key in `region`: the exported PostgreSQL log group."""
    vpc_id: pulumi.Input[str]
    """The cell network's VPC (`CellNetwork.vpc_id`)."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Its private subnets, two or more in different zones (`CellNetwork.subnet_ids`)."""
    vpc_cidr: str
    """Its CIDR (`CellNetwork.vpc_cidr`): the only source the database's security group admits."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by the enhanced monitoring role."""
    secrets_kms_key_arn: pulumi.Input[str] | None = None
    """The cell's secrets key: encrypts the managed master password; required unless `global_role` is secondary
    (a secondary has no master credentials of its own)."""
    global_role: str = "standalone"
    """primary (declares the global cluster), secondary (joins it) or standalone (no global database)."""
    writer: bool = True
    """This member is the global database's writer (the ledger-role tag); false for a standby secondary."""
    instance_count: int = 2
    """Cluster instances: 1..15 (one writer or reader, the rest readers and failover targets)."""
    instance_class: str = "db.r6g.large"
    """Instance class of every cluster instance."""
    engine_version: str = "16.4"
    """Aurora PostgreSQL version (the same on every member of the global database)."""
    backup_retention_days: int = 35
    """Automated backup retention: 7..35 days (the policy floor is 7)."""
    log_retention_days: int = 400
    """Retention of the exported PostgreSQL logs: 365..3653 days."""
    log_statement: str = "ddl"
    """Statements logged whatever their duration: ddl, mod (ddl and data changes) or all."""
    log_min_duration_statement_ms: int = 1000
    """Statements running at least this long are logged with their duration: 100..60000 ms."""
    monitoring_interval: int = 60
    """Enhanced monitoring sample interval in seconds: 1, 5, 10, 15, 30 or 60."""
    port: int = 5432


def validate_args(args: LedgerDatabaseArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("LedgerDatabase", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("LedgerDatabase", "region", args.region, args.jurisdiction)
    require_choice("LedgerDatabase", "global_role", args.global_role, GLOBAL_ROLES)
    if args.global_role != "secondary" and args.secrets_kms_key_arn is None:
        raise ValueError(
            f"LedgerDatabase: secrets_kms_key_arn: required for a {args.global_role} cluster "
            "(it holds the managed master password); allowed: the cell's secrets key ARN"
        )
    if args.global_role != "secondary" and not args.writer:
        raise ValueError(f"LedgerDatabase: writer: a {args.global_role} cluster is always the writer; allowed: True")
    require_range("LedgerDatabase", "instance_count", args.instance_count, 1, 15)
    require_range("LedgerDatabase", "backup_retention_days", args.backup_retention_days, 7, 35)
    require_range("LedgerDatabase", "log_retention_days", args.log_retention_days, 365, 3653)
    require_vpc_cidr("LedgerDatabase", args.vpc_cidr)
    if len(args.subnet_ids) < 2:
        raise ValueError(
            f"LedgerDatabase: subnet_ids: {len(args.subnet_ids)} given; allowed: 2 or more private subnets "
            "in different availability zones"
        )
    require_choice("LedgerDatabase", "log_statement", args.log_statement, LOG_STATEMENT_LEVELS)
    require_range("LedgerDatabase", "log_min_duration_statement_ms", args.log_min_duration_statement_ms, 100, 60000)
    if args.monitoring_interval not in MONITORING_INTERVALS:
        raise ValueError(
            f"LedgerDatabase: monitoring_interval: {args.monitoring_interval!r} is not allowed; "
            f"allowed: {', '.join(str(seconds) for seconds in MONITORING_INTERVALS)}"
        )


class LedgerDatabase(pulumi.ComponentResource):
    """One member of a cell's Aurora PostgreSQL global database (or a standalone cluster), in the cell's network."""

    cluster_arn: pulumi.Output[str]
    cluster_identifier: pulumi.Output[str]
    global_cluster_identifier: str | None

    def __init__(self, name: str, args: LedgerDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:resilience:LedgerDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        identifier = cluster_identifier(args.deployment, args.cell, args.region)

        security_group = service_security_group(
            f"{name}-sg",
            name=f"{identifier}-db",
            description=f"PostgreSQL from inside the {args.jurisdiction} ledger VPC only",
            rule_description="PostgreSQL from the VPC",
            port=args.port,
            vpc_id=args.vpc_id,
            vpc_cidr=args.vpc_cidr,
            opts=child,
        )
        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            name=identifier,
            description=f"Private subnets of the {args.jurisdiction} ledger in {args.region}",
            subnet_ids=list(args.subnet_ids),
            opts=child,
        )
        parameters = aws.rds.ClusterParameterGroup(
            f"{name}-parameters",
            name=identifier,
            family=f"aurora-postgresql{args.engine_version.split('.')[0]}",
            # The description is immutable in AWS (changing it replaces the group, which a running cluster uses).
            description="TLS only; connections and disconnections logged",
            parameters=[
                aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ClusterParameterGroupParameterArgs(name="log_connections", value="1"),
                aws.rds.ClusterParameterGroupParameterArgs(name="log_disconnections", value="1"),
                aws.rds.ClusterParameterGroupParameterArgs(name="log_statement", value=args.log_statement),
                aws.rds.ClusterParameterGroupParameterArgs(
                    name="log_min_duration_statement", value=str(args.log_min_duration_statement_ms)
                ),
            ],
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-postgresql-logs",
            name=f"/aws/rds/cluster/{identifier}/postgresql",
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )

        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        monitoring_role = aws.iam.Role(
            f"{name}-monitoring-role",
            name=f"{identifier}-monitoring",
            description=f"RDS enhanced monitoring of the {args.jurisdiction} ledger in {args.region}",
            assume_role_policy=account_id.apply(
                lambda account: assume_role_policy("monitoring.rds.amazonaws.com", account)
            ),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        monitoring_policy = aws.iam.RolePolicyAttachment(
            f"{name}-monitoring-role-policy",
            role=monitoring_role.name,
            policy_arn=MONITORING_POLICY_ARN,
            opts=child,
        )

        self.global_cluster_identifier = None
        global_id: pulumi.Input[str] | None = None
        if args.global_role in ("primary", "secondary"):
            self.global_cluster_identifier = global_cluster_identifier(args.deployment, args.cell)
            global_id = self.global_cluster_identifier
        if args.global_role == "primary":
            global_cluster = aws.rds.GlobalCluster(
                f"{name}-global",
                global_cluster_identifier=self.global_cluster_identifier,
                engine=ENGINE,
                engine_version=args.engine_version,
                storage_encrypted=True,
                deletion_protection=True,
                force_destroy=False,
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=["engineVersion"]),
            )
            global_id = global_cluster.id

        credentials: dict[str, object] = {}
        if args.global_role != "secondary":
            credentials = {
                "database_name": "ledger",
                "master_username": "ledger_admin",
                "manage_master_user_password": True,
                "master_user_secret_kms_key_id": args.secrets_kms_key_arn,
            }
        cluster = aws.rds.Cluster(  # type: ignore[call-overload]  # the optional credentials come as one mapping
            f"{name}-cluster",
            cluster_identifier=identifier,
            engine=ENGINE,
            engine_version=args.engine_version,
            global_cluster_identifier=global_id,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            deletion_protection=True,
            iam_database_authentication_enabled=True,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window="02:00-03:00",
            copy_tags_to_snapshot=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{identifier}-final",
            db_subnet_group_name=subnet_group.name,
            db_cluster_parameter_group_name=parameters.name,
            vpc_security_group_ids=[security_group.id],
            port=args.port,
            enabled_cloudwatch_logs_exports=["postgresql"],
            apply_immediately=False,
            tags={BACKUP_TIER: TIER, ROLE_TAG: "writer" if args.writer else "reader"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group], ignore_changes=list(SWITCHOVER_FIELDS)),
            **credentials,
        )
        for index in range(args.instance_count):
            aws.rds.ClusterInstance(
                f"{name}-instance-{index + 1}",
                identifier=f"{identifier}-{index + 1}",
                cluster_identifier=cluster.id,
                engine=aws.rds.EngineType.AURORA_POSTGRESQL,
                engine_version=args.engine_version,
                instance_class=args.instance_class,
                db_subnet_group_name=subnet_group.name,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=args.kms_key_arn,
                performance_insights_retention_period=7,
                monitoring_interval=args.monitoring_interval,
                monitoring_role_arn=monitoring_role.arn,
                promotion_tier=min(index, 15),
                copy_tags_to_snapshot=True,
                apply_immediately=False,
                opts=pulumi.ResourceOptions(
                    parent=self, ignore_changes=["engineVersion"], depends_on=[monitoring_policy]
                ),
            )

        self.cluster_arn = cluster.arn
        self.cluster_identifier = cluster.cluster_identifier
        self.register_outputs({"cluster_arn": self.cluster_arn, "cluster_identifier": self.cluster_identifier})
