"""Shared helpers of the encryption policies: data-classification scope and customer-managed key checks.

Scope: a data store whose `data-classification` (its own tag over its provider's default tags) is
`confidential` or `restricted` must be encrypted with a customer-managed KMS key (CMK). A missing, unknown or
unrecognised classification never exempts a store: it is treated as confidential. `public` and `internal`
data may use an AWS-managed key, but must still be encrypted at rest.

This module lives outside `policies/aws` on purpose: the registry requires every module there to define
POLICY.

Usage (inside a policy's `validate`)::

    if require_enabled(args, report_violation, kind="EFS file system", path=("encrypted",),
                       argument="encrypted", key_argument="kms_key_id"):
        require_cmk(args, report_violation, kind="EFS file system", path=("kmsKeyId",), argument="kms_key_id")
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UnknownValueError

from policies.base import get, is_unknown

CLASSIFICATION_TAG = "data-classification"
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
        value = _provider_default_tags(resource).get(CLASSIFICATION_TAG)
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _provider_default_tags(resource: Any) -> dict[str, Any]:
    """The provider's default tags; an explicit provider's nested inputs arrive JSON-encoded, so decode them."""
    provider = resource.provider
    if provider is None or is_unknown(provider.props, "defaultTags"):
        return {}
    default_tags = get(provider.props, "defaultTags", default={})
    if isinstance(default_tags, str):
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    tags = default_tags.get("tags") if isinstance(default_tags, Mapping) else None
    return {str(key): tags[key] for key in tags} if isinstance(tags, Mapping) else {}


def requires_cmk(resource: Any) -> bool:
    """True unless the resource is classified public or internal."""
    return classification(resource) not in AWS_MANAGED_ENCRYPTION_ALLOWED


def scope_label(resource: Any) -> str:
    """How a violation message names the data the resource holds."""
    found = classification(resource)
    return f"{found} data" if found else "unclassified data (treated as confidential)"


def is_unknown_itself(props: Any, *path: str | int) -> bool:
    """True when the value at `path` itself is unknown (`is_unknown` also looks inside lists and maps)."""
    value = props
    try:
        for key in path:
            value = value[key]
    except UnknownValueError:
        return True
    except (KeyError, IndexError, TypeError):
        return False
    return False


def is_aws_managed_alias(key: str) -> bool:
    """True for an AWS-managed key alias such as `alias/aws/s3` or its ARN."""
    return bool(_AWS_MANAGED_ALIAS.match(key.strip()))


def as_bool(value: Any) -> bool | None:
    """A boolean input read leniently (string flags too); None when absent or unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


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
    kind: str, *, flag_path: Path, flag_argument: str, key_path: Path = ("kmsKeyId",), key_argument: str = "kms_key_id"
) -> Any:
    """The validate of a resource encrypted by a boolean flag plus a key argument (EBS, EFS, RDS, DocumentDB):
    the flag must be on, and for CMK-scoped data the key must be a customer-managed key."""

    def validate(args: Any, report_violation: ReportViolation) -> None:
        if require_enabled(
            args, report_violation, kind=kind, path=flag_path, argument=flag_argument, key_argument=key_argument
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


# -----------------------------------------------------------------------------------------------------------
# Stack policies: which S3 sub-resources (encryption configuration, bucket policy) belong to which bucket.

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")


def targets_bucket(resource: Any, bucket: Any) -> bool:
    """True when `resource`'s `bucket` input refers to `bucket` (a stack policy's PolicyResources).

    Either the input depends on the bucket resource (`bucket=bucket.id`, known or not), or it is the bucket's
    literal name (`bucket="invoices-uk"` on both).
    """
    if any(dependency.urn == bucket.urn for dependency in resource.property_dependencies.get("bucket", [])):
        return True
    name = _bucket_name(bucket.props)
    return name is not None and _bucket_name(resource.props) == name


def _bucket_name(props: Any) -> str | None:
    """The literal, non-empty `bucket` input in `props`; None when absent, unknown or not a string."""
    if is_unknown(props, "bucket"):
        return None
    name = get(props, "bucket")
    return name if isinstance(name, str) and name else None


class BucketTargets:
    """`targets_bucket` for many buckets at once: which of `resources` target a bucket, found through an index
    (by dependency URN and by literal name) instead of by testing every pair, so a stack policy stays linear on
    stacks with thousands of buckets. The answer is exactly `[r for r in resources if targets_bucket(r, bucket)]`.
    """

    def __init__(self, resources: Sequence[Any]) -> None:
        self.resources = list(resources)
        self._by_dependency: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        for index, resource in enumerate(self.resources):
            for dependency in resource.property_dependencies.get("bucket", []):
                self._by_dependency.setdefault(dependency.urn, []).append(index)
            name = _bucket_name(resource.props)
            if name is not None:
                self._by_name.setdefault(name, []).append(index)

    def of(self, bucket: Any) -> list[Any]:
        """The resources targeting `bucket`, in their order in `resources`."""
        found = set(self._by_dependency.get(bucket.urn, ()))
        name = _bucket_name(bucket.props)
        if name is not None:
            found.update(self._by_name.get(name, ()))
        return [self.resources[index] for index in sorted(found)]
