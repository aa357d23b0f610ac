"""Tenant data: an enterprise tenant's own KMS key, which the tenant can revoke, and the bucket its data lives in.

One `TenantData` per enterprise tenant and stack declares, in the tenant's cell and region:

- the tenant key, by key origin: `aws` an `aws.kms.Key` (AWS-generated material, rotation on), `imported` an
  `aws.kms.ExternalKey` (BYOK: the tenant imports its own material; rotation is the tenant's, by importing new
  material into a new key), `external-key-store` an `aws.kms.Key` in the tenant's XKS custom key store (the
  material never leaves the tenant's key manager). Alias `alias/trustfabric/tenant/<id>`. Tagged `tenant` and
  `tenant-account` (the custodian's account), which the policy `aws-kms-tenant-key-tenant-can-revoke` reads;
- the key policy (`tenant_key_policy`): administration by key-admin (never use), use by the named data roles in
  our account only, and the tenant's custodian (a principal in the tenant's own account) may disable the key,
  revoke its grants and (imported material) delete the material; re-enabling the key, or importing material,
  is denied to every principal but the custodian, so a revocation sticks;
- the tenant bucket `trustfabric-<deployment>-t-<id>-<region>-<account>` (`components/storage/secure_bucket.py`
  `locked_bucket`): SSE-KMS with the tenant key only (the bucket policy refuses uploads under any other key),
  object lock in COMPLIANCE mode and a lifecycle from the `statutory-record` retention window
  (`domain.retention`), TLS only, access logs. Tagged `tenant` and `data-class: statutory-record`; the policy
  `aws-s3-tenant-bucket-encrypted-with-tenant-key` checks it is encrypted with its own tenant's key.

- the bucket's backup (`components/governance/tenant_backup.py`): a vault encrypted with the tenant key, the
  records tier's plan copying to the tenant's vault in the paired region, and a role AWS Backup assumes, which the
  key policy lets use the key.

Revoking: the custodian runs `aws kms disable-key --key-id <arn>` from its own account
(runbooks/tenant-key-revocation.md). Our roles then fail every read, and the recovery points, encrypted with the
same key, can no longer be restored or copied.

Usage::

    TenantData(
        "eu-tenant-acme",
        TenantDataArgs(
            deployment="prod", cell="eu", jurisdiction="EU", region="eu-central-1", tenant_id="acme",
            key_origin="imported", custodian_arn="arn:aws:iam::210987654321:role/acme-key-custodian",
            admin_role_arns=(key_admin,), user_role_arns=(deploy,),
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=eu_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.governance.tenant_backup import TenantBackup, TenantBackupArgs, tenant_backup_role
from components.security.kms_policy import USE_ACTIONS, key_admin_statements, service_grant_statement
from components.storage.bucket_policies import tls_only_statement
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.validation import (
    require_choice,
    require_jurisdiction,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import PROJECT, bucket_arn, cell_prefix
from domain.residency import JURISDICTIONS
from domain.retention import DATA_CLASS_TAG, retention_window

KEY_ORIGINS = ("aws", "imported", "external-key-store")
"""`aws`: AWS-generated material; `imported`: the tenant's material (BYOK); `external-key-store`: XKS."""
TENANT_TAG = "tenant"
"""Tag naming the tenant a key or store belongs to."""
TENANT_ACCOUNT_TAG = "tenant-account"
"""Tag on a tenant key: the account of the tenant's custodian, who may revoke it."""
DATA_CLASS = "statutory-record"
"""The data class of a tenant bucket: the tenant's accounting records."""
REVOKE_ACTIONS = ("kms:DisableKey", "kms:RevokeGrant", "kms:ListGrants", "kms:DescribeKey", "kms:GetKeyPolicy")
"""What the tenant's custodian may always do: stop our use of the key and see who holds grants."""
IMPORTED_MATERIAL_ACTIONS = ("kms:DeleteImportedKeyMaterial", "kms:ImportKeyMaterial", "kms:GetParametersForImport")
"""With imported material (BYOK) the custodian also brings, replaces and deletes the material."""
CUSTODIAN_ONLY_ACTIONS = ("kms:EnableKey",)
"""Denied to every principal but the custodian: only the tenant undoes its revocation."""
TENANT_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,16})[a-z0-9]$")
CUSTODIAN_ARN = re.compile(r"^arn:aws:iam::(?P<account>\d{12}):(?:role|user)/[\w+=,.@/-]{1,512}$")
LOG_NONCURRENT_DAYS = 30


