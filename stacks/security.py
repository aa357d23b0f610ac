"""The security layer of a cell: IAM baseline, KMS keyring, audit trail, secrets and Vault.

Order matters: the IAM baseline first (key policies name its roles, which must exist), then the keyring, then
what the keys protect. The cell's secrets and their rotation functions, which run in the cell's network, are
declared after it (`stacks/secrets.py`). Singletons are owned by one cell (see each component's docstring):

- account: the password policy (the primary-role stack's first cell; prod and dr share the account because
  multi-Region keys replicate only within an account), the multi-Region trail (each stack's first cell), the
  Vault audit device (each stack's first cell, through a root-namespace Vault provider);
- region: Access Analyzer, Config, GuardDuty, Security Hub (the first cell in each region; dr has two cells in
  eu-west-1).

In dr the keyring declares replica keys of prod's multi-Region primaries, read from the prod stack's
`<cell>_key_arns` output (docs/adr/0002-key-hierarchy.md).

Returns `SecurityOutputs` for the layers declared after it: key ARNs by purpose, the permission boundary, the
two roles they name, and the audit buckets the backup layer covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pulumi
import pulumi_aws as aws
import pulumi_vault as vault

from components.oncall.cell_paging import BACKUP_FAILED
from components.security.audit_trail import AuditTrail, AuditTrailArgs
from components.security.evidence_signing import EvidenceSigningKey, EvidenceSigningKeyArgs
from components.security.evidence_store import EvidenceStore, EvidenceStoreArgs
from components.security.iam_baseline import IamBaseline, IamBaselineArgs
from components.security.kms import PURPOSES, KmsKeyring, KmsKeyringArgs
from components.security.vault import CellVault, CellVaultArgs, VaultWorkload
from stacks.context import CellContext, cell_tags
from stacks.key_users import is_paired, late_key_users
from stacks.settings import PRIMARY_STACK, StackSettings
from stacks.settings_audit import AuditSettings

ROUTING_KEYS_SYNC = VaultWorkload("observability", "observability", "pagerduty-routing-keys-sync")
"""Syncs Alertmanager's PagerDuty routing keys (`kv/observability/...`) into the observability namespace."""
WORKLOADS = (
    VaultWorkload("ledger", "ledger", "ledger-api"),
    VaultWorkload("ingest", "ingest", "ingest-worker"),
    VaultWorkload("assistant", "assistant", "assistant-api"),
    ROUTING_KEYS_SYNC,
)
"""Kubernetes workloads of a cell that read Vault."""


@dataclass(frozen=True)
class SecurityOutputs:
    """What the security layer of a cell gives the layers declared after it."""

    key_arns: Mapping[str, pulumi.Output[str]]
    """The keyring's key ARN in the cell's region, by purpose (`components.security.kms.PURPOSES`)."""
    permission_boundary_arn: pulumi.Output[str]
    """The boundary every role a later layer creates carries."""
    deploy_role_arn: pulumi.Output[str]
    """The deploy role: the log domain's master user."""
    key_admin_role_arn: pulumi.Output[str]
    """key-admin: administers the key that signs the cell's zone (DNSSEC)."""
    audit_bucket_arns: Sequence[pulumi.Output[str]]
    """The cell's audit and access-log buckets (in the workload account): backed up with the records tier, selected
    by ARN. Not the evidence store's: it lives in the audit account and backs itself up there."""
    alert_topic_arn: pulumi.Output[str]
    """The cell's security alert topic: the on-call layer subscribes it to PagerDuty."""
    vault_provider: vault.Provider
    """The cell's Vault namespace, where the on-call layer writes Alertmanager's PagerDuty routing keys."""
    vault_kv_path: pulumi.Output[str]
    """The cell's KV version 2 mount (`kv`)."""


def vault_namespace(settings: StackSettings, cell: str) -> str:
    """The cell's Vault namespace, e.g. `trustfabric/uk` (under the configured namespace when one is set)."""
    return f"{settings.vault.namespace or 'trustfabric'}/{cell}"


