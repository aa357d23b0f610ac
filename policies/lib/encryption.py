"""Shared helpers of the encryption policies: data-classification scope and customer-managed key checks.

Scope: a data store whose `data-classification` (its own tag over its provider's default tags) is
`confidential` or `restricted` must be encrypted with a customer-managed KMS key (CMK). A missing, unknown or
unrecognised classification never exempts a store: it is treated as confidential. `public` and `internal`
data may use an AWS-managed key, but must still be encrypted at rest.

Usage (inside a policy's `validate`)::

    if require_enabled(args, report_violation, kind="EFS file system", path=("encrypted",),
                       argument="encrypted", key_argument="kms_key_id"):
        require_cmk(args, report_violation, kind="EFS file system", path=("kmsKeyId",), argument="kms_key_id")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.lib.props import as_bool, get, is_unknown, provider_default_tags
from policies.lib.tags import CLASSIFICATION_TAG
from policies.lib.validation import ReportViolation, ResourceValidator

AWS_MANAGED_ENCRYPTION_ALLOWED = frozenset({"public", "internal"})
"""Classifications that may rely on AWS-managed keys; every other value (or none) requires a CMK."""

_AWS_MANAGED_ALIAS = re.compile(r"^(arn:aws[a-z-]*:kms:[^:]*:[^:]*:)?alias/aws/", re.IGNORECASE)

Path = Sequence[str | int]


def classification(resource: Any) -> str | None:
    """The resource's data classification (lower case), or None when missing, unknown or not a string.

    `resource` is a ResourceValidationArgs or a stack policy's PolicyResource (both carry props and provider).
    The resource's own tag wins over its provider's default tag; an own tag not known during preview may
    override the provider's, so it counts as unknown (None) rather than falling back to the provider's.
    """
    if is_unknown(resource.props, "tags", CLASSIFICATION_TAG):
        return None
    value = get(resource.props, "tags", CLASSIFICATION_TAG)
    if value is None:
        value = provider_default_tags(resource.provider).get(CLASSIFICATION_TAG)
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def requires_cmk(resource: Any) -> bool:
    """True unless the resource is classified public or internal."""
    return classification(resource) not in AWS_MANAGED_ENCRYPTION_ALLOWED


def scope_label(resource: Any) -> str:
    """How a violation message names the data the resource holds."""
    found = classification(resource)
    return f"{found} data" if found else "unclassified data (treated as confidential)"


def is_aws_managed_alias(key: str) -> bool:
    """True for an AWS-managed key alias such as `alias/aws/s3` or its ARN."""
    return bool(_AWS_MANAGED_ALIAS.match(key.strip()))


def require_enabled(
    args: Any,
    report_violation: ReportViolation,
    *,
    kind: str,
    path: Path,
    argument: str,
    key_argument: str | None,
    default: bool = False,
    literal: str = "True",
) -> bool:
    """Report unless the encryption flag at `path` is true; True when encryption is on (go on to the key).

    `default` is what AWS does when the flag is absent; `literal` is how the fix spells true (some providers
    type the flag as a string). The fix names the key argument too when the resource
    is in CMK scope, so one message says everything to set.
    """
    props = args.props
    if is_unknown(props, *path):
        report_violation(
            f"{kind} '{args.name}': {argument} is not known during preview; set it to {literal} literally."
        )
        return False
    value = as_bool(get(props, *path))
    if (default if value is None else value) is True:
        return True
    fix = f"{argument}={literal}"
    if key_argument is not None and requires_cmk(args):
        fix += f" and {key_argument} to the cell's data key"
    report_violation(f"{kind} '{args.name}' is not encrypted at rest; set {fix}.")
    return False


def require_cmk(args: Any, report_violation: ReportViolation, *, kind: str, path: Path, argument: str) -> None:
    """When the resource is in CMK scope, report unless the key at `path` is set and not AWS-managed."""
    if not requires_cmk(args):
        return
    problem = cmk_problem(args.props, path, argument, scope_label(args))
    if problem is not None:
        report_violation(f"{kind} '{args.name}' {problem}")


def flag_and_cmk_validator(
    kind: str,
    *,
    flag_path: Path,
    flag_argument: str,
    key_path: Path = ("kmsKeyId",),
    key_argument: str = "kms_key_id",
    default: bool = False,
    literal: str = "True",
) -> ResourceValidator:
    """The validate of a resource encrypted by a boolean flag plus a key argument (EBS, EFS, RDS, DocumentDB,
    ElastiCache, OpenSearch, Redshift): the flag must be on, and for CMK-scoped data the key must be a
    customer-managed key. `default` and `literal` as for `require_enabled`."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if require_enabled(
            args,
            report_violation,
            kind=kind,
            path=flag_path,
            argument=flag_argument,
            key_argument=key_argument,
            default=default,
            literal=literal,
        ):
            require_cmk(args, report_violation, kind=kind, path=key_path, argument=key_argument)

    return validate


def cmk_problem(props: Any, path: Path, argument: str, scope: str) -> str | None:
    """What is wrong with the key at `path` for CMK-scoped data, or None when it is a customer-managed key.

    The answer completes "<kind> '<name>' ..."; `scope` names the data (see `scope_label`).
    """
    if is_unknown(props, *path):
        return (
            f"holds {scope} and {argument} is not known during preview; "
            "set it literally to the cell's data key (a customer-managed KMS key)."
        )
    key = get(props, *path)
    if not isinstance(key, str) or not key.strip():
        return (
            f"holds {scope} but is not encrypted with a customer-managed KMS key; "
            f"set {argument} to the cell's data key."
        )
    if is_aws_managed_alias(key):
        return (
            f"holds {scope} but uses the AWS-managed key '{key}'; "
            f"set {argument} to the cell's data key (a customer-managed KMS key)."
        )
    return None
