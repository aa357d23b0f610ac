"""aws-s3-bucket-policy-secure-transport: S3 bucket policies deny every request not made over TLS.

The policy must hold a Deny statement for all principals and all S3 actions, with the condition
`Bool`/`BoolIfExists` `aws:SecureTransport` = false, whose resources cover the bucket and its objects (the
statements may split the two). That every bucket has a bucket policy is the stack policy
aws-s3-bucket-secure-transport-policy-attached.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-S3-TLS-001",
    name="aws-s3-bucket-policy-secure-transport",
    description="S3 bucket policies deny all requests to the bucket and its objects that do not use TLS.",
    severity="high",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.24"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.1.1",),
    },
    remediation=(
        "Add a statement Effect=Deny, Principal='*', Action='s3:*', Resource=[bucket ARN, bucket ARN + "
        "'/*'], "
        "Condition={'Bool': {'aws:SecureTransport': 'false'}} to the aws.s3.BucketPolicy."
    ),
)

KIND = "S3 bucket policy"


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _all_principals(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in _as_list(principal.get("AWS"))


def _all_actions(statement: Mapping[str, Any]) -> bool:
    return any(action in ("*", "s3:*") for action in _as_list(statement.get("Action")))


def _denies_insecure_transport(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator in ("Bool", "BoolIfExists"):
        block = condition.get(operator)
        if isinstance(block, Mapping):
            values = _as_list(block.get("aws:SecureTransport"))
            if values and all(str(value).lower() == "false" for value in values):
                return True
    return False


def _covers(patterns: list[str], arn_suffix: str) -> bool:
    """True when a resource pattern matches `arn:<partition>:s3:::<arn_suffix>` for some AWS partition."""
    for pattern in patterns:
        for partition in ("aws", "aws-cn", "aws-us-gov"):
            if fnmatchcase(f"arn:{partition}:s3:::{arn_suffix}", pattern):
                return True
    return False


def problem_with(document: Any, bucket: str) -> str | None:
    """What the document lacks, or None when it denies insecure transport to the bucket and its objects."""
    statements = _as_list(document.get("Statement")) if isinstance(document, Mapping) else []
    resources: list[str] = []
    for statement in statements:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Deny":
            continue
        if _all_principals(statement) and _all_actions(statement) and _denies_insecure_transport(statement):
            resources += [str(resource) for resource in _as_list(statement.get("Resource"))]
    if not resources:
        return "has no Deny statement for all principals and actions on condition aws:SecureTransport=false"
    missing = [
        label
        for label, suffix in (("the bucket", bucket), ("its objects", f"{bucket}/*"))
        if not _covers(resources, suffix)
    ]
    if missing:
        return f"denies insecure transport but not to {' and '.join(missing)} (bucket '{bucket}')"
    return None


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props, name = args.props, args.name
    for field in ("bucket", "policy"):
        if is_unknown(props, field):
            report_violation(
                f"{KIND} '{name}': {field} is not known during preview; the denial of insecure transport "
                "cannot be proven, so declare the bucket name and policy from values known at preview."
            )
            return
    bucket, text = get(props, "bucket", default=""), get(props, "policy", default="")
    try:
        document = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        report_violation(f"{KIND} '{name}': policy is not valid JSON; write it with aws.iam.get_policy_document.")
        return
    problem = problem_with(document, bucket)
    if problem is not None:
        report_violation(
            f"{KIND} '{name}' {problem}; add a Deny of s3:* for Principal '*' on the bucket ARN and "
            "bucket ARN/* with Condition Bool aws:SecureTransport=false."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:s3/bucketPolicy:BucketPolicy",))
