"""aws-governance-destination-region-in-jurisdiction: replicas and copies stay in their jurisdiction's regions.

Judged destinations, each against the allowed regions of the source's `jurisdiction` tag (own over provider
default tags; for a replication configuration its source bucket's, for a table replica its table's, since the
data is theirs):

- S3 replication: `aws.s3.BucketReplicationConfig` rules' `destination.bucket`;
- DynamoDB: a table's `replicas[].region_name` and every `aws.dynamodb.TableReplica`'s region;
- Secrets Manager: a secret's `replicas[].region`;
- AWS Backup: plan rules' `copy_actions[].destination_vault_arn`;
- Aurora global databases: every member cluster (`global_cluster_identifier`) lies in the allowed regions of every
  jurisdiction its fellow members (and the global cluster) carry.

A destination declared in the stack (matched by property dependency, literal name or Pulumi auto-name) is judged
by that resource's region; otherwise by the region field of its ARN, or for S3 (whose ARNs carry none) by the
region our naming convention puts in the bucket name. A destination whose region cannot be told is a violation
saying so, never a pass. Sources without a jurisdiction tag are left to aws-governance-tags-required and unknown
codes to aws-governance-resource-region-in-jurisdiction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.props import region_of, unknown_itself
from policies.lib.residency import (
    RESIDENCY_SCHEMA,
    arn_region,
    arn_resource_name,
    names_match,
    region_in_name,
    residency_config,
)
from policies.lib.s3 import BUCKET_TYPES, targets_bucket
from policies.lib.tags import jurisdiction_of

META = PolicyMeta(
    id="TF-AWS-GOV-004",
    name="aws-governance-destination-region-in-jurisdiction",
    description=(
        "Replication, replica and backup copy destinations lie in regions allowed for the source's jurisdiction."
    ),
    severity="critical",
    topics=("residency", "governance", "resilience"),
    controls={
        "SOC2": ("C1.1", "CC6.1"),
        "ISO27001:2022": ("A.5.34", "A.5.31"),
        "GDPR": ("Art.44", "Art.46"),
    },
    remediation="Point the replica or copy at the jurisdiction's paired region (the cell's standby region).",
    config_schema=RESIDENCY_SCHEMA,
)

REPLICATION_TYPES = (
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:s3/bucketReplicationConfigurationV2:BucketReplicationConfigurationV2",
)
TABLE = "aws:dynamodb/table:Table"
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"
SECRET = "aws:secretsmanager/secret:Secret"
PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
CLUSTER = "aws:rds/cluster:Cluster"
GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"

Destination = tuple[str, str | None]
"""(how the message names the destination, its region or None when it cannot be told)."""


def _resolve(
    owner: Any, prop: str, value: Any, unknown: bool, candidates: Sequence[Any], identifiers: Sequence[str]
) -> list[Destination]:
    """Where an ARN-valued reference points: a resource of the stack, else the ARN's own region."""
    if unknown or not isinstance(value, str):
        urns = {candidate.urn for candidate in candidates}
        dependencies = [d for d in owner.property_dependencies.get(prop, []) if d.urn in urns]
        if dependencies:
            return [(f"'{d.name}'", region_of(d)) for d in dependencies]
        return [("(not known during preview)", None)]
    name = arn_resource_name(value)
    for candidate in candidates:
        if names_match(name, candidate, identifiers):
            return [(f"'{value}'", region_of(candidate))]
    return [(f"'{value}'", arn_region(value) or region_in_name(name))]


class _Judge:
    def __init__(self, allowed: dict[str, tuple[str, ...]], report: ReportViolation) -> None:
        self.allowed = allowed
        self.report = report

    def code(self, *resources: Any) -> str | None:
        """The first known jurisdiction code among `resources` (the source, then its fallbacks)."""
        for resource in resources:
            code = jurisdiction_of(resource)
            if isinstance(code, str):
                return code if code in self.allowed else None
        return None

    def __call__(self, source: Any, kind: str, code: str | None, verb: str, destinations: list[Destination]) -> None:
        if code is None:
            return
        allowed = self.allowed[code]
        for destination, region in destinations:
            what = " ".join(part for part in (verb, destination) if part)
            if region is None:
                self.report(
                    f"{kind} '{source.name}' ({code} data) {what} whose region is not known; "
                    f"declare it in this stack or use an ARN in one of {', '.join(allowed)}.",
                    source.urn,
                )
            elif region not in allowed:
                self.report(
                    f"{kind} '{source.name}' ({code} data) {what} in {region}, outside {code}'s "
                    f"allowed regions {', '.join(allowed)}; point it at the cell's paired region.",
                    source.urn,
                )


def _items(resource: Any, prop: str) -> list[Any] | None:
    """The list input `prop`, or None when it is not known during preview."""
    if unknown_itself(resource.props, prop):
        return None
    return list(range(len(get(resource.props, prop, default=[]))))


