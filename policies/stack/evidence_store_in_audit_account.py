"""aws-evidence-store-in-audit-account: the evidence store lives in an account apart from every workload account.

The evidence ledger and packages (`trustfabric:security:EvidenceStore`) are the record of how the workloads were
run; kept in a workload account, whoever administers that account (or a credential a workload leaks) could
tamper with the record of their own actions. So every AWS resource of the store must be created by a provider
that assumes a role (`assume_roles`, the last role of a chain) in an account that:

- no other AWS resource of the stack lives in (the accounts the ARNs in other resources' `arn`, key, role and
  policy arguments name), and
- no other AWS provider of the stack assumes a role in.

A store whose provider assumes no role is in the deploying (workload) account and is a violation; so is a role
ARN not known during preview. The violation is reported once per store, on its locked bucket (or its first
resource). A stack without an evidence store is not applicable. When the deploying account is not yet known
(a first preview, with every ARN unknown), only the provider's assumed account can be judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.accounts import UNKNOWN, assumed_account

META = PolicyMeta(
    id="TF-AWS-EVD-001",
    name="aws-evidence-store-in-audit-account",
    description="The evidence store is declared in an audit account different from every workload account.",
    severity="high",
    topics=("audit", "evidence", "segregation"),
    controls={"SOC2": ("CC7.2", "CC4.1"), "ISO27001:2022": ("A.5.28", "A.8.15")},
    remediation=(
        "Declare the evidence store through an aws.Provider that assumes a role in the audit account "
        "(trust-fabric:audit in the stack file), an account no workload resource lives in."
    ),
)

STORE_TYPE = "trustfabric:security:EvidenceStore"
BUCKET = "aws:s3/bucket:Bucket"


def _store_of(resource: Any) -> str | None:
    """The URN of the evidence store `resource` belongs to (its ancestor of STORE_TYPE), if any."""
    ancestor = resource.parent
    while ancestor is not None:
        if ancestor.resource_type == STORE_TYPE:
            return str(ancestor.urn)
        ancestor = ancestor.parent
    # Without its ancestors in the request, the qualified type still says whose child a resource is.
    qualified_type = resource.urn.split("::")[2] if resource.urn.count("::") >= 3 else ""
    return qualified_type.split(f"{STORE_TYPE}$", 1)[0] + STORE_TYPE if f"{STORE_TYPE}$" in qualified_type else None


ACCOUNT_BEARING_PROPS = ("arn", "roleArn", "kmsKeyId", "kmsMasterKeyId", "kmsKeyArn", "policy", "assumeRolePolicy")
"""Arguments whose text names the account a workload resource lives in (its ARN, its key's, its role's)."""
ARN_ACCOUNT = re.compile(r"arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


def _named_accounts(resource: Any) -> set[str]:
    accounts: set[str] = set()
    for prop in ACCOUNT_BEARING_PROPS:
        if is_unknown(resource.props, prop):
            continue
        value = get(resource.props, prop)
        if isinstance(value, str):
            accounts.update(ARN_ACCOUNT.findall(value))
    return accounts


def _workload_accounts(resources: Iterable[Any], store_providers: set[str]) -> set[str]:
    """Accounts the stack's other AWS resources live in: their providers' assumed roles, and the ARNs they name."""
    accounts: set[str] = set()
    for resource in resources:
        if not resource.resource_type.startswith("aws:") or _store_of(resource) is not None:
            continue
        provider = resource.provider
        if provider is not None and provider.urn not in store_providers:
            account = assumed_account(provider)
            if account not in (None, UNKNOWN):
                accounts.add(str(account))
        accounts |= _named_accounts(resource)
    return accounts


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    stores: dict[str, list[Any]] = {}
    for resource in args.resources:
        store = _store_of(resource)
        if store is not None and resource.resource_type.startswith("aws:"):
            stores.setdefault(store, []).append(resource)
    if not stores:
        return
    store_providers = {r.provider.urn for members in stores.values() for r in members if r.provider is not None}
    workload = _workload_accounts(args.resources, store_providers)
    for members in stores.values():
        target = next(
            (r for r in members if r.resource_type == BUCKET and get(r.props, "objectLockEnabled") is True),
            members[0],
        )
        accounts = {assumed_account(r.provider) for r in members}
        if None in accounts:
            report_violation(
                f"Evidence store '{target.name}' is declared through a provider that assumes no role, so it lives "
                "in the deploying (workload) account; declare it through a provider that assumes a role in the "
                "audit account (trust-fabric:audit).",
                target.urn,
            )
        elif UNKNOWN in accounts:
            report_violation(
                f"Evidence store '{target.name}': the account its provider assumes a role in is not known during "
                "preview; name the audit account's role ARN literally (trust-fabric:audit).",
                target.urn,
            )
        elif len(accounts) > 1:
            report_violation(
                f"Evidence store '{target.name}' is split across accounts {', '.join(sorted(map(str, accounts)))}; "
                "declare every part of it through the audit account's provider.",
                target.urn,
            )
        elif accounts & workload:
            [account] = accounts
            report_violation(
                f"Evidence store '{target.name}' is in account {account}, where workload resources of the stack "
                "also live; declare it in a separate audit account (trust-fabric:audit).",
                target.urn,
            )


POLICY = stack_policy(META, validate)