def tenant_bucket_name(deployment: str, tenant_id: str, region: str, account_id: str) -> str:
    """`trustfabric-<deployment>-t-<id>-<region>-<account>`: at most 63 characters for a valid tenant id."""
    return f"{PROJECT}-{deployment}-t-{tenant_id}-{region}-{account_id}"


def tenant_log_bucket_name(deployment: str, tenant_id: str, region: str, account_id: str) -> str:
    """The tenant bucket's access-log bucket: `trustfabric-<deployment>-tl-<id>-<region>-<account>`."""
    return f"{PROJECT}-{deployment}-tl-{tenant_id}-{region}-{account_id}"


def tenant_key_alias(tenant_id: str) -> str:
    return f"alias/{PROJECT}/tenant/{tenant_id}"


@dataclass(frozen=True)
class TenantDataArgs:
    """Arguments of one tenant's key and data store."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the bucket names."""
    cell: str
    """The cell's name prefix, e.g. `eu`."""
    jurisdiction: str
    """The tenant's jurisdiction (UK, EU, US, CA): the key and the data stay in its allowed regions."""
    region: str
    """Region of the key and the bucket (the provider's region)."""
    tenant_id: str
    """3-18 lowercase letters, digits or '-' (as `stacks/settings_tenants.py` checks it)."""
    custodian_arn: str
    """The tenant's IAM role or user, in the tenant's own account: may revoke the key."""
    key_origin: str = "aws"
    """aws, imported (BYOK) or external-key-store (XKS); see KEY_ORIGINS."""
    custom_key_store_id: str | None = None
    """The XKS custom key store (`cks-...`); required with external-key-store, refused otherwise."""
    xks_key_id: str | None = None
    """The key's id in the tenant's external key manager; required with external-key-store."""
    admin_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """key-admin: administers the key (never uses it); empty means the account's `trustfabric-key-admin` role."""
    user_role_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Roles of ours that read and write the tenant's data (use of the key, in our account only)."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled key deletion: 7..30 days (default the maximum)."""
    access_log_retention_days: int = 400
    """Days the bucket's server access logs are kept: 365..3653."""
    backup_copy_to_region: str | None = None
    """Paired region whose tenant vault receives a copy of every recovery point; None: no copies (dev)."""
    enable_backup_vault_lock: bool = True
    """Lock the tenant's backup vault in compliance mode (production)."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Permission boundary of the tenant's backup role (the cell's boundary)."""


