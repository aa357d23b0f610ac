"""Cell backup: a locked, CMK-encrypted vault, plans by tier, selections, copies to the paired region.

One `CellBackup` per cell and stack declares, in the cell's region:

- a backup vault named `trustfabric-<deployment>-<cell>-<region>` (deterministic: the other stack of the pair
  derives its ARN), encrypted with the cell's `backups` key;
- in production, a vault lock in compliance mode (`changeable_for_days` set) whose retention bounds the tiers'
  rules, and always a vault access policy denying everyone `backup:DeleteRecoveryPoint`,
  `backup:UpdateRecoveryPointLifecycle` and `backup:PutBackupVaultAccessPolicy`;
- one plan per tier (`domain/tiers.py`), each rule copying to the vault of the same cell in the
  paired region (`copy_to_region`): `arn:aws:backup:<paired>:<account>:backup-vault:<name>`;
- one selection per tier listing the stores' ARNs and restricted by tag conditions (`backup-tier` and the cell's
  `jurisdiction`), so a store of another cell in a shared region is never copied out of its jurisdiction;
- the IAM role AWS Backup assumes, with the AWS managed backup and restore policies (S3 included), under the
  cell's permission boundary.

Usage::

    backup = CellBackup(
        "uk-backup",
        CellBackupArgs(
            deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            kms_key_arn=key_arns["backups"], copy_to_region="eu-west-1",
            protected={"tier0": [ledger.cluster_arn], "records": [records.bucket_arn]},
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import (
    backup_plan_name,
    backup_role_name,
    backup_selection_name,
    backup_vault_arn,
    backup_vault_name,
)
from domain.residency import JURISDICTIONS
from domain.tags import BACKUP_TIER
from domain.tiers import (
    TIER_NAMES,
    TIERS,
    longest_retention_days,
    rule_lifecycle,
    shortest_retention_days,
)

MANAGED = "arn:aws:iam::aws:policy/service-role"
BACKUP_ROLE_POLICIES = (
    f"{MANAGED}/AWSBackupServiceRolePolicyForBackup",
    f"{MANAGED}/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)
"""AWS managed policies of the backup role: back up and restore every supported type, S3 included."""

PROTECTED_ACTIONS = (
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
)
"""Denied to every principal by the vault access policy: recovery points outlive any compromised identity."""

TIER_TAG = BACKUP_TIER
"""The tag naming a store's tier; selections match it (with the cell's jurisdiction)."""


@dataclass(frozen=True)
class CellBackupArgs:
    """Arguments of a cell's backup."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of every deterministic name."""
    cell: str
    """The cell's name prefix, e.g. `uk`; a store with a backup of its own adds its kind (`uk-evidence`: the
    evidence store's backup in the audit account, `components/security/evidence_store.py`)."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA): retention and allowed regions come from it."""
    region: str
    """Region of the vault (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's `backups` key in `region`: encrypts every recovery point in the vault."""
    copy_to_region: str | None = None
    """Paired region whose vault (of the same cell) receives a copy of every recovery point; None: no copies
    (a single-region deployment such as dev)."""
    protected: Mapping[str, Sequence[pulumi.Input[str]]] = field(default_factory=dict)
    """Tier name -> ARNs of the stores the tier backs up (each store also carries `backup-tier` = tier)."""
    untagged: Mapping[str, Sequence[pulumi.Input[str]]] = field(default_factory=dict)
    """Tier name -> ARNs of stores backed up under the tier without carrying its tag (access-log buckets):
    selected by ARN and the cell's jurisdiction only, so they stay outside the tier's DR-replication scope."""
    tiers: Sequence[str] = TIER_NAMES
    """Tiers to declare plans for (from tiers.TIERS)."""
    retention_days: int | None = None
    """Statutory record retention in days; None: the jurisdiction's. May be raised, never lowered."""
    enable_vault_lock: bool = True
    """Lock the vault in compliance mode (after `vault_lock_changeable_for_days` nobody can remove the lock)."""
    vault_lock_changeable_for_days: int = 3
    """Grace period before the lock becomes immutable: 3..36500 days (AWS's minimum is 3)."""
    vault_lock_min_retention_days: int = 7
    """Shortest retention the lock allows for any recovery point: 1..the tiers' shortest rule."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Permission boundary of the backup role (the cell's boundary: roles are only created under it)."""
    role_name: str | None = None
    """IAM name of the backup role; None: `trustfabric-<deployment>-<cell>-<region>-backup`."""


