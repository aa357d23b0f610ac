"""`trustfabric audit security`: read a live AWS account and report drift from the declared security baseline.

The gate proves what the code declares; this proves what the account holds, including anything created by hand.
It reads only (List/Describe/Get calls) and reports with the same Finding type and output formats as the gate:

- customer-managed symmetric KMS keys without automatic rotation;
- S3 buckets without default encryption, or encrypted with SSE-S3 / an AWS-managed key instead of a CMK;
- IAM access keys older than 90 days (the baseline declares no IAM users; any user is reported as advisory);
- CloudTrail trails that are not multi-region or lack log file validation, and regions with no trail at all.

Usage::

    trustfabric audit security --region eu-west-2 --region eu-west-1 --format json
    trustfabric audit security --endpoint-url http://127.0.0.1:5000   # a moto server, in tests

A finding is about a live resource, not a line of the program: reports locate it at the file of this repository
that declares the baseline it drifts from (each check's `baseline`, see `audit_locator`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import TrustFabricError
from .findings import Finding, ResourceRef
from .gate.info import PolicyInfo, controls_by_framework
from .paths import REPO_ROOT
from .report.locations import Location, Locator, existing_file

ACCESS_KEY_MAX_AGE_DAYS = 90

BASELINE_STACK_FILE = "Pulumi.prod.yaml"
"""Where a finding of a check without a baseline file would point: the stack whose baseline an account holds."""

CHECKS: dict[str, dict[str, Any]] = {
    "audit-kms-key-rotation": {
        "severity": "high",
        "enforcement": "mandatory",
        "controls": ("SOC2 CC6.1", "ISO27001:2022 A.8.24", "CIS-AWS-3.0 3.6"),
        "remediation": "aws kms enable-key-rotation --key-id <key-id>, then declare the key in code.",
        "description": "Customer-managed symmetric KMS keys rotate automatically.",
        "baseline": "components/security/kms.py",
    },
    "audit-s3-bucket-encryption": {
        "severity": "high",
        "enforcement": "mandatory",
        "controls": ("SOC2 CC6.1", "ISO27001:2022 A.8.24", "GDPR Art.32"),
        "remediation": "Set default encryption to aws:kms with the cell's data key (and import the bucket into code).",
        "description": "S3 buckets encrypt by default with a customer-managed KMS key.",
        "baseline": "components/storage/secure_bucket.py",
    },
    "audit-iam-access-key-age": {
        "severity": "high",
        "enforcement": "mandatory",
        "controls": ("SOC2 CC6.1", "ISO27001:2022 A.5.17", "CIS-AWS-3.0 1.14"),
        "remediation": "Deactivate and delete the key; people use SSO and workloads use roles.",
        "description": f"No IAM access key is older than {ACCESS_KEY_MAX_AGE_DAYS} days.",
        "baseline": "policies/aws/iam/user_no_access_keys.py",
    },
    "audit-iam-user-present": {
        "severity": "medium",
        "enforcement": "advisory",
        "controls": ("SOC2 CC6.2", "ISO27001:2022 A.5.16"),
        "remediation": "Replace the IAM user with an SSO permission set or a role.",
        "description": "The baseline declares no IAM users.",
        "baseline": "policies/aws/iam/user_not_used.py",
    },
    "audit-cloudtrail-validation": {
        "severity": "high",
        "enforcement": "mandatory",
        "controls": ("SOC2 CC7.2", "ISO27001:2022 A.8.15", "CIS-AWS-3.0 3.1", "CIS-AWS-3.0 3.2"),
        "remediation": "Make the trail multi-region with log file validation (the audit trail component does).",
        "description": "CloudTrail trails are multi-region and validate their log files.",
        "baseline": "components/security/audit_trail.py",
    },
    "audit-cloudtrail-present": {
        "severity": "critical",
        "enforcement": "mandatory",
        "controls": ("SOC2 CC7.2", "ISO27001:2022 A.8.15", "CIS-AWS-3.0 3.1"),
        "remediation": "Deploy the audit trail component (pulumi up) so a multi-region trail records every region.",
        "description": "A CloudTrail trail records every audited region.",
        "baseline": "components/security/audit_trail.py",
    },
}


def catalog() -> list[PolicyInfo]:
    """The audit checks as policy records (what the SARIF rules read)."""
    return [
        PolicyInfo(
            name=name,
            id=name,
            description=check["description"],
            severity=check["severity"],
            enforcement=check["enforcement"],
            controls=controls_by_framework(check["controls"]),
            remediation=check["remediation"],
            topics=("audit",),
        )
        for name, check in CHECKS.items()
    ]


def audit_locator(root: Path = REPO_ROOT) -> Locator:
    """Each check's findings at its baseline file (relative to the repository), else at the prod stack file;
    a file that does not exist under `root` is never named."""
    by_policy = {
        name: Location(file)
        for name, check in CHECKS.items()
        if (file := existing_file(root, str(check.get("baseline", "")))) is not None
    }
    return Locator(default=Location(BASELINE_STACK_FILE), root=root, by_policy=by_policy)


def _finding(check: str, message: str, resource: ResourceRef) -> Finding:
    spec = CHECKS[check]
    return Finding(
        policy=check,
        enforcement=spec["enforcement"],
        severity=spec["severity"],
        message=message,
        resource=resource,
        controls=tuple(spec["controls"]),
        source="audit",
        remediation=spec["remediation"],
    )


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    resources_checked: int = 0


ClientFactory = Callable[..., Any]


def _kms(client: Any, region: str, result: AuditResult) -> None:
    for page in client.get_paginator("list_keys").paginate():
        for entry in page["Keys"]:
            meta = client.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
            if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") != "Enabled":
                continue
            if meta.get("KeySpec", meta.get("CustomerMasterKeySpec")) != "SYMMETRIC_DEFAULT":
                continue
            if meta.get("MultiRegionConfiguration", {}).get("MultiRegionKeyType") == "REPLICA":
                continue  # rotation is managed on the primary
            result.resources_checked += 1
            if not client.get_key_rotation_status(KeyId=entry["KeyId"]).get("KeyRotationEnabled"):
                result.findings.append(
                    _finding(
                        "audit-kms-key-rotation",
                        f"KMS key {meta['KeyId']} in {region} does not rotate; enable automatic rotation.",
                        ResourceRef(meta["Arn"], "aws:kms/key:Key", meta["KeyId"]),
                    )
                )


def _s3(client: Any, result: AuditResult) -> None:
    from botocore.exceptions import ClientError

    for bucket in client.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        result.resources_checked += 1
        ref = ResourceRef(f"arn:aws:s3:::{name}", "aws:s3/bucket:Bucket", name)
        try:
            rules = client.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ServerSideEncryptionConfigurationNotFoundError":
                raise
            rules = []
        defaults = [rule.get("ApplyServerSideEncryptionByDefault", {}) for rule in rules]
        kms = [d for d in defaults if d.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse")]
        if not defaults:
            message = f"S3 bucket {name} has no default encryption; set SSE-KMS with the cell's data key."
        elif not kms:
            message = f"S3 bucket {name} uses SSE-S3 (AES256), not a customer-managed KMS key."
        elif not any(d.get("KMSMasterKeyID") and "alias/aws/" not in d["KMSMasterKeyID"] for d in kms):
            message = f"S3 bucket {name} uses the AWS-managed key, not a customer-managed KMS key."
        else:
            continue
        result.findings.append(_finding("audit-s3-bucket-encryption", message, ref))


def _iam(client: Any, now: dt.datetime, result: AuditResult) -> None:
    for page in client.get_paginator("list_users").paginate():
        for user in page["Users"]:
            result.resources_checked += 1
            user_ref = ResourceRef(user["Arn"], "aws:iam/user:User", user["UserName"])
            result.findings.append(
                _finding(
                    "audit-iam-user-present", f"IAM user {user['UserName']} exists outside the baseline.", user_ref
                )
            )
            for key in client.list_access_keys(UserName=user["UserName"])["AccessKeyMetadata"]:
                if key.get("Status") != "Active":
                    continue
                age = (now - key["CreateDate"]).days
                if age > ACCESS_KEY_MAX_AGE_DAYS:
                    result.findings.append(
                        _finding(
                            "audit-iam-access-key-age",
                            f"Access key {key['AccessKeyId']} of IAM user {user['UserName']} is {age} days old "
                            f"(limit {ACCESS_KEY_MAX_AGE_DAYS}); rotate it away.",
                            ResourceRef(user["Arn"], "aws:iam/accessKey:AccessKey", key["AccessKeyId"]),
                        )
                    )


def _cloudtrail(clients: dict[str, Any], regions: Sequence[str], result: AuditResult) -> None:
    covered: set[str] = set()
    seen: set[str] = set()
    for region in regions:
        for trail in clients[region].describe_trails(includeShadowTrails=True).get("trailList", []):
            if trail.get("IsMultiRegionTrail"):
                covered.update(regions)
            else:
                covered.add(trail.get("HomeRegion", region))
            arn = trail.get("TrailARN", trail["Name"])
            if arn in seen:
                continue
            seen.add(arn)
            result.resources_checked += 1
            problems = []
            if not trail.get("IsMultiRegionTrail"):
                problems.append("is not multi-region")
            if not trail.get("LogFileValidationEnabled"):
                problems.append("has no log file validation")
            if problems:
                result.findings.append(
                    _finding(
                        "audit-cloudtrail-validation",
                        f"CloudTrail trail {trail['Name']} {' and '.join(problems)}.",
                        ResourceRef(arn, "aws:cloudtrail/trail:Trail", trail["Name"]),
                    )
                )
    for region in regions:
        if region not in covered:
            result.findings.append(
                _finding(
                    "audit-cloudtrail-present",
                    f"No CloudTrail trail records {region}.",
                    ResourceRef("", "aws:cloudtrail/trail:Trail", region),
                )
            )


def audit_security(
    regions: Iterable[str],
    *,
    endpoint_url: str | None = None,
    client_factory: ClientFactory | None = None,
    now: dt.datetime | None = None,
) -> AuditResult:
    """Read the account in each region and return drift from the baseline as Findings."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from .aws_regions import is_aws_region

    region_list = list(dict.fromkeys(regions))
    if not region_list:
        raise TrustFabricError("--region: name at least one region to audit")
    for region in region_list:
        if not is_aws_region(region):
            shown = repr(region) if len(repr(region)) <= 40 else f"{repr(region)[:36]}...'"
            raise TrustFabricError(f"--region: {shown} is not an AWS region; e.g. eu-west-2")
    make = client_factory
    if make is None:
        from .drills.common import probe_account

        session = boto3.session.Session()
        # One read-only call first: an endpoint that answers but is not AWS fails here, in one line.
        probe_account(session, endpoint_url, region_list[0])

        def default_factory(service: str, region: str) -> Any:
            return session.client(service, region_name=region, endpoint_url=endpoint_url)

        make = default_factory
    moment = now or dt.datetime.now(dt.UTC)
    result = AuditResult()
    where = endpoint_url or "the AWS default endpoint"
    try:
        for region in region_list:
            _kms(make("kms", region), region, result)
        _s3(make("s3", region_list[0]), result)
        _iam(make("iam", region_list[0]), moment, result)
        _cloudtrail({region: make("cloudtrail", region) for region in region_list}, region_list, result)
    except (BotoCoreError, ClientError) as error:
        raise TrustFabricError(f"audit: AWS call failed: {str(error).splitlines()[0]}") from None
    except (KeyError, TypeError) as error:
        raise TrustFabricError(
            f"audit: endpoint {where} answered, but not as AWS does (no {error} in its reply); is it an AWS endpoint?"
        ) from None
    return result