def vault_oidc_provider_host(settings: StackSettings) -> str:
    """Issuer (without scheme) of Vault's plugin identity tokens, as IAM names the OIDC provider."""
    parsed = urlparse(settings.vault.address)
    return f"{parsed.netloc}/v1/identity/oidc/plugins"


def primary_key_arn(primaries: pulumi.Output[Any], purpose: str) -> pulumi.Output[str]:
    """One purpose's ARN from prod's `<cell>_key_arns` output (purpose -> ARN)."""
    return primaries.apply(lambda arns: str(arns[purpose]))


def audit_account_provider(ctx: CellContext, audit: AuditSettings, region: str | None = None) -> aws.Provider:
    """The provider of the audit account, in the cell's region (or `region`, named after it): it assumes the audit
    role with its external id."""
    return aws.Provider(
        f"{ctx.name}-audit-account" if region is None else f"{ctx.name}-audit-account-{region}",
        region=region or ctx.cell.region,
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=audit.role_arn, external_id=audit.external_id, session_name=audit.session_name
            )
        ],
        allowed_account_ids=[audit.account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=cell_tags(ctx.settings, ctx.cell)),
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )


def declare_evidence_store(
    ctx: CellContext,
    audit: AuditSettings,
    role_arns: Mapping[str, pulumi.Output[str]],
    alert_endpoint: pulumi.Input[str],
) -> EvidenceStore:
    """The evidence store in the audit account: the cell's deploy role writes it, its auditor role reads it. It backs
    itself up there, copying to the audit account's vault in the cell's paired region when the stack is paired, and
    pages `alert_endpoint` (the platform service's, as the cells' backups do) when a backup or copy job there fails,
    from the audit account's own rule in each of those regions."""
    copy_region = ctx.cell.paired_region if is_paired(ctx.settings) else None
    return EvidenceStore(
        f"{ctx.name}-evidence",
        EvidenceStoreArgs(
            stack=ctx.settings.stack,
            **ctx.placement,
            audit_role_arn=audit.role_arn,
            writer_role_arns=(role_arns["deploy"],),
            reader_role_arns=(role_arns["auditor"],),
            alert_endpoint=alert_endpoint,
            copy_region=copy_region,
            copy_provider=audit_account_provider(ctx, audit, copy_region) if copy_region else None,
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=audit_account_provider(ctx, audit)),
    )