def validate_args(args: TenantDataArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("TenantData", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("TenantData", "region", args.region, args.jurisdiction)
    if not TENANT_ID.fullmatch(args.tenant_id):
        raise ValueError(
            f"TenantData: tenant_id: {args.tenant_id!r} is not a tenant id; allowed: 3-18 lowercase letters, "
            "digits or '-', starting and ending with a letter or digit"
        )
    require_choice("TenantData", "key_origin", args.key_origin, KEY_ORIGINS)
    if not CUSTODIAN_ARN.fullmatch(args.custodian_arn):
        raise ValueError(
            f"TenantData: custodian_arn: {args.custodian_arn!r} is not an IAM role or user ARN; "
            "allowed: arn:aws:iam::<account>:role/<name>"
        )
    external = args.key_origin == "external-key-store"
    for field_name in ("custom_key_store_id", "xks_key_id"):
        given = getattr(args, field_name) is not None
        if external and not given:
            raise ValueError(f"TenantData: {field_name}: required with key_origin 'external-key-store'")
        if given and not external:
            raise ValueError(
                f"TenantData: {field_name}: only with key_origin 'external-key-store', not {args.key_origin!r}"
            )
    require_range("TenantData", "deletion_window_in_days", args.deletion_window_in_days, 7, 30)
    require_range("TenantData", "access_log_retention_days", args.access_log_retention_days, 365, 3653)


def custodian_account(custodian_arn: str) -> str:
    match = CUSTODIAN_ARN.fullmatch(custodian_arn)
    if match is None:
        raise ValueError(f"{custodian_arn!r} is not an IAM role or user ARN")
    return match.group("account")


def tenant_key_policy(
    account_id: str,
    custodian_arn: str,
    key_origin: str,
    admin_role_arns: Sequence[str],
    user_role_arns: Sequence[str],
    backup_region: str | None = None,
) -> str:
    """The tenant key's policy: key-admin administers, our data roles use (in our account only), the tenant's
    custodian revokes; only the custodian may re-enable the key (or import material), so a revocation sticks.
    With `backup_region`, our roles may also let AWS Backup hold grants on the key there (a vault under the
    tenant's key, `components/governance/tenant_backup.py`).

    The custodian's account is never ours (`stacks/settings_tenants.py` refuses it), and the deny of
    `kms:EnableKey` reaches key-admin too: once the tenant has disabled the key, nothing of ours enables it.
    """
    if custodian_account(custodian_arn) == account_id:
        raise ValueError(
            f"TenantData: custodian_arn: account {account_id} is ours; allowed: a principal in the tenant's own account"
        )
    admins = list(admin_role_arns) or [f"arn:aws:iam::{account_id}:role/{PROJECT}-key-admin"]
    statements: list[dict[str, Any]] = key_admin_statements(admins)
    if user_role_arns:
        statements.append(
            {
                "Sid": "KeyUseByDataRoles",
                "Effect": "Allow",
                "Principal": {"AWS": list(user_role_arns)},
                "Action": list(USE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": account_id}},
            }
        )
        if backup_region is not None:
            statements.append(
                service_grant_statement("BackupVaultGrants", user_role_arns, account_id, f"backup.{backup_region}")
            )
    custodian_actions = list(REVOKE_ACTIONS) + list(CUSTODIAN_ONLY_ACTIONS)
    custodian_only = list(CUSTODIAN_ONLY_ACTIONS)
    if key_origin == "imported":
        custodian_actions += list(IMPORTED_MATERIAL_ACTIONS)
        custodian_only += ["kms:ImportKeyMaterial"]
    statements.append(
        {
            "Sid": "TenantCustodianRevokes",
            "Effect": "Allow",
            "Principal": {"AWS": [custodian_arn]},
            "Action": custodian_actions,
            "Resource": "*",
        }
    )
    statements.append(
        {
            "Sid": "OnlyTenantCustodianReenables",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": custodian_only,
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": [custodian_arn]}},
        }
    )
    return policy_document(statements)


def tenant_bucket_policy(bucket: str, key_arn: str) -> str:
    """TLS only; objects may only be written encrypted with the tenant's key."""
    arn = bucket_arn(bucket)
    return policy_document(
        [
            tls_only_statement(arn),
            {
                "Sid": "DenyUploadsNotUnderTenantKey",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn}},
            },
            {
                "Sid": "DenyUnencryptedUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            },
        ]
    )


class TenantData(pulumi.ComponentResource):
    """A tenant's revocable key and the locked bucket encrypted with it."""

    key_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    log_bucket_arn: pulumi.Output[str]

    def __init__(self, name: str, args: TenantDataArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:governance:TenantData", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # The key's enabled state is the tenant's: a reconcile (`pulumi up --refresh`) never tries to re-enable it.
        key_options = pulumi.ResourceOptions(parent=self, ignore_changes=["isEnabled", "enabled"])
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        admin_count = len(args.admin_role_arns)
        # Declared before the key: the key policy lets AWS Backup's role for this tenant use the key.
        backup_role = tenant_backup_role(
            name,
            deployment=args.deployment,
            tenant_id=args.tenant_id,
            region=args.region,
            jurisdiction=args.jurisdiction,
            permissions_boundary_arn=args.permissions_boundary_arn,
            parent=self,
        )
        user_role_arns = (*args.user_role_arns, backup_role.arn)

        def render(values: list[str]) -> str:
            account, principals = values[0], values[1:]
            return tenant_key_policy(
                account,
                args.custodian_arn,
                args.key_origin,
                principals[:admin_count],
                principals[admin_count:],
                backup_region=args.region,
            )

        policy = pulumi.Output.all(account_id, *args.admin_role_arns, *user_role_arns).apply(render)
        key_tags = {TENANT_TAG: args.tenant_id, TENANT_ACCOUNT_TAG: custodian_account(args.custodian_arn)}
        description = f"Tenant {args.tenant_id} data key ({args.jurisdiction}, {args.region}, {args.key_origin})"
        key: aws.kms.Key | aws.kms.ExternalKey
        if args.key_origin == "imported":
            # No material in code: the custodian imports it (GetParametersForImport, ImportKeyMaterial).
            key = aws.kms.ExternalKey(
                f"{name}-key",
                description=description,
                deletion_window_in_days=args.deletion_window_in_days,
                key_usage="ENCRYPT_DECRYPT",
                key_spec="SYMMETRIC_DEFAULT",
                policy=policy,
                tags=key_tags,
                opts=key_options,
            )
        elif args.key_origin == "external-key-store":
            key = aws.kms.Key(
                f"{name}-key",
                description=description,
                custom_key_store_id=args.custom_key_store_id,
                xks_key_id=args.xks_key_id,
                deletion_window_in_days=args.deletion_window_in_days,
                key_usage="ENCRYPT_DECRYPT",
                customer_master_key_spec="SYMMETRIC_DEFAULT",
                policy=policy,
                tags=key_tags,
                opts=key_options,
            )
        else:
            key = aws.kms.Key(
                f"{name}-key",
                description=description,
                enable_key_rotation=True,
                rotation_period_in_days=365,
                deletion_window_in_days=args.deletion_window_in_days,
                key_usage="ENCRYPT_DECRYPT",
                customer_master_key_spec="SYMMETRIC_DEFAULT",
                policy=policy,
                tags=key_tags,
                opts=key_options,
            )
        aws.kms.Alias(f"{name}-key-alias", name=tenant_key_alias(args.tenant_id), target_key_id=key.id, opts=child)

        window = retention_window(DATA_CLASS, args.jurisdiction)
        records = locked_bucket(
            f"{name}-bucket",
            bucket_name=account_id.apply(
                lambda account: tenant_bucket_name(args.deployment, args.tenant_id, args.region, account)
            ),
            kms_key_arn=key.arn,
            policy=lambda bucket: pulumi.Output.all(bucket.bucket, key.arn).apply(
                lambda values: tenant_bucket_policy(values[0], values[1])
            ),
            lifecycle=lifecycle_rule(
                "tenant-records-retention",
                expiration_days=window.minimum_days,
                noncurrent_days=window.minimum_days,
                noncurrent_to_glacier_days=30,
            ),
            logs=AccessLogs(
                f"{name}-logs",
                bucket_name=account_id.apply(
                    lambda account: tenant_log_bucket_name(args.deployment, args.tenant_id, args.region, account)
                ),
                account_id=account_id,
                retention_days=args.access_log_retention_days,
                noncurrent_days=LOG_NONCURRENT_DAYS,
                prefix=f"{cell_prefix(args.deployment, args.cell)}/tenant/{args.tenant_id}/",
            ),
            parent=self,
            years=JURISDICTIONS[args.jurisdiction].retention_years,
            tags={TENANT_TAG: args.tenant_id, DATA_CLASS_TAG: DATA_CLASS},
        )
        TenantBackup(
            f"{name}-backup",
            TenantBackupArgs(
                deployment=args.deployment,
                jurisdiction=args.jurisdiction,
                region=args.region,
                tenant_id=args.tenant_id,
                kms_key_arn=key.arn,
                role_arn=backup_role.arn,
                store_arns=(records.bucket.arn,),
                copy_to_region=args.backup_copy_to_region,
                enable_vault_lock=args.enable_backup_vault_lock,
            ),
            opts=child,
        )
        self.key_arn = key.arn
        self.bucket_name = records.bucket.bucket
        self.bucket_arn = records.bucket.arn
        self.log_bucket_arn = records.log_bucket.arn
        self.register_outputs(
            {
                "key_arn": self.key_arn,
                "bucket_name": self.bucket_name,
                "bucket_arn": self.bucket_arn,
                "log_bucket_arn": self.log_bucket_arn,
            }
        )
