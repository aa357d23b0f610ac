"""aws-kms-key-policy-admits-role-users: a role that reads or writes what a key of the stack encrypts is a user of
that key in the key's own policy.

Our key policies do not delegate to IAM (no statement for the account root, docs/adr/0002-key-hierarchy.md), so
an IAM policy granting `kms:Decrypt` is not enough: KMS refuses every principal its key policy does not admit,
and a real deploy fails with AccessDenied the first time the role touches the data. A role needs a key when a
policy document it holds refers (by property dependencies, which are known during preview) to one of the below.
The documents a role holds: its inline policies (`aws:iam/rolePolicy:RolePolicy`, or the role's own
`inline_policies` argument) and the managed policies of the stack (`aws:iam/policy:Policy`) attached to it
(`aws:iam/rolePolicyAttachment:RolePolicyAttachment`, `aws:iam/policyAttachment:PolicyAttachment` with the role
among its `roles`, or the role's `managed_policy_arns`). Managed policies outside the stack (AWS managed) name
none of its keys and are not read.

- the key itself (an `aws.kms.Key` or `aws.kms.ReplicaKey` of the stack), or
- a resource the key encrypts: an S3 bucket through its server-side encryption configuration, an SQS queue or
  SNS topic (`kms_master_key_id`), a Step Functions state machine (`encryption_configuration`), an EventBridge
  Scheduler schedule (`kms_key_arn`), a DynamoDB table (`server_side_encryption`).

The key's policy admits the role when an Allow statement grants a use action (`kms:Decrypt`, `kms:Encrypt`,
`kms:GenerateDataKey*`, wildcards honoured) to the role's ARN, or to `*` under an `aws:PrincipalArn` condition
(ArnEquals/ArnLike) that matches the role's name. A key policy or role name not known during preview is a
violation saying so. Keys of another stack (dr's replica keys, prod's replication destinations) are judged in the
stack that declares them.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.iam import is_allow
from policies.lib.props import as_list

META = PolicyMeta(
    id="TF-AWS-KMS-003",
    name="aws-kms-key-policy-admits-role-users",
    description="Every role that reads or writes data a customer-managed key of the stack encrypts is admitted as a "
    "user by that key's policy.",
    severity="high",
    topics=("encryption", "key-management", "least-privilege"),
    controls={"SOC2": ("CC6.1", "CC6.3"), "ISO27001:2022": ("A.8.24", "A.5.15"), "GDPR": ("Art.32",)},
    remediation=(
        "Admit the role in the key policy by its exact ARN and the services it uses the key through "
        "(components.security.kms_policy.LateKeyUser, listed in stacks/key_users.py)."
    ),
)

KEYS = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey")
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
LABELS = {
    ROLE_POLICY: "Role policy",
    ROLE: "Role",
    ROLE_POLICY_ATTACHMENT: "Role policy attachment",
    POLICY_ATTACHMENT: "Policy attachment",
}
"""How a violation names the resource that gives a role its document."""
ENCRYPTED_BY = {
    "aws:sqs/queue:Queue": "kmsMasterKeyId",
    "aws:sns/topic:Topic": "kmsMasterKeyId",
    "aws:sfn/stateMachine:StateMachine": "encryptionConfiguration",
    "aws:scheduler/schedule:Schedule": "kmsKeyArn",
    "aws:dynamodb/table:Table": "serverSideEncryption",
}
"""Resource type -> the argument naming the key that encrypts it."""
BUCKET_ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
"""A bucket's key is named by its encryption configuration (`bucket` -> `rule`/`rules`)."""
USE_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")


def _dependencies(resource: Any, prop: str) -> list[str]:
    return [d.urn for d in resource.property_dependencies.get(prop, [])]


def _keys_of(resource: Any, keys: Mapping[str, Any]) -> set[str]:
    prop = ENCRYPTED_BY.get(resource.resource_type)
    return {urn for urn in _dependencies(resource, prop) if urn in keys} if prop else set()


def _bucket_keys(resources: Iterable[Any], keys: Mapping[str, Any]) -> dict[str, set[str]]:
    """Bucket URN -> the keys of the stack its encryption configuration names."""
    found: dict[str, set[str]] = {}
    for configuration in resources:
        if configuration.resource_type not in BUCKET_ENCRYPTION:
            continue
        named = {u for prop in ("rule", "rules") for u in _dependencies(configuration, prop) if u in keys}
        for bucket in _dependencies(configuration, "bucket"):
            found.setdefault(bucket, set()).update(named)
    return found


def _name_of_role(role: Any) -> str | None:
    if is_unknown(role.props, "name"):
        return None
    name = get(role.props, "name")
    return name if isinstance(name, str) and name else None


def _role_names(holder: Any, prop: str, by_urn: Mapping[str, Any]) -> list[str] | None:
    """IAM names of the roles `holder.prop` names (by dependency, else literally); None when one cannot be told."""
    roles = [by_urn[u] for u in _dependencies(holder, prop) if u in by_urn and by_urn[u].resource_type == ROLE]
    if roles:
        names = [_name_of_role(role) for role in roles]
        return None if None in names else [n for n in names if n is not None]
    if is_unknown(holder.props, prop):
        return None
    literal = get(holder.props, prop)
    literals = [v for v in as_list(literal) if isinstance(v, str) and v]
    return literals or None


