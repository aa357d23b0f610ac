"""stack-dr-readiness-replica-in-paired-region: every data store of a paired stack has its counterpart in the
jurisdiction's paired region.

Judged in the stack's own graph, per data store (region: its own `region` input, else its provider's; jurisdiction:
its `jurisdiction` tag over its provider's default tags; the paired region from the residency table):

- **S3 buckets with a `backup-tier` tag** (the records buckets; access-log and audit buckets are protected by
  backup copies instead): an enabled rule of an `aws.s3.BucketReplicationConfig` targeting the bucket whose
  destination bucket lies in the paired region (the graph's bucket of that name, else the region in the name,
  which the naming convention puts there), with its replica key, when given, in the paired region too; or, for a
  replica target (the dr footprint), a `replica-of` tag naming a source bucket in the paired region.
- **Aurora clusters**: membership of a global database (`global_cluster_identifier` set): its other member
  lives in the other stack of the pair.
- **DynamoDB tables**: a `replicas` entry whose `region_name` is the paired region. (dr declares no table: the
  replica is DynamoDB's; prod's table shows it.)
- **Aurora clusters and DynamoDB tables of a warm-standby tier** need no replica: when the store's recovery tier
  (its `backup-tier` tag; the strictest tier when absent) allows failover by restoring a cross-region backup
  copy, a backup rule covering the store that copies into the paired region within the tier's failover RPO is
  enough. The rule (`policies.lib.recovery`): the tier's failover RTO is at least its restore RTO, and the copy's
  worst-case loss (schedule interval + start window + completion window + `copyTransferMinutes`) is at most its
  failover RPO. The shipped tiers (tier0, records) fail over within minutes and need replicas; a config may add
  tiers (`additionalTiers`) but never redefine a shipped one.
- **Backup vaults**: every backup plan rule targeting the vault copies to a vault whose ARN is in the paired
  region. A vault no rule targets is a copy destination, and passes when it receives copies from the paired
  region: a copy action in this graph names it (its ARN: the vault's region and name) in a rule of a plan in the
  paired region, or, when the copying plan lives in another stack (prod copies into dr's vault), its
  `backup-copy-source` tag names the source vault's ARN in the paired region. A vault that neither backs up nor
  receives copies from the paired region is a violation.

Only stacks of the pair are judged: resources whose `stack` tag (the provider's default tags) is not one of
`pairedStacks` (default prod, dr) are single-region by design (dev). A missing stack tag is judged. A value not
known during preview is a violation saying what could not be proven, never a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.facts import JURISDICTIONS, TIERS
from policies.lib.props import unknown_itself
from policies.lib.recovery import (
    COPY_TRANSFER_MINUTES,
    TIER_OBJECTIVES_SCHEMA,
    copies_can_meet,
    copy_evidence,
    tier_of,
    tier_table,
)
from policies.lib.residency import arn_resource_name, names_match
from policies.lib.s3 import BUCKET_TYPES, targets_bucket

META = PolicyMeta(
    id="TF-STACK-DR-001",
    name="stack-dr-readiness-replica-in-paired-region",
    description=(
        "Every primary data store of a paired stack has its replica (or, for a tier a backup copy meets, a timely "
        "backup copy) and every backup vault its copy target or source in the paired region of its jurisdiction."
    ),
    severity="high",
    topics=("resilience", "disaster-recovery", "residency"),
    controls={
        "SOC2": ("A1.2", "A1.3"),
        "ISO27001:2022": ("A.5.30", "A.8.13", "A.8.14"),
        "GDPR": ("Art.32(1)(c)",),
        "NIST-800-53": ("CP-6", "CP-9", "CP-10"),
    },
    remediation=(
        "Replicate the store to the same cell's counterpart in the paired region (S3 replication rule, DynamoDB "
        "replica, Aurora global database), or for a warm-standby tier copy its backups there within the tier's "
        "failover RPO, and give every backup rule a copy action to the paired region's vault."
    ),
    config_schema={
        "pairedStacks": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["prod", "dr"],
            "description": "Stacks (by their `stack` tag) that form the primary/standby pair.",
        },
        "copyTransferMinutes": {
            "type": "integer",
            "minimum": 0,
            "default": COPY_TRANSFER_MINUTES,
            "description": "Minutes a recovery point's copy takes to reach the paired region after its backup.",
        },
        "additionalTiers": {
            "type": "object",
            "default": {},
            "propertyNames": {"not": {"enum": sorted(TIERS)}},
            "additionalProperties": TIER_OBJECTIVES_SCHEMA,
            "description": "Recovery tiers beside the shipped ones (name -> objectives in minutes).",
        },
    },
    floors={"copyTransferMinutes": COPY_TRANSFER_MINUTES},
)

TIER_TAG = "backup-tier"
REPLICA_OF_TAG = "replica-of"
COPY_SOURCE_TAG = "backup-copy-source"
"""On a vault that only receives copies: the ARN of the vault (in the paired region) whose plan copies into it."""
RDS_CLUSTER = "aws:rds/cluster:Cluster"
GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"
TABLE = "aws:dynamodb/table:Table"
VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
REPLICATION_TYPES = (
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:s3/bucketReplicationConfigurationV2:BucketReplicationConfigurationV2",
)
_REGION = re.compile(r"(?<![a-z0-9])([a-z]{2}(?:-gov)?-[a-z]+-\d)(?![0-9])")


def _tags(resource: Any) -> dict[str, Any] | None:
    """Own tags over the provider's default tags; None when the own tag map itself is not known."""
    merged: dict[str, Any] = {}
    provider = resource.provider
    if provider is not None and not is_unknown(provider.props, "defaultTags"):
        default_tags = get(provider.props, "defaultTags", default={})
        if isinstance(default_tags, str):
            try:
                default_tags = json.loads(default_tags)
            except ValueError:
                default_tags = {}
        inner = default_tags.get("tags") if isinstance(default_tags, Mapping) else None
        if isinstance(inner, Mapping):
            merged.update({str(key): inner[key] for key in inner})
    if unknown_itself(resource.props, "tags"):
        return None
    own = get(resource.props, "tags", default={})
    if isinstance(own, Mapping):
        # A single tag not known during preview is left out; the checks that read it ask for it themselves.
        merged.update({str(key): own[key] for key in own if not is_unknown(own, key)})
    return merged


