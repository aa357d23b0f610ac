"""aws-backup-vault-failures-paged: every account and region that holds a backup vault pages on a failed backup.

AWS Backup announces a job's end (`Backup Job State Change`, `Copy Job State Change`) only on the default event
bus of the account and region the job runs in. So a vault whose account and region have no EventBridge rule for
those events, delivering somewhere, fails silently: a vault in the audit account is seen by no rule of a workload
account. For every `aws.backup.Vault`, the stack must declare, through a provider of the vault's account (the role
its provider assumes; the deploying account when none) in the vault's region (its own `region`, else its
provider's), an `aws.cloudwatch.EventRule` on the default bus whose pattern matches those events in the states
`FAILED` and `EXPIRED` (a pattern without a `detail-type` or `state` filter matches them too), with an
`aws.cloudwatch.EventTarget` that delivers it to an SNS topic. That the topic reaches a person is judged by
`aws-sns-alert-topic-subscribed`.

A vault whose account is not known during preview cannot be judged and is reported. A rule whose pattern or
account is not known proves nothing. A provider without a `region` is the stack's default region: a vault and a
rule declared through such providers of one account are taken to share it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.accounts import UNKNOWN, account_of
from policies.lib.backup import account_label
from policies.lib.props import region_of

META = PolicyMeta(
    id="TF-AWS-BAK-003",
    name="aws-backup-vault-failures-paged",
    description=(
        "Every backup vault's account and region has an EventBridge rule that delivers failed and expired AWS "
        "Backup jobs and copy jobs to an alert topic."
    ),
    severity="high",
    topics=("backup", "incident-response", "monitoring"),
    controls={"SOC2": ("CC7.2", "A1.2"), "ISO27001:2022": ("A.5.24", "A.8.13", "A.8.16")},
    remediation=(
        "Declare, through a provider of the vault's account and region, an aws.cloudwatch.EventRule matching "
        "source aws.backup, detail-types 'Backup Job State Change' and 'Copy Job State Change', states FAILED and "
        "EXPIRED, with an aws.cloudwatch.EventTarget delivering to an SNS topic subscribed to the on-call "
        "(components/oncall/cell_paging.py's BACKUP_FAILED)."
    ),
)

VAULT = "aws:backup/vault:Vault"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TOPIC = "aws:sns/topic:Topic"
DETAIL_TYPES = ("Backup Job State Change", "Copy Job State Change")
STATES = ("FAILED", "EXPIRED")


def matches_backup_failures(pattern_text: Any) -> bool:
    """True when the pattern matches every detail-type of DETAIL_TYPES from aws.backup in every state of STATES."""
    if not isinstance(pattern_text, str):
        return False
    try:
        pattern = json.loads(pattern_text)
    except ValueError:
        return False
    if not isinstance(pattern, dict) or "aws.backup" not in (pattern.get("source") or []):
        return False
    detail_types = pattern.get("detail-type")
    if detail_types is not None and not all(kind in detail_types for kind in DETAIL_TYPES):
        return False
    detail = pattern.get("detail") or {}
    states = detail.get("state") if isinstance(detail, dict) else None
    return states is None or all(state in states for state in STATES)


def _on_default_bus(rule: Any) -> bool:
    if is_unknown(rule.props, "eventBusName"):
        return False
    bus = get(rule.props, "eventBusName")
    return bus in (None, "", "default")


def _targets_rule(target: Any, rule: Any) -> bool:
    if any(dependency.urn == rule.urn for dependency in target.property_dependencies.get("rule", [])):
        return True
    if is_unknown(target.props, "rule") or is_unknown(rule.props, "name"):
        return False
    name = get(rule.props, "name")
    return name is not None and get(target.props, "rule") == name


def _delivers_to_topic(target: Any, topics: Sequence[Any]) -> bool:
    topic_urns = {topic.urn for topic in topics}
    if any(dependency.urn in topic_urns for dependency in target.property_dependencies.get("arn", [])):
        return True
    if is_unknown(target.props, "arn"):
        return False
    arn = get(target.props, "arn")
    return isinstance(arn, str) and arn.startswith("arn:aws:sns:")


def _place(resource: Any) -> tuple[str, str | None]:
    return account_of(resource), region_of(resource)


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources: Sequence[Any] = list(args.resources)
    vaults = [r for r in resources if r.resource_type == VAULT]
    if not vaults:
        return
    topics = [r for r in resources if r.resource_type == TOPIC]
    targets = [r for r in resources if r.resource_type == TARGET]
    paged: set[tuple[str, str | None]] = set()
    for rule in resources:
        if rule.resource_type != RULE or is_unknown(rule.props, "eventPattern"):
            continue
        if not _on_default_bus(rule) or not matches_backup_failures(get(rule.props, "eventPattern")):
            continue
        if any(_targets_rule(t, rule) and _delivers_to_topic(t, topics) for t in targets):
            account, region = _place(rule)
            if account != UNKNOWN:
                paged.add((account, region))
    for vault in vaults:
        account, region = _place(vault)
        if account == UNKNOWN:
            report_violation(
                f"Backup vault '{vault.name}': the account it lives in is not known during preview, so no rule can "
                "be shown to page on its failed jobs; name its provider's role ARN literally.",
                vault.urn,
            )
        elif (account, region) not in paged:
            where = f"{account_label(vault)}, {region or 'the stack default region'}"
            report_violation(
                f"Backup vault '{vault.name}' ({where}): no EventBridge rule of that account and region delivers "
                "failed or expired AWS Backup jobs and copy jobs to an alert topic, so they page nobody; declare "
                "one there (source aws.backup, states FAILED and EXPIRED) targeting an SNS topic of the on-call.",
                vault.urn,
            )


POLICY = stack_policy(META, validate)
