"""aws-kms-tenant-key-tenant-can-revoke: a tenant's KMS key lets the tenant revoke it, and the revocation sticks.

Scope: KMS keys (`aws.kms.Key`, `aws.kms.ExternalKey`) carrying a `tenant` tag: the keys of enterprise tenants with
client-controlled keys (`components/governance/tenant_data.py`). The key's `tenant-account` tag names the tenant's
own AWS account; the key policy must

- allow a principal of that account `kms:DisableKey` (an Allow statement whose actions cover it, `kms:Disable*`
  or `kms:*` included), so the tenant can stop our use of the key at any time, and
- deny `kms:EnableKey` to every principal but the tenant's (a Deny for `*` whose condition `ArnNotEquals` or
  `ArnNotLike` on `aws:PrincipalArn` lists only principals of the tenant's account), so nothing of ours can undo
  the revocation.

A tenant key without `tenant-account`, or whose policy is absent, unreadable or not known during preview, is a
violation saying what could not be proven.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.iam import policy_statements
from policies.lib.props import as_list

TENANT_TAG = "tenant"
TENANT_ACCOUNT_TAG = "tenant-account"
KEY_TYPES = ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey")
REVOKE = "kms:disablekey"
REENABLE = "kms:enablekey"
PRINCIPAL_CONDITIONS = ("arnnotequals", "arnnotlike", "stringnotequals", "stringnotlike")

META = PolicyMeta(
    id="TF-AWS-GOV-TENANT-001",
    name="aws-kms-tenant-key-tenant-can-revoke",
    description=(
        "A tenant's KMS key lets the tenant's own account disable it, and denies re-enabling it to everyone else."
    ),
    severity="high",
    topics=("encryption", "key-management", "tenancy"),
    controls={
        "SOC2": ("CC6.1", "C1.2"),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32", "Art.28"),
    },
    remediation=(
        "Allow the tenant's custodian kms:DisableKey and kms:RevokeGrant in the key policy, and deny kms:EnableKey "
        "to every principal whose aws:PrincipalArn is not the custodian's (components/governance/tenant_data.py)."
    ),
)


def _actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(action).lower() for action in as_list(statement.get("Action"))]


def _covers(statement: Mapping[str, Any], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action, pattern) for pattern in _actions(statement))


def _aws_principals(statement: Mapping[str, Any]) -> list[str] | None:
    """The statement's AWS principals; None for `"*"` (everyone)."""
    principal = statement.get("Principal")
    if principal == "*":
        return None
    if isinstance(principal, Mapping):
        values = as_list(principal.get("AWS"))
        if "*" in values:
            return None
        return [str(value) for value in values]
    return []


def _in_account(principal: str, account: str) -> bool:
    return principal == account or principal.startswith(f"arn:aws:iam::{account}:")


def _tenant_may_disable(statements: list[Mapping[str, Any]], account: str) -> bool:
    for statement in statements:
        if str(statement.get("Effect", "")).lower() != "allow" or not _covers(statement, REVOKE):
            continue
        principals = _aws_principals(statement) or []
        if any(_in_account(principal, account) for principal in principals):
            return True
    return False


def _only_tenant_may_reenable(statements: list[Mapping[str, Any]], account: str) -> bool:
    for statement in statements:
        if str(statement.get("Effect", "")).lower() != "deny" or not _covers(statement, REENABLE):
            continue
        if _aws_principals(statement) is not None:
            continue  # a deny for named principals leaves everyone else free to re-enable
        condition = statement.get("Condition")
        if condition is None:
            return True  # denied to everyone, the tenant included: nobody re-enables behind the tenant's back
        if not isinstance(condition, Mapping):
            continue
        for operator, tests in condition.items():
            if str(operator).lower() not in PRINCIPAL_CONDITIONS or not isinstance(tests, Mapping):
                continue
            for key, values in tests.items():
                excepted = [str(value) for value in as_list(values)]
                only_tenant = all(_in_account(value, account) for value in excepted)
                if str(key).lower() == "aws:principalarn" and excepted and only_tenant:
                    return True
    return False


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if is_unknown(props, "tags", TENANT_TAG):
        report_violation(f"KMS key '{args.name}': its tenant tag is not known during preview; set it literally.")
        return
    tenant = get(props, "tags", TENANT_TAG)
    if tenant is None:
        return
    account = get(props, "tags", TENANT_ACCOUNT_TAG)
    if is_unknown(props, "tags", TENANT_ACCOUNT_TAG) or not isinstance(account, str) or not account.strip():
        report_violation(
            f"KMS key '{args.name}' of tenant '{tenant}' has no literal '{TENANT_ACCOUNT_TAG}' tag; tag it with the "
            "tenant custodian's 12-digit account so its revocation right can be proven."
        )
        return
    if is_unknown(props, "policy"):
        report_violation(
            f"KMS key '{args.name}' of tenant '{tenant}': its key policy is not known during preview; the tenant's "
            "right to revoke cannot be proven."
        )
        return
    statements = policy_statements(get(props, "policy"))
    if statements is None:
        report_violation(
            f"KMS key '{args.name}' of tenant '{tenant}' has no readable key policy; give it one that lets account "
            f"{account} disable the key."
        )
        return
    if not _tenant_may_disable(statements, account):
        report_violation(
            f"KMS key '{args.name}' of tenant '{tenant}': no key policy statement lets the tenant's account "
            f"{account} disable it (kms:DisableKey); allow the tenant's custodian kms:DisableKey and kms:RevokeGrant."
        )
    if not _only_tenant_may_reenable(statements, account):
        report_violation(
            f"KMS key '{args.name}' of tenant '{tenant}': nothing stops a principal outside account {account} "
            "re-enabling the key after the tenant disables it; deny kms:EnableKey to every aws:PrincipalArn but the "
            "tenant's custodian."
        )


POLICY = resource_policy(META, validate, resource_types=KEY_TYPES)