def _region(resource: Any) -> str | None:
    if "region" in resource.props and not is_unknown(resource.props, "region"):
        own = get(resource.props, "region")
        if isinstance(own, str):
            return own
    provider = resource.provider
    if provider is None or is_unknown(provider.props, "region"):
        return None
    region = get(provider.props, "region")
    return region if isinstance(region, str) else None


def _arn_region(arn: Any) -> str | None:
    """The region field of an ARN (`arn:aws:<service>:<region>:...`), or None."""
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[3] or None if len(parts) > 3 else None


def _bucket_region(arn: Any, buckets: Mapping[str, Any]) -> str | None:
    """Region of a bucket ARN: the graph's bucket of that name, else the region its name carries."""
    if not isinstance(arn, str):
        return None
    name = arn.rsplit(":", 1)[-1]
    if name in buckets:
        return _region(buckets[name])
    found = _REGION.findall(name)
    return found[-1] if found else None


def _kind(resource: Any) -> str | None:
    if resource.resource_type in BUCKET_TYPES:
        if is_unknown(resource.props, "tags"):
            return "S3 bucket"
        tags = get(resource.props, "tags", default={})
        return "S3 bucket" if isinstance(tags, Mapping) and TIER_TAG in tags else None
    if resource.resource_type == RDS_CLUSTER:
        engine = get(resource.props, "engine", default="") if not is_unknown(resource.props, "engine") else "aurora"
        return "Aurora cluster" if str(engine).startswith("aurora") else None
    if resource.resource_type == TABLE:
        return "DynamoDB table"
    if resource.resource_type == VAULT:
        return "Backup vault"
    return None


