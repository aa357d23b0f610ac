"""Tenant backup: an enterprise tenant's recovery points, encrypted with the tenant's own key.

AWS Backup encrypts an S3 recovery point with the key of the vault it lands in, not the bucket's. Backed up into
the cell's vault (the cell's `backups` key), a tenant's records would stay readable by us after the tenant revoked
its key. So each tenant's bucket has its own backup, declared by `TenantData` in the tenant's cell and region:

- the role AWS Backup assumes for the tenant (`tenant_backup_role`, declared before the tenant key, whose policy
  lets it use the key: it must decrypt the bucket's objects to back them up);
- a vault `trustfabric-<deployment>-t-<id>-<region>` encrypted with the tenant's key, its access policy denying
  everyone the deletion or shortening of recovery points, and in production a compliance-mode vault lock;
- a plan with the records tier's rules (statutory retention of the tenant's jurisdiction), each copying to the
  same tenant's vault in the paired region (the other stack of the pair declares it, under that region's tenant
  key: a copy is re-encrypted with the destination vault's key);
- a selection of the tenant's stores by ARN, restricted to the tenant's tag and jurisdiction.

When the tenant disables its key, every recovery point becomes unreadable too (restores, copies and new backups
fail); policy `aws-backup-tenant-store-tenant-key` proves the tenant's stores are backed up nowhere else.

Usage::

    role = tenant_backup_role("eu-tenant-acme", deployment="prod", tenant_id="acme", region="eu-central-1",
                              jurisdiction="EU", permissions_boundary_arn=boundary, parent=tenant)
    TenantBackup("eu-tenant-acme-backup", TenantBackupArgs(
        deployment="prod", jurisdiction="EU", region="eu-central-1", tenant_id="acme", kms_key_arn=key.arn,
        role_arn=role.arn, store_arns=(bucket.arn,), copy_to_region="eu-west-1"),
        opts=pulumi.ResourceOptions(parent=tenant))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.resilience.backup import BACKUP_ROLE_POLICIES, TIER_TAG, declare_locked_vault
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import PROJECT
from domain.residency import JURISDICTIONS
from domain.tiers import TIERS, longest_retention_days, rule_lifecycle

TIER = "records"
"""The tier whose rules a tenant's backup follows: tenant buckets hold statutory records."""
TENANT_TAG = "tenant"
VAULT_NAME_LIMIT = 50
"""AWS Backup's longest vault name."""


def tenant_vault_name(deployment: str, tenant_id: str, region: str) -> str:
    """`trustfabric-<deployment>-t-<id>-<region>`: deterministic, so the other stack of the pair copies into it."""
    return f"{PROJECT}-{deployment}-t-{tenant_id}-{region}"


def tenant_vault_arn(account_id: str, deployment: str, tenant_id: str, region: str) -> str:
    return f"arn:aws:backup:{region}:{account_id}:backup-vault:{tenant_vault_name(deployment, tenant_id, region)}"


def tenant_backup_role_name(deployment: str, tenant_id: str, region: str) -> str:
    return f"{tenant_vault_name(deployment, tenant_id, region)}-backup"


@dataclass(frozen=True)
class TenantBackupArgs:
    """Arguments of one tenant's backup."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the vault names."""
    jurisdiction: str
    region: str
    """Region of the vault (the provider's region, the tenant key's)."""
    tenant_id: str
    kms_key_arn: pulumi.Input[str]
    """The tenant's key in `region`: encrypts every recovery point in the tenant's vault."""
    role_arn: pulumi.Input[str]
    """The role AWS Backup assumes for the tenant (`tenant_backup_role`), a user of the tenant's key."""
    store_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """The tenant's data stores (carrying the tenant's `tenant` tag and its jurisdiction)."""
    copy_to_region: str | None = None
    """Paired region whose tenant vault receives a copy of every recovery point; None: no copies (dev)."""
    enable_vault_lock: bool = True
    """Lock the vault in compliance mode (after `vault_lock_changeable_for_days` nobody can remove the lock)."""
    vault_lock_changeable_for_days: int = 3
    """Grace period before the lock becomes immutable: 3..36500 days."""