SELECTION_NAME_LIMIT = 50
"""AWS Backup's limit on a backup selection's name."""


def validate_args(args: CellBackupArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("CellBackup", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("CellBackup", "region", args.region, args.jurisdiction)
    if args.copy_to_region is not None:
        require_region_in_jurisdiction("CellBackup", "copy_to_region", args.copy_to_region, args.jurisdiction)
        if args.copy_to_region == args.region:
            others = [r for r in JURISDICTIONS[args.jurisdiction].allowed_regions if r != args.region]
            raise ValueError(
                f"CellBackup: copy_to_region: {args.copy_to_region!r} is the vault's own region; "
                f"allowed: {', '.join(others)}"
            )
    for tier in args.tiers:
        if tier not in TIERS:
            raise ValueError(f"CellBackup: tiers: unknown tier {tier!r}; allowed: {', '.join(TIER_NAMES)}")
    for argument, stores in (("protected", args.protected), ("untagged", args.untagged)):
        for tier in stores:
            if tier not in args.tiers:
                raise ValueError(f"CellBackup: {argument}: tier {tier!r} has no plan; allowed: {', '.join(args.tiers)}")
    statutory = JURISDICTIONS[args.jurisdiction].retention_days
    if args.retention_days is not None:
        require_range("CellBackup", "retention_days", args.retention_days, statutory, 36500)
    require_range("CellBackup", "vault_lock_changeable_for_days", args.vault_lock_changeable_for_days, 3, 36500)
    shortest = shortest_retention_days(tuple(args.tiers), args.retention_days or statutory)
    require_range("CellBackup", "vault_lock_min_retention_days", args.vault_lock_min_retention_days, 1, shortest)
    for tier in args.tiers:
        for suffix, stores in (("selection", args.protected), ("untagged-selection", args.untagged)):
            selection = backup_selection_name(args.cell, tier, suffix)
            if tier in stores and len(selection) > SELECTION_NAME_LIMIT:
                raise ValueError(
                    f"CellBackup: cell: {args.cell!r} makes the selection name {selection!r} "
                    f"{len(selection)} characters long; allowed: at most {SELECTION_NAME_LIMIT} (AWS Backup's limit)"
                )


def vault_access_policy(vault_arn: str) -> str:
    """Deny everyone the calls that would shorten, delete or unprotect recovery points."""
    return policy_document(
        [
            {
                "Sid": "DenyRecoveryPointTampering",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": list(PROTECTED_ACTIONS),
                "Resource": vault_arn,
            }
        ]
    )


def declare_locked_vault(
    name: str,
    *,
    vault_name: str,
    kms_key_arn: pulumi.Input[str],
    lock_retention_days: tuple[int, int] | None,
    changeable_for_days: int,
    child: pulumi.ResourceOptions,
    tags: Mapping[str, str] | None = None,
) -> aws.backup.Vault:
    """A backup vault under `kms_key_arn`, its deny-tampering access policy and, given (min, max) retention days,
    its compliance lock: the vault shape every backup component declares (`<name>-vault`, `-vault-policy`,
    `-vault-lock`)."""
    vault = aws.backup.Vault(
        f"{name}-vault",
        name=vault_name,
        kms_key_arn=kms_key_arn,
        force_destroy=False,
        tags=dict(tags) if tags else None,
        opts=child,
    )
    aws.backup.VaultPolicy(
        f"{name}-vault-policy",
        backup_vault_name=vault.name,
        policy=vault.arn.apply(vault_access_policy),
        opts=child,
    )
    if lock_retention_days is not None:
        aws.backup.VaultLockConfiguration(
            f"{name}-vault-lock",
            backup_vault_name=vault.name,
            min_retention_days=lock_retention_days[0],
            max_retention_days=lock_retention_days[1],
            changeable_for_days=changeable_for_days,
            opts=child,
        )
    return vault


class CellBackup(pulumi.ComponentResource):
    """A cell's vault, lock, access policy, plans by tier, selections and backup role in one region."""

    vault_name: pulumi.Output[str]
    vault_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    plan_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: CellBackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:resilience:CellBackup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        statutory = args.retention_days or JURISDICTIONS[args.jurisdiction].retention_days
        tiers = tuple(args.tiers)

        vault = declare_locked_vault(
            name,
            vault_name=backup_vault_name(args.deployment, args.cell, args.region),
            kms_key_arn=args.kms_key_arn,
            lock_retention_days=(
                (args.vault_lock_min_retention_days, longest_retention_days(tiers, statutory))
                if args.enable_vault_lock
                else None
            ),
            changeable_for_days=args.vault_lock_changeable_for_days,
            child=child,
        )

        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name or backup_role_name(args.deployment, args.cell, args.region),
            description=f"AWS Backup for the {args.jurisdiction} cell in {args.region}",
            assume_role_policy=aws.get_caller_identity_output(
                opts=pulumi.InvokeOutputOptions(parent=self)
            ).account_id.apply(lambda account_id: assume_role_policy("backup.amazonaws.com", account_id)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        for index, policy_arn in enumerate(BACKUP_ROLE_POLICIES):
            aws.iam.RolePolicyAttachment(
                f"{name}-role-policy-{index}", role=role.name, policy_arn=policy_arn, opts=child
            )

        copy_target: pulumi.Output[str] | None = None
        if args.copy_to_region is not None:
            paired = args.copy_to_region
            copy_target = account_id.apply(
                lambda account: backup_vault_arn(account, args.deployment, args.cell, paired)
            )

        self.plan_ids = {}
        for tier_name in tiers:
            tier = TIERS[tier_name]
            rules = []
            for rule in tier.rules:
                cold, delete_after = rule_lifecycle(rule, statutory)
                lifecycle = aws.backup.PlanRuleLifecycleArgs(
                    cold_storage_after=cold,
                    delete_after=delete_after,
                    opt_in_to_archive_for_supported_resources=True if cold is not None else None,
                )
                copy_actions = None
                if copy_target is not None:
                    copy_actions = [
                        aws.backup.PlanRuleCopyActionArgs(
                            destination_vault_arn=copy_target,
                            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                                cold_storage_after=cold,
                                delete_after=delete_after,
                                opt_in_to_archive_for_supported_resources=True if cold is not None else None,
                            ),
                        )
                    ]
                rules.append(
                    aws.backup.PlanRuleArgs(
                        rule_name=f"{tier_name}-{rule.name}",
                        target_vault_name=vault.name,
                        schedule=rule.schedule,
                        start_window=rule.start_window_minutes,
                        completion_window=rule.completion_window_minutes,
                        enable_continuous_backup=rule.enable_continuous_backup,
                        lifecycle=lifecycle,
                        copy_actions=copy_actions,
                        recovery_point_tags={TIER_TAG: tier_name, "jurisdiction": args.jurisdiction},
                    )
                )
            plan = aws.backup.Plan(
                f"{name}-{tier_name}",
                name=backup_plan_name(args.deployment, args.cell, args.region, tier_name),
                rules=rules,
                tags={TIER_TAG: tier_name},
                opts=child,
            )
            self.plan_ids[tier_name] = plan.id
            jurisdiction = aws.backup.SelectionConditionStringEqualArgs(
                key="aws:ResourceTag/jurisdiction", value=args.jurisdiction
            )
            tier_tag = aws.backup.SelectionConditionStringEqualArgs(key=f"aws:ResourceTag/{TIER_TAG}", value=tier_name)
            for suffix, stores, conditions in (
                ("selection", args.protected.get(tier_name, ()), [tier_tag, jurisdiction]),
                ("untagged-selection", args.untagged.get(tier_name, ()), [jurisdiction]),
            ):
                if not stores:
                    continue
                # Resources and Conditions combine with AND: a listed ARN of another cell is never selected.
                aws.backup.Selection(
                    f"{name}-{tier_name}-{suffix}",
                    name=backup_selection_name(args.cell, tier_name, suffix),
                    plan_id=plan.id,
                    iam_role_arn=role.arn,
                    resources=list(stores),
                    conditions=[aws.backup.SelectionConditionArgs(string_equals=conditions)],
                    opts=child,
                )

        self.vault_name = vault.name
        self.vault_arn = vault.arn
        self.role_arn = role.arn
        """The role AWS Backup assumes: a key policy that must let it read what it backs up names it."""
        self.register_outputs({"vault_name": self.vault_name, "vault_arn": self.vault_arn, "plan_ids": self.plan_ids})