def _unknown(kind: str, name: str, what: str, paired: str) -> str:
    return (
        f"{kind} '{name}': {what} is not known during preview; its replica in the paired region {paired} "
        "cannot be proven."
    )


def _bucket_problem(
    resource: Any, resources: list[Any], buckets: Mapping[str, Any], label: str, paired: str
) -> str | None:
    name = resource.name
    tags = get(resource.props, "tags", default={}) if not is_unknown(resource.props, "tags") else None
    if tags is None:
        return _unknown("S3 bucket", name, "tags", paired)
    if REPLICA_OF_TAG in tags:
        if is_unknown(resource.props, "tags", REPLICA_OF_TAG):
            return _unknown("S3 bucket", name, f"the {REPLICA_OF_TAG} tag", paired)
        source = tags[REPLICA_OF_TAG]
        if _bucket_region(source, buckets) == paired:
            return None
        return (
            f"S3 bucket '{name}' {label} is tagged as the replica of '{source}', which is not in the paired region "
            f"{paired}; tag it with the ARN of the same cell's records bucket in {paired}."
        )
    for configuration in resources:
        if configuration.resource_type not in REPLICATION_TYPES or not targets_bucket(configuration, resource):
            continue
        if is_unknown(configuration.props, "rules"):
            return _unknown("S3 bucket", name, f"the rules of replication configuration '{configuration.name}'", paired)
        for rule in get(configuration.props, "rules", default=[]):
            if get(rule, "status") != "Enabled":
                continue
            if is_unknown(rule, "destination"):
                return _unknown("S3 bucket", name, f"the destination of '{configuration.name}'", paired)
            destination = get(rule, "destination", default={})
            if _bucket_region(get(destination, "bucket"), buckets) != paired:
                continue
            replica_key = get(destination, "encryptionConfiguration", "replicaKmsKeyId")
            if replica_key is not None and _arn_region(replica_key) != paired:
                return (
                    f"S3 bucket '{name}' {label} replicates to {paired} but encrypts replicas with '{replica_key}', "
                    f"outside it; set replica_kms_key_id to the data key's replica in {paired}."
                )
            return None
    return (
        f"S3 bucket '{name}' {label} has no replica in the paired region {paired}; add an "
        f"aws.s3.BucketReplicationConfig rule whose destination is the cell's records bucket in {paired}."
    )


def _cluster_problem(resource: Any, label: str, paired: str) -> str | None:
    if any(
        dep.resource_type == GLOBAL_CLUSTER for dep in resource.property_dependencies.get("globalClusterIdentifier", [])
    ):
        return None
    if is_unknown(resource.props, "globalClusterIdentifier"):
        return _unknown("Aurora cluster", resource.name, "global_cluster_identifier", paired)
    if get(resource.props, "globalClusterIdentifier"):
        return None
    return (
        f"Aurora cluster '{resource.name}' {label} is not a member of a global database; set "
        f"global_cluster_identifier so that the cell's other member runs in the paired region {paired}."
    )


def _table_problem(resource: Any, label: str, paired: str) -> str | None:
    if is_unknown(resource.props, "replicas"):
        return _unknown("DynamoDB table", resource.name, "replicas", paired)
    for replica in get(resource.props, "replicas", default=[]):
        if get(replica, "regionName") == paired:
            return None
    return (
        f"DynamoDB table '{resource.name}' {label} has no replica in the paired region {paired}; add "
        f"replicas=[{{region_name: '{paired}', kms_key_arn: <the data key's replica>}}]."
    )


def _targets_vault(plan: Any, rule: Any, vault: Any, vault_name: Any) -> bool:
    if is_unknown(rule, "targetVaultName"):
        return any(dep.urn == vault.urn for dep in plan.property_dependencies.get("rules", []))
    return vault_name is not None and get(rule, "targetVaultName") == vault_name