def validate_args(args: TenantBackupArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("TenantBackup", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("TenantBackup", "region", args.region, args.jurisdiction)
    if args.copy_to_region is not None:
        require_region_in_jurisdiction("TenantBackup", "copy_to_region", args.copy_to_region, args.jurisdiction)
        if args.copy_to_region == args.region:
            raise ValueError(
                f"TenantBackup: copy_to_region: {args.copy_to_region!r} is the vault's own region; allowed: another "
                f"region of {args.jurisdiction}"
            )
    for region in (args.region, args.copy_to_region):
        if region is not None and len(tenant_vault_name(args.deployment, args.tenant_id, region)) > VAULT_NAME_LIMIT:
            raise ValueError(
                f"TenantBackup: tenant_id: {args.tenant_id!r} makes the vault name "
                f"{tenant_vault_name(args.deployment, args.tenant_id, region)!r} longer than {VAULT_NAME_LIMIT} "
                "characters; allowed: a shorter tenant id"
            )
    require_range("TenantBackup", "vault_lock_changeable_for_days", args.vault_lock_changeable_for_days, 3, 36500)


def tenant_backup_role(
    name: str,
    *,
    deployment: str,
    tenant_id: str,
    region: str,
    jurisdiction: str,
    permissions_boundary_arn: pulumi.Input[str] | None,
    parent: pulumi.Resource,
) -> aws.iam.Role:
    """The role AWS Backup assumes for one tenant's stores (the AWS managed backup and restore policies, S3
    included, under the cell's boundary); declared before the tenant key so the key policy can name it."""
    child = pulumi.ResourceOptions(parent=parent)
    account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
    role = aws.iam.Role(
        f"{name}-backup-role",
        name=tenant_backup_role_name(deployment, tenant_id, region),
        description=f"AWS Backup for tenant {tenant_id} ({jurisdiction}, {region})",
        assume_role_policy=account_id.apply(lambda account: assume_role_policy("backup.amazonaws.com", account)),
        permissions_boundary=permissions_boundary_arn,
        opts=child,
    )
    for index, policy_arn in enumerate(BACKUP_ROLE_POLICIES):
        aws.iam.RolePolicyAttachment(
            f"{name}-backup-role-policy-{index}", role=role.name, policy_arn=policy_arn, opts=child
        )
    return role


class TenantBackup(pulumi.ComponentResource):
    """A tenant's vault (under the tenant's key), lock, access policy, records-tier plan and selection."""

    vault_arn: pulumi.Output[str]

    def __init__(self, name: str, args: TenantBackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:governance:TenantBackup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        statutory = JURISDICTIONS[args.jurisdiction].retention_days
        vault = declare_locked_vault(
            name,
            vault_name=tenant_vault_name(args.deployment, args.tenant_id, args.region),
            kms_key_arn=args.kms_key_arn,
            lock_retention_days=(7, longest_retention_days((TIER,), statutory)) if args.enable_vault_lock else None,
            changeable_for_days=args.vault_lock_changeable_for_days,
            child=child,
            tags={TENANT_TAG: args.tenant_id},
        )
        paired = args.copy_to_region
        copy_target = (
            account_id.apply(lambda account: tenant_vault_arn(account, args.deployment, args.tenant_id, paired))
            if paired is not None
            else None
        )
        rules = []
        for rule in TIERS[TIER].rules:
            cold, delete_after = rule_lifecycle(rule, statutory)
            archive = True if cold is not None else None
            rules.append(
                aws.backup.PlanRuleArgs(
                    rule_name=f"tenant-{rule.name}",
                    target_vault_name=vault.name,
                    schedule=rule.schedule,
                    start_window=rule.start_window_minutes,
                    completion_window=rule.completion_window_minutes,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(
                        cold_storage_after=cold,
                        delete_after=delete_after,
                        opt_in_to_archive_for_supported_resources=archive,
                    ),
                    copy_actions=[
                        aws.backup.PlanRuleCopyActionArgs(
                            destination_vault_arn=copy_target,
                            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                                cold_storage_after=cold,
                                delete_after=delete_after,
                                opt_in_to_archive_for_supported_resources=archive,
                            ),
                        )
                    ]
                    if copy_target is not None
                    else None,
                    recovery_point_tags={TIER_TAG: TIER, "jurisdiction": args.jurisdiction, TENANT_TAG: args.tenant_id},
                )
            )
        plan = aws.backup.Plan(
            f"{name}-plan",
            name=f"{PROJECT}-{args.deployment}-t-{args.tenant_id}-{TIER}",
            rules=rules,
            tags={TIER_TAG: TIER, TENANT_TAG: args.tenant_id},
            opts=child,
        )
        if args.store_arns:
            # Resources and conditions combine with AND: only this tenant's stores of this jurisdiction.
            aws.backup.Selection(
                f"{name}-selection",
                name=f"{PROJECT}-t-{args.tenant_id}-{TIER}",
                plan_id=plan.id,
                iam_role_arn=args.role_arn,
                resources=list(args.store_arns),
                conditions=[
                    aws.backup.SelectionConditionArgs(
                        string_equals=[
                            aws.backup.SelectionConditionStringEqualArgs(
                                key=f"aws:ResourceTag/{TENANT_TAG}", value=args.tenant_id
                            ),
                            aws.backup.SelectionConditionStringEqualArgs(
                                key="aws:ResourceTag/jurisdiction", value=args.jurisdiction
                            ),
                        ]
                    )
                ],
                opts=child,
            )
        self.vault_arn = vault.arn
        self.register_outputs({"vault_arn": self.vault_arn})
