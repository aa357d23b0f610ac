"""aws-backup-data-store-covered: every data store AWS Backup protects is selected by a backup selection.

Stores of the types AWS Backup protects (S3 buckets, RDS instances and clusters, DocumentDB and Neptune clusters,
DynamoDB tables, EFS file systems, EBS volumes, FSx file systems) must be covered by an `aws.backup.Selection`:

- its `resources` list the store's ARN: by property dependency on the store (`resources=[bucket.arn]`), or a
  literal ARN of the store's service whose name (wildcards allowed) matches the store's literal or auto-name, or
  `*`; minus its `not_resources`;
- or its `selection_tags` (STRINGEQUALS key/value) match a tag the store carries (own over provider default);
- `condition.string_equals` entries (key `aws:ResourceTag/<tag>`) must all match too when given, and alone select
  stores when the selection lists `*` or nothing else.

OpenSearch domains and ElastiCache (Redis/Valkey) keep their own snapshots instead: a domain needs
`snapshot_options.automated_snapshot_start_hour`, a replication group or cluster `snapshot_retention_limit` >= 1.
A store whose coverage depends on values not known during preview is a violation saying so, never a pass.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, effective_tags, get, is_unknown, stack_policy
from policies.lib.props import as_list, unknown_itself
from policies.lib.residency import arn_resource_name

META = PolicyMeta(
    id="TF-AWS-BAK-001",
    name="aws-backup-data-store-covered",
    description="Every data store of a type AWS Backup protects is selected by an AWS Backup selection.",
    severity="high",
    topics=("resilience", "backup"),
    controls={
        "SOC2": ("A1.2", "A1.3"),
        "ISO27001:2022": ("A.8.13",),
        "GDPR": ("Art.32(1)(c)",),
        "NIST-800-53": ("CP-9",),
    },
    remediation=(
        "List the store's ARN in an aws.backup.Selection's resources or tag it so a selection's selection_tags "
        "pick it up."
    ),
)

SELECTION = "aws:backup/selection:Selection"

# type -> (kind, ARN service, literal name inputs)
BACKED_UP: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "aws:s3/bucket:Bucket": ("S3 bucket", "s3", ("bucket",)),
    "aws:s3/bucketV2:BucketV2": ("S3 bucket", "s3", ("bucket",)),
    "aws:rds/instance:Instance": ("RDS instance", "rds", ("identifier",)),
    "aws:rds/cluster:Cluster": ("RDS cluster", "rds", ("clusterIdentifier",)),
    "aws:docdb/cluster:Cluster": ("DocumentDB cluster", "rds", ("clusterIdentifier",)),
    "aws:neptune/cluster:Cluster": ("Neptune cluster", "rds", ("clusterIdentifier",)),
    "aws:dynamodb/table:Table": ("DynamoDB table", "dynamodb", ("name",)),
    "aws:efs/fileSystem:FileSystem": ("EFS file system", "elasticfilesystem", ()),
    "aws:ebs/volume:Volume": ("EBS volume", "ec2", ()),
    "aws:fsx/lustreFileSystem:LustreFileSystem": ("FSx for Lustre file system", "fsx", ()),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": ("FSx for Windows file system", "fsx", ()),
    "aws:fsx/ontapFileSystem:OntapFileSystem": ("FSx for ONTAP file system", "fsx", ()),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": ("FSx for OpenZFS file system", "fsx", ()),
}
OPENSEARCH = "aws:opensearch/domain:Domain"
ELASTICACHE = {
    "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache replication group",
    "aws:elasticache/cluster:Cluster": "ElastiCache cluster",
}
UNKNOWN = object()


def _arn_matches(arn: str, store: Any) -> bool:
    """True when a literal ARN (wildcards allowed) in a selection names `store`."""
    if arn == "*":
        return True
    _, service, identifiers = BACKED_UP[store.resource_type]
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] not in (service, "*"):
        return False
    pattern = arn_resource_name(arn)
    for key in identifiers:
        if is_unknown(store.props, key):
            continue
        value = get(store.props, key)
        if isinstance(value, str) and value:
            return fnmatch.fnmatchcase(value, pattern)
    if pattern == "*":
        return True
    # auto-named: `<logical name>-<suffix>`
    return pattern.startswith(f"{store.name}-") or fnmatch.fnmatchcase(f"{store.name}-0000000", pattern)


def _listed(selection: Any, prop: str, store: Any) -> Any:
    """True/False when `prop` (resources or notResources) names the store; UNKNOWN when it cannot be told."""
    if any(d.urn == store.urn for d in selection.property_dependencies.get(prop, [])):
        return True
    if unknown_itself(selection.props, prop):
        return UNKNOWN
    entries = get(selection.props, prop, default=[])
    unknown = False
    for index in range(len(entries)):
        if unknown_itself(entries, index):
            unknown = True
        elif isinstance(entries[index], str) and _arn_matches(entries[index], store):
            return True
    return UNKNOWN if unknown else False


def _store_tags(store: Any) -> Any:
    return UNKNOWN if unknown_itself(store.props, "tags") else effective_tags(store)


def _tag_selected(selection: Any, tags: Any) -> Any:
    if unknown_itself(selection.props, "selectionTags"):
        return UNKNOWN
    conditions = get(selection.props, "selectionTags", default=[])
    if not conditions:
        return False
    if tags is UNKNOWN:
        return UNKNOWN
    for index in range(len(conditions)):
        if unknown_itself(conditions, index):
            return UNKNOWN
        condition = conditions[index]
        if str(get(condition, "type", default="")).upper() == "STRINGEQUALS" and tags.get(get(condition, "key")) == get(
            condition, "value"
        ):
            return True
    return False


def _conditions(selection: Any, tags: Any) -> Any:
    """None when the selection has no string_equals conditions, else whether the store meets them all."""
    if unknown_itself(selection.props, "conditions"):
        return UNKNOWN
    found = []
    for block in as_list(get(selection.props, "conditions", default=[])):
        for entry in as_list(get(block, "stringEquals", default=[])):
            found.append((str(get(entry, "key", default="")), get(entry, "value")))
    if not found:
        return None
    if tags is UNKNOWN:
        return UNKNOWN
    return all(tags.get(key.split("/", 1)[-1]) == value for key, value in found)


def covers(selection: Any, store: Any) -> Any:
    """True/False whether the selection backs the store up; UNKNOWN when a value needed is not known."""
    tags = _store_tags(store)
    listed = _listed(selection, "resources", store)
    tagged = _tag_selected(selection, tags)
    conditions = _conditions(selection, tags)
    excluded = _listed(selection, "notResources", store)
    if excluded is True:
        return False
    if conditions is not None:
        # Conditions narrow the selection; with `*` (or nothing else given) they are what selects.
        entries = [] if unknown_itself(selection.props, "resources") else get(selection.props, "resources", default=[])
        only_conditions = tagged is False and (not entries or "*" in [str(e) for e in as_list(entries)])
        base = (
            True
            if only_conditions
            else (True if True in (listed, tagged) else (UNKNOWN if UNKNOWN in (listed, tagged) else False))
        )
        if base is False or conditions is False:
            return False
        result = True if (base is True and conditions is True) else UNKNOWN
    elif True in (listed, tagged):
        result = True
    elif UNKNOWN in (listed, tagged):
        result = UNKNOWN
    else:
        result = False
    if result is True and excluded is UNKNOWN:
        return UNKNOWN
    return result


def _judge_snapshots(resource: Any, report_violation: ReportViolation) -> None:
    props = resource.props
    if resource.resource_type == OPENSEARCH:
        path = ("snapshotOptions", "automatedSnapshotStartHour")
        if unknown_itself(props, "snapshotOptions") or unknown_itself(props, *path):
            report_violation(
                f"OpenSearch domain '{resource.name}': snapshot_options is not known during preview; set "
                "automated_snapshot_start_hour literally.",
                resource.urn,
            )
        elif get(props, *path) is None:
            report_violation(
                f"OpenSearch domain '{resource.name}' has no automated snapshot schedule; set "
                "snapshot_options.automated_snapshot_start_hour.",
                resource.urn,
            )
        return
    kind = ELASTICACHE[resource.resource_type]
    if resource.resource_type == "aws:elasticache/cluster:Cluster":
        if is_unknown(props, "engine") or get(props, "engine") == "memcached":
            return  # memcached has no snapshots; a cluster in a replication group is judged by the group
        if get(props, "replicationGroupId") is not None or is_unknown(props, "replicationGroupId"):
            return
    if is_unknown(props, "snapshotRetentionLimit"):
        report_violation(
            f"{kind} '{resource.name}': snapshot_retention_limit is not known during preview; set it literally "
            "to at least 1.",
            resource.urn,
        )
    elif not isinstance(limit := get(props, "snapshotRetentionLimit", default=0), (int, float)) or limit < 1:
        report_violation(
            f"{kind} '{resource.name}' keeps no automatic snapshots; set snapshot_retention_limit to at least 1.",
            resource.urn,
        )


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources: Sequence[Any] = list(args.resources)
    selections = [r for r in resources if r.resource_type == SELECTION]
    for store in resources:
        if store.resource_type == OPENSEARCH or store.resource_type in ELASTICACHE:
            _judge_snapshots(store, report_violation)
            continue
        if store.resource_type not in BACKED_UP:
            continue
        kind = BACKED_UP[store.resource_type][0]
        results = [covers(selection, store) for selection in selections]
        if True in results:
            continue
        if UNKNOWN in results:
            report_violation(
                f"{kind} '{store.name}': backup coverage cannot be proven during preview (a selection's resources "
                "or tags, or the store's tags, are not known); reference the store from an aws.backup.Selection.",
                store.urn,
            )
            continue
        report_violation(
            f"{kind} '{store.name}' is not covered by AWS Backup; list its ARN in an aws.backup.Selection's "
            "resources or give it a tag that a selection's selection_tags select.",
            store.urn,
        )


POLICY = stack_policy(META, validate)
