"""aws-backup-tenant-store-tenant-key: a tenant's data is backed up only into vaults encrypted with that tenant's key.

AWS Backup encrypts a recovery point with its vault's key, not the store's. A store carrying a `tenant` tag (an
enterprise tenant's bucket, `components/governance/tenant_data.py`) that a selection backs up into a vault under a
cell key stays readable by us after the tenant revokes its key (docs/adr/0013-client-controlled-keys.md).

Scope: stores of the types AWS Backup protects (`policies.lib.backup.BACKED_UP`) with a `tenant` tag. For every
`aws.backup.Selection` that covers one (`policies.lib.backup.covers`), the selection's plan (through its `plan_id`
dependency, or the plan whose name is the literal id) must be declared by the stack, and every rule's target vault
(the vault whose `name` is the rule's `target_vault_name`) must be encrypted with a KMS key of the stack whose own
`tenant` tag is the store's tenant (found through the vault's `kms_key_arn` dependency or its literal `arn`).
A plan, vault or key this stack does not declare cannot be shown to be the tenant's and is a violation; so is
a value not known during preview. Copies to the paired region land in the other stack's tenant vault, which that
stack's run judges. Whether a tenant store is backed up at all is aws-backup-data-store-covered's question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, stack_policy
from policies.lib.backup import BACKED_UP, SELECTION, UNKNOWN, covers
from policies.lib.props import as_list, unknown_itself
from policies.lib.tags import UNKNOWN_TAG, tag_value
from policies.lib.tenancy import TENANT_TAG, stack_keys

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"

META = PolicyMeta(
    id="TF-AWS-GOV-TENANT-003",
    name="aws-backup-tenant-store-tenant-key",
    description=(
        "A tenant's data stores are backed up only into AWS Backup vaults encrypted with the tenant's own KMS key."
    ),
    severity="critical",
    topics=("encryption", "key-management", "tenancy", "backup"),
    controls={
        "SOC2": ("CC6.1", "C1.1"),
        "ISO27001:2022": ("A.8.24", "A.8.13"),
        "GDPR": ("Art.32", "Art.25"),
    },
    remediation=(
        "Back the tenant's store up with the tenant's own plan into a vault whose kms_key_arn is the tenant's key "
        "(TenantData declares it), and list it in no other selection."
    ),
)


def _plan_of(selection: Any, plans: Sequence[Any]) -> Any:
    """The plan a selection adds to: by its `plan_id` dependency, else by a literal id equal to a plan's name."""
    urns = {d.urn for d in selection.property_dependencies.get("planId", [])}
    for plan in plans:
        if plan.urn in urns:
            return plan
    if unknown_itself(selection.props, "planId"):
        return UNKNOWN
    literal = get(selection.props, "planId")
    for plan in plans:
        if literal is not None and get(plan.props, "name") == literal:
            return plan
    return None


def _vault_problem(vault: Any, tenant: str, keys_by_urn: dict[str, Any], keys_by_arn: dict[str, Any]) -> str | None:
    """What is wrong with the vault's key for `tenant`; None when it is the tenant's own key."""
    if unknown_itself(vault.props, "kmsKeyArn"):
        return f"vault '{vault.name}', whose key is not known during preview"
    keys = [keys_by_urn[d.urn] for d in vault.property_dependencies.get("kmsKeyArn", []) if d.urn in keys_by_urn]
    literal = get(vault.props, "kmsKeyArn")
    if isinstance(literal, str) and literal in keys_by_arn:
        keys.append(keys_by_arn[literal])
    if not keys:
        shown = literal if isinstance(literal, str) and literal else "the AWS-managed key"
        return f"vault '{vault.name}', encrypted with {shown}, no key this stack declares for the tenant"
    if any(tag_value(key, TENANT_TAG) == tenant for key in keys):
        return None
    owners = sorted({str(tag_value(key, TENANT_TAG)) for key in keys})
    whose = "no tenant" if owners == ["None"] else f"tenant {', '.join(owners)}"
    label = ", ".join(f"'{key.name}'" for key in keys)
    return f"vault '{vault.name}', encrypted with key {label} of {whose}"


def _selection_problem(
    selection: Any,
    tenant: str,
    plans: Sequence[Any],
    vaults: Sequence[Any],
    keys: tuple[dict[str, Any], dict[str, Any]],
) -> str | None:
    plan = _plan_of(selection, plans)
    if plan is UNKNOWN:
        return f"the plan of selection '{selection.name}' is not known during preview"
    if plan is None:
        return f"selection '{selection.name}' adds it to a plan this stack does not declare"
    if unknown_itself(plan.props, "rules"):
        return f"the rules of plan '{plan.name}' are not known during preview"
    for rule in as_list(get(plan.props, "rules")):
        if unknown_itself(rule, "targetVaultName"):
            return f"a rule of plan '{plan.name}' has a target vault not known during preview"
        target = get(rule, "targetVaultName")
        found = [vault for vault in vaults if get(vault.props, "name") == target]
        if not found:
            return f"plan '{plan.name}' backs it up into vault '{target}', which this stack does not declare"
        for vault in found:
            problem = _vault_problem(vault, tenant, *keys)
            if problem is not None:
                return f"plan '{plan.name}' backs it up into {problem}"
    return None


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = args.resources
    selections = [r for r in resources if r.resource_type == SELECTION]
    plans = [r for r in resources if r.resource_type == PLAN]
    vaults = [r for r in resources if r.resource_type == VAULT]
    keys = stack_keys(resources)
    for store in resources:
        if store.resource_type not in BACKED_UP:
            continue
        tenant = tag_value(store, TENANT_TAG)
        if tenant is None:
            continue
        kind = BACKED_UP[store.resource_type][0]
        if tenant is UNKNOWN_TAG:
            report_violation(f"{kind} '{store.name}': its tenant tag is not known during preview.", store.urn)
            continue
        for selection in selections:
            covered = covers(selection, store)
            if covered is False:
                continue
            if covered is UNKNOWN:
                problem: str | None = f"whether selection '{selection.name}' backs it up is not known during preview"
            else:
                problem = _selection_problem(selection, str(tenant), plans, vaults, keys)
            if problem is not None:
                report_violation(
                    f"{kind} '{store.name}' of tenant '{tenant}': {problem}; back it up only into a vault encrypted "
                    "with the tenant's key.",
                    store.urn,
                )
                break


POLICY = stack_policy(META, validate)