def _vault_problem(resource: Any, resources: list[Any], label: str, paired: str) -> str | None:
    name = resource.name
    vault_name = None if is_unknown(resource.props, "name") else get(resource.props, "name")
    fix = f"add a copy action to the cell's vault in the paired region {paired} on every rule."
    rules = 0
    for plan in resources:
        if plan.resource_type != PLAN:
            continue
        if is_unknown(plan.props, "rules"):
            if any(dep.urn == resource.urn for dep in plan.dependencies):
                return _unknown("Backup vault", name, f"the rules of backup plan '{plan.name}'", paired)
            continue
        for rule in get(plan.props, "rules", default=[]):
            if not _targets_vault(plan, rule, resource, vault_name):
                continue
            rules += 1
            rule_name = get(rule, "ruleName", default="?") if not is_unknown(rule, "ruleName") else "?"
            if is_unknown(rule, "copyActions"):
                return _unknown("Backup vault", name, f"the copy actions of rule '{rule_name}'", paired)
            targets = [
                _arn_region(get(action, "destinationVaultArn")) for action in get(rule, "copyActions", default=[])
            ]
            if paired not in targets:
                return (
                    f"Backup vault '{name}' {label}: rule '{rule_name}' of plan '{plan.name}' has no copy action "
                    f"into the paired region; {fix}"
                )
    if rules == 0:
        return _copy_target_problem(resource, resources, label, paired)
    return None


def _copy_target_problem(vault: Any, resources: list[Any], label: str, paired: str) -> str | None:
    """A vault no backup rule targets: it must receive copies from the paired region (see the module docstring)."""
    name = vault.name
    if is_unknown(vault.props, "tags", COPY_SOURCE_TAG):
        return _unknown("Backup vault", name, f"the {COPY_SOURCE_TAG} tag", paired)
    source = (_tags(vault) or {}).get(COPY_SOURCE_TAG)
    if source is not None:
        if _arn_region(source) == paired:
            return None
        return (
            f"Backup vault '{name}' {label} is tagged as the copy target of '{source}', which is not in the paired "
            f"region {paired}; tag it with the ARN of the same cell's vault in {paired}."
        )
    sources, unknown = _copy_sources(vault, resources)
    if paired in sources:
        return None
    if unknown:
        return _unknown("Backup vault", name, "a copy action's destination vault", paired)
    if sources:
        regions = ", ".join(sorted(sources))
        return (
            f"Backup vault '{name}' {label} receives copies only from {regions}, not from the paired region "
            f"{paired}; copy into it from the cell's plans in {paired}."
        )
    return (
        f"Backup vault '{name}' {label}: no backup plan rule targets it and it receives no copies; add a copy action "
        f"to the cell's vault in the paired region {paired} on every rule targeting it, or, for a copy target, tag "
        f"it {COPY_SOURCE_TAG}=<the ARN of the vault in {paired} that copies into it>."
    )


def _copy_sources(vault: Any, resources: list[Any]) -> tuple[set[str], bool]:
    """Regions of the plans in the graph whose rules copy into `vault` (matched by ARN: region and name), and
    whether a copy destination (which may be this vault) is not known during preview."""
    region = _region(vault)
    sources: set[str] = set()
    unknown = False
    for plan in resources:
        if plan.resource_type != PLAN:
            continue
        if unknown_itself(plan.props, "rules"):
            unknown = unknown or any(dep.urn == vault.urn for dep in plan.dependencies)
            continue
        for rule in get(plan.props, "rules", default=[]):
            if unknown_itself(rule, "copyActions"):
                unknown = True
                continue
            for action in get(rule, "copyActions", default=[]):
                if unknown_itself(action, "destinationVaultArn"):
                    unknown = True  # it may name this vault: never a pass by accident
                    continue
                arn = get(action, "destinationVaultArn")
                if (
                    isinstance(arn, str)
                    and _arn_region(arn) == region
                    and names_match(arn_resource_name(arn), vault, ("name",))
                ):
                    plan_region = _region(plan)
                    if plan_region is not None:
                        sources.add(plan_region)
    return sources, unknown