def declare(ctx: CellContext, paging_endpoints: Mapping[str, pulumi.Output[str]]) -> SecurityOutputs:
    """`paging_endpoints`: the stack's PagerDuty CloudWatch integration endpoints by domain
    (`OnCallServices.cloudwatch_endpoints`); the evidence store's backup failures page the platform service's."""
    settings, cell = ctx.settings, ctx.cell
    first_cell = settings.cells[0] == cell
    owns_region = next(c for c in settings.cells if c.region == cell.region) == cell
    stack = settings.stack

    iam = IamBaseline(
        f"{ctx.name}-iam",
        IamBaselineArgs(
            stack=stack,
            **ctx.placement,
            manage_password_policy=first_cell and settings.role == "primary",
            create_access_analyzer=owns_region,
            vault_oidc_provider_host=vault_oidc_provider_host(settings),
        ),
        opts=ctx.opts,
    )

    if first_cell and stack == PRIMARY_STACK:  # signs the audit evidence packages: deploy signs, auditor verifies
        EvidenceSigningKey(
            f"{ctx.name}-evidence",
            EvidenceSigningKeyArgs.for_roles(cell.code, cell.region, iam.role_arns),
            opts=ctx.opts,
        )

    users = [iam.role_arns[role] for role in ("deploy", "incident-responder", "config-recorder")]
    late = tuple(late_key_users(settings, cell))  # roles of later layers, admitted by exact ARN and service
    if settings.is_standby_footprint:
        # The primaries' ids are AWS's (mrk-...), known only once prod exists: read them from prod's outputs.
        reference = pulumi.StackReference(
            f"{ctx.name}-primary-keys",
            stack_name=f"{pulumi.get_organization()}/{pulumi.get_project()}/{PRIMARY_STACK}",
            opts=pulumi.ResourceOptions(parent=ctx.parent),
        )
        primaries = reference.get_output(f"{ctx.name}_key_arns")
        keyring_args = KmsKeyringArgs(
            jurisdiction=cell.code,
            region=cell.region,
            deletion_window_in_days=settings.kms_deletion_window_days,
            admin_role_arns=(iam.role_arns["key-admin"],),
            user_role_arns=tuple(users),
            late_users=late,
            primary_key_arns={purpose: primary_key_arn(primaries, purpose) for purpose in PURPOSES},
        )
    else:
        keyring_args = KmsKeyringArgs(
            jurisdiction=cell.code,
            region=cell.region,
            deletion_window_in_days=settings.kms_deletion_window_days,
            multi_region=settings.role == "primary",
            admin_role_arns=(iam.role_arns["key-admin"],),
            user_role_arns=tuple(users),
            late_users=late,
        )
    keyring = KmsKeyring(f"{ctx.name}-keyring", keyring_args, opts=ctx.opts)

    audit = AuditTrail(
        f"{ctx.name}-audit",
        AuditTrailArgs(
            stack=stack,
            **ctx.placement,
            logs_key_arn=keyring.key_arns["logs"],
            cloudtrail_logs_role_arn=iam.role_arns["cloudtrail-logs"],
            config_recorder_role_arn=iam.role_arns["config-recorder"],
            watched_role_arns=(iam.role_arns["break-glass"],),
            create_trail=first_cell,
            create_regional_services=owns_region,
            include_global_resource_types=first_cell,
            log_retention_days=settings.observability.log_retention_days,
            object_lock_retention_days=min(cell.jurisdiction.retention_days, 3653),
        ),
        opts=ctx.opts,
    )

    # Evidence packages and the ledger, locked for the longest statutory retention: once, in prod's first cell's
    # region, in the audit account (stacks/settings_audit.py), which the deploy reaches through its own provider.
    # Backed up there by itself: AWS Backup selects only resources of its own account, so not by the cell's backup;
    # its failures page the platform service from the audit account's own rules (docs/adr/0016).
    if first_cell and stack == PRIMARY_STACK and settings.audit is not None:
        declare_evidence_store(ctx, settings.audit, iam.role_arns, paging_endpoints[BACKUP_FAILED.domain])

    vault_provider = vault.Provider(
        f"{ctx.name}-vault",
        address=settings.vault.address,
        namespace=vault_namespace(settings, ctx.name),
        skip_child_token=False,
        skip_tls_verify=False,
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )
    audit_provider = None
    if first_cell:
        audit_provider = vault.Provider(
            f"{ctx.name}-vault-root",
            address=settings.vault.address,
            skip_child_token=False,
            skip_tls_verify=False,
            opts=pulumi.ResourceOptions(parent=ctx.parent),
        )
    cell_vault = CellVault(
        f"{ctx.name}-vault",
        CellVaultArgs(
            cell=ctx.name,
            region=cell.region,
            vault_address=settings.vault.address,
            broker_role_arn=iam.role_arns["vault-broker"],
            aws_roles={role: iam.role_arns[role] for role in ("read-only", "auditor", "incident-responder")},
            workloads=WORKLOADS,
            oidc_discovery_url=settings.sso.discovery_url,
            oidc_client_secret=pulumi.Config().get_secret("ssoVaultClientSecret"),
            declare_audit_device=first_cell,
            audit_provider=audit_provider,
            audit_path=f"file-{stack}",
            audit_file_path=f"/vault/audit/{stack}.log",
        ),
        opts=pulumi.ResourceOptions(parent=ctx.parent, provider=vault_provider),
    )

    pulumi.export(f"{ctx.name}_key_arns", keyring.key_arns)
    return SecurityOutputs(
        key_arns=keyring.key_arns,
        permission_boundary_arn=iam.boundary_arn,
        deploy_role_arn=iam.role_arns["deploy"],
        key_admin_role_arn=iam.role_arns["key-admin"],
        audit_bucket_arns=list(audit.bucket_arns),
        alert_topic_arn=audit.alert_topic_arn,
        vault_provider=vault_provider,
        vault_kv_path=cell_vault.kv_path,
    )
