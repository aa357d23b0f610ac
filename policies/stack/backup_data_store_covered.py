"""aws-backup-data-store-covered: every data store AWS Backup protects is selected by a backup selection.

Stores of the types AWS Backup protects (S3 buckets, RDS instances and clusters, DocumentDB and Neptune clusters,
DynamoDB tables, EFS file systems, EBS volumes, FSx file systems) must be covered by an `aws.backup.Selection`
(`policies.lib.backup.covers`: by ARN, by selection tags, narrowed by tag conditions) of the account the store
lives in (the account of the role its provider assumes; the deploying account when it assumes none). A selection
of another account naming the store covers nothing (AWS Backup selects only its own account's resources): the
violation says so, and names the account the store needs a selection in.

OpenSearch domains and ElastiCache (Redis/Valkey) keep their own snapshots instead: a domain needs
`snapshot_options.automated_snapshot_start_hour`, a replication group or cluster `snapshot_retention_limit` >= 1.
A store whose coverage depends on values not known during preview is a violation saying so, never a pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.backup import BACKED_UP, SELECTION, UNKNOWN, account_label, covers, same_account, selects
from policies.lib.props import unknown_itself

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
        "List the store's ARN in an aws.backup.Selection's resources, or tag it so a selection's selection_tags "
        "pick it up, in a backup plan of the account the store lives in."
    ),
)

OPENSEARCH = "aws:opensearch/domain:Domain"
ELASTICACHE = {
    "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache replication group",
    "aws:elasticache/cluster:Cluster": "ElastiCache cluster",
}


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
                "or tags, the store's tags, or the account either lives in, are not known); reference the store "
                "from an aws.backup.Selection of its account.",
                store.urn,
            )
            continue
        elsewhere = [s for s in selections if selects(s, store) is True and same_account(s, store) is False]
        if elsewhere:
            names = ", ".join(f"'{s.name}' ({account_label(s)})" for s in elsewhere)
            report_violation(
                f"{kind} '{store.name}' in {account_label(store)} is selected only by backup selections of another "
                f"account ({names}), and AWS Backup selects only resources of its own account; select it in a "
                "backup plan declared through a provider of the store's account.",
                store.urn,
            )
            continue
        report_violation(
            f"{kind} '{store.name}' is not covered by AWS Backup; list its ARN in an aws.backup.Selection's "
            "resources or give it a tag that a selection's selection_tags select.",
            store.urn,
        )


POLICY = stack_policy(META, validate)