def _copy_fallback(store: Any, problem: str, resources: list[Any], paired: str, config: Any) -> str | None:
    """None when the store's tier lets a cross-region backup copy stand in for the missing replica and a copy
    proves it; else the replication problem with the tier's reason appended."""
    tier, how = tier_of(store, tier_table(config.get("additionalTiers")))
    name = f"'{tier.name}'" + (f" (the strictest: {how})" if how else "")
    objectives = f"RPO {tier.failover_rpo_minutes} min / RTO {tier.failover_rto_minutes} min"
    if not copies_can_meet(tier):
        return (
            f"{problem} Its tier {name} fails over within {objectives}, which a backup copy cannot meet (restoring "
            f"one takes up to the tier's restore RTO of {tier.rto_minutes} min)."
        )
    transfer = int(config.get("copyTransferMinutes", COPY_TRANSFER_MINUTES))
    evidence = copy_evidence(store, resources, paired, transfer)
    if evidence.rpo_minutes is not None and evidence.rpo_minutes <= tier.failover_rpo_minutes:
        return None
    lead = f"{problem} Its tier {name} (failover {objectives}) may fail over by restoring a backup copy instead, but"
    if evidence.unknown:
        return (
            f"{lead} {evidence.unknown[0]} is not known during preview, so a copy into {paired} within "
            f"{tier.failover_rpo_minutes} min cannot be proven."
        )
    if evidence.rpo_minutes is not None:
        return (
            f"{lead} its best copy into {paired} ({evidence.rule}) can lose up to {evidence.rpo_minutes} min; "
            f"shorten that rule's schedule or windows to copy within {tier.failover_rpo_minutes} min."
        )
    if evidence.untimed:
        return (
            f"{lead} the schedule of {evidence.untimed[0]}, which copies into {paired}, is not a daily or weekly "
            "cron whose interval can be proven; schedule it daily or weekly."
        )
    return (
        f"{lead} no backup rule covering it copies into {paired}; select it in a backup plan whose rules copy to "
        f"the cell's vault in {paired}."
    )


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = args.get_config()
    paired_stacks = set(config.get("pairedStacks", ["prod", "dr"]))
    resources = list(args.resources)
    buckets = {
        get(r.props, "bucket"): r
        for r in resources
        if r.resource_type in BUCKET_TYPES and not is_unknown(r.props, "bucket") and get(r.props, "bucket")
    }
    for resource in resources:
        kind = _kind(resource)
        if kind is None:
            continue
        tags = _tags(resource) or {}
        stack = tags.get("stack")
        if isinstance(stack, str) and stack not in paired_stacks:
            continue
        code, region = tags.get("jurisdiction"), _region(resource)
        jurisdiction = JURISDICTIONS.get(code) if isinstance(code, str) else None
        if jurisdiction is None or region is None:
            report_violation(
                f"{kind} '{resource.name}': its jurisdiction tag or region is not known; the paired region of "
                "its replica cannot be determined.",
                resource.urn,
            )
            continue
        if region not in (jurisdiction.primary_region, jurisdiction.standby_region):
            report_violation(
                f"{kind} '{resource.name}' ({code}, {region}) is outside {code}'s pair of regions "
                f"({jurisdiction.primary_region}, {jurisdiction.standby_region}); move it into one of them.",
                resource.urn,
            )
            continue
        paired = jurisdiction.paired_region(region)
        label = f"({code}, {region})"
        if kind == "S3 bucket":
            problem = _bucket_problem(resource, resources, buckets, label, paired)
        elif kind in ("Aurora cluster", "DynamoDB table"):
            problem = (_cluster_problem if kind == "Aurora cluster" else _table_problem)(resource, label, paired)
            if problem is not None:
                problem = _copy_fallback(resource, problem, resources, paired, config)
        else:
            problem = _vault_problem(resource, resources, label, paired)
        if problem is not None:
            report_violation(problem, resource.urn)


POLICY = stack_policy(META, validate)