def _replication(resource: Any, resources: Sequence[Any], judge: _Judge) -> None:
    buckets = [r for r in resources if r.resource_type in BUCKET_TYPES]
    sources = [b for b in buckets if targets_bucket(resource, b)]
    code = judge.code(*sources, resource)
    indexes = _items(resource, "rules")
    if indexes is None:
        judge(resource, "S3 replication configuration", code, "replicates to", [("(rules not known)", None)])
        return
    rules = get(resource.props, "rules")
    for index in indexes:
        path = (index, "destination", "bucket")
        unknown = unknown_itself(rules, *path)
        value = None if unknown else get(rules, *path)
        found = _resolve(resource, "rules", value, unknown, buckets, ("bucket",))
        judge(resource, "S3 replication configuration", code, "replicates to bucket", found)


def _region_list(resource: Any, judge: _Judge, kind: str, prop: str, key: str, verb: str) -> None:
    code = judge.code(resource)
    indexes = _items(resource, prop)
    if indexes is None:
        judge(resource, kind, code, verb, [("(not known during preview)", None)])
        return
    entries = get(resource.props, prop)
    for index in indexes:
        if unknown_itself(entries, index, key):
            judge(resource, kind, code, verb, [("(not known during preview)", None)])
            continue
        region = get(entries, index, key)
        if isinstance(region, str):
            judge(resource, kind, code, verb, [(region, region)])


def _table_replica(resource: Any, resources: Sequence[Any], judge: _Judge) -> None:
    tables = [r for r in resources if r.resource_type == TABLE]
    table_urns = {table.urn for table in tables}
    sources = [d for d in resource.property_dependencies.get("globalTableArn", []) if d.urn in table_urns]
    if not sources and not is_unknown(resource.props, "globalTableArn"):
        arn = get(resource.props, "globalTableArn")
        if isinstance(arn, str):
            sources = [t for t in tables if names_match(arn_resource_name(arn), t, ("name",))]
    region = region_of(resource)
    judge(resource, "DynamoDB table replica", judge.code(*sources, resource), "is placed", [("", region)])


def _copy_actions(plan: Any, resources: Sequence[Any], judge: _Judge) -> None:
    vaults = [r for r in resources if r.resource_type == VAULT]
    code = judge.code(plan)
    indexes = _items(plan, "rules")
    if indexes is None:
        judge(plan, "Backup plan", code, "copies to vault", [("(rules not known)", None)])
        return
    rules = get(plan.props, "rules")
    for index in indexes:
        if unknown_itself(rules, index, "copyActions"):
            judge(plan, "Backup plan", code, "copies to vault", [("(not known during preview)", None)])
            continue
        actions = get(rules, index, "copyActions", default=[])
        for action in range(len(actions)):
            unknown = unknown_itself(actions, action, "destinationVaultArn")
            value = None if unknown else get(actions, action, "destinationVaultArn")
            found = _resolve(plan, "rules", value, unknown, vaults, ("name",))
            judge(plan, "Backup plan", code, "copies to vault", found)


def _global_databases(resources: Sequence[Any], judge: _Judge) -> None:
    globals_ = [r for r in resources if r.resource_type == GLOBAL_CLUSTER]
    groups: dict[str, list[Any]] = {}
    labels: dict[str, str] = {}
    for cluster in resources:
        if cluster.resource_type != CLUSTER or "globalClusterIdentifier" not in cluster.props:
            continue
        dependencies = [
            d
            for d in cluster.property_dependencies.get("globalClusterIdentifier", [])
            if d.resource_type == GLOBAL_CLUSTER
        ]
        if dependencies:
            key, label = dependencies[0].urn, dependencies[0].name
        elif not is_unknown(cluster.props, "globalClusterIdentifier"):
            label = str(get(cluster.props, "globalClusterIdentifier"))
            key = label
            named = [g for g in globals_ if names_match(label, g, ("globalClusterIdentifier",))]
            key, label = (named[0].urn, named[0].name) if named else (key, label)
        else:
            continue  # which global database is not known: each member is still judged by its own region
        groups.setdefault(key, []).append(cluster)
        labels[key] = label
    for key, members in groups.items():
        owners = members + [g for g in globals_ if g.urn == key]
        codes = sorted({c for c in (judge.code(r) for r in owners) if c is not None})
        for member in members:
            for code in codes:
                verb = f"joins global database '{labels[key]}' and is placed"
                judge(member, "Aurora cluster", code, verb, [("", region_of(member))])


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    judge = _Judge(residency_config(args.get_config()), report_violation)
    resources = list(args.resources)
    handlers: dict[str, Callable[[Any], None]] = {
        TABLE: lambda r: _region_list(r, judge, "DynamoDB table", "replicas", "regionName", "has a replica in"),
        SECRET: lambda r: _region_list(r, judge, "Secrets Manager secret", "replicas", "region", "replicates to"),
        TABLE_REPLICA: lambda r: _table_replica(r, resources, judge),
        PLAN: lambda r: _copy_actions(r, resources, judge),
    }
    for resource in resources:
        if resource.resource_type in REPLICATION_TYPES:
            _replication(resource, resources, judge)
        elif resource.resource_type in handlers:
            handlers[resource.resource_type](resource)
    _global_databases(resources, judge)


POLICY = stack_policy(META, validate)