@dataclass(frozen=True)
class Grant:
    """A policy document a resource gives to roles: what it refers to, and through which managed policy."""

    holder: Any
    """The resource that gives the document (reported on)."""
    roles: list[str] | None
    """The roles' IAM names; None when not known during preview."""
    referenced: list[str]
    """URNs the document depends on."""
    through: str | None = None
    """The managed policy carrying the document, when it is one."""


def _managed(policy_urns: Iterable[str], by_urn: Mapping[str, Any]) -> list[Any]:
    return [by_urn[u] for u in policy_urns if u in by_urn and by_urn[u].resource_type == MANAGED_POLICY]


def grants(resources: Iterable[Any], by_urn: Mapping[str, Any]) -> list[Grant]:
    """Every policy document of the stack held by a role, with the roles that hold it."""
    found: list[Grant] = []
    for resource in resources:
        kind = resource.resource_type
        if kind == ROLE_POLICY:
            found.append(Grant(resource, _role_names(resource, "role", by_urn), _dependencies(resource, "policy")))
        elif kind in (ROLE_POLICY_ATTACHMENT, POLICY_ATTACHMENT):
            roles = _role_names(resource, "role" if kind == ROLE_POLICY_ATTACHMENT else "roles", by_urn)
            for policy in _managed(_dependencies(resource, "policyArn"), by_urn):
                found.append(Grant(resource, roles, _dependencies(policy, "policy"), policy.name))
        elif kind == ROLE:
            role = [name] if (name := _name_of_role(resource)) else None
            inline = _dependencies(resource, "inlinePolicies")
            if inline:
                found.append(Grant(resource, role, inline))
            for policy in _managed(_dependencies(resource, "managedPolicyArns"), by_urn):
                found.append(Grant(resource, role, _dependencies(policy, "policy"), policy.name))
    return found


def _grants_use(statement: Mapping[str, Any]) -> bool:
    actions = [str(action).lower() for action in as_list(statement.get("Action"))]
    return any(fnmatch.fnmatchcase(use.lower(), action) for use in USE_ACTIONS for action in actions)


def _admits(statement: Mapping[str, Any], role: str) -> bool:
    principal = statement.get("Principal")
    named = as_list(principal.get("AWS")) if isinstance(principal, Mapping) else as_list(principal)
    if any(isinstance(p, str) and p.endswith(f":role/{role}") for p in named):
        return True
    if "*" not in named:
        return False
    condition = statement.get("Condition") or {}
    patterns = [
        pattern
        for operator in ("ArnEquals", "ArnLike")
        for pattern in as_list((condition.get(operator) or {}).get("aws:PrincipalArn"))
    ]
    if not patterns:
        return True  # `*` without a principal condition admits everyone (other policies judge that breadth)
    return any(
        isinstance(p, str) and ":role/" in p and fnmatch.fnmatchcase(role, p.split(":role/", 1)[1]) for p in patterns
    )


def key_admits(document: Any, role: str) -> bool | None:
    """True when the key policy lets `role` use the key; None when the document cannot be read."""
    try:
        parsed = json.loads(document) if isinstance(document, str) else document
        statements = as_list(parsed.get("Statement"))
    except (ValueError, AttributeError):
        return None
    return any(isinstance(s, Mapping) and is_allow(s) and _grants_use(s) and _admits(s, role) for s in statements)


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    by_urn = {r.urn: r for r in resources}
    keys = {r.urn: r for r in resources if r.resource_type in KEYS}
    if not keys:
        return
    buckets = _bucket_keys(resources, keys)
    for grant in grants(resources, by_urn):
        through = f" through policy '{grant.through}'" if grant.through else ""
        needed = {urn: f"names the key{through}" for urn in grant.referenced if urn in keys}
        for urn in grant.referenced:
            target = by_urn.get(urn)
            if target is not None and urn not in keys:
                for key_urn in sorted(_keys_of(target, keys) | buckets.get(urn, set())):
                    needed.setdefault(key_urn, f"reaches {target.name}{through}, which it encrypts")
        if not needed:
            continue
        holder = grant.holder
        for key_urn, why in sorted(needed.items()):
            key = keys[key_urn]
            if grant.roles is None:
                report_violation(
                    f"{LABELS[holder.resource_type]} '{holder.name}' uses KMS key '{key.name}' ({why}) but its "
                    "role's name is not known during preview, so the key policy cannot be checked; give the role a "
                    "fixed name.",
                    holder.urn,
                )
                continue
            for role in grant.roles:
                if is_unknown(key.props, "policy"):
                    report_violation(
                        f"Role '{role}' uses KMS key '{key.name}' ({why}) but the key policy is not known during "
                        "preview; build it from known role names.",
                        holder.urn,
                    )
                    continue
                if not key_admits(get(key.props, "policy"), role):
                    report_violation(
                        f"Role '{role}' uses KMS key '{key.name}' ({why}) but the key policy does not admit it, so "
                        "KMS will refuse it; admit the role as a key user (stacks/key_users.py).",
                        holder.urn,
                    )


POLICY = stack_policy(META, validate)
