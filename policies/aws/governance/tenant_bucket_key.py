"""aws-s3-tenant-bucket-encrypted-with-tenant-key: a tenant's bucket is encrypted with that tenant's own key, kept in
the tenant's jurisdiction.

Scope: S3 buckets carrying a `tenant` tag (`components/governance/tenant_data.py`). Every server-side encryption
configuration targeting the bucket (and there must be one) uses SSE-KMS with a key that

- is a KMS key of the stack (`aws.kms.Key`, `aws.kms.ExternalKey`, `aws.kms.ReplicaKey`) whose own `tenant` tag is
  the bucket's tenant: found through the configuration's dependencies (`kms_master_key_id=key.arn`) or, for a
  literal ARN, by the key's `arn`;
- lives in a region the bucket's jurisdiction allows (the residency table).

A cell key, another tenant's key, an AWS-managed key, SSE-S3, or a key this stack does not declare (it cannot be
shown to be the tenant's) is a violation; so is a configuration not known during preview.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.facts import JURISDICTIONS
from policies.lib.props import as_list, region_of, unknown_itself
from policies.lib.s3 import BUCKET_TYPES, BucketTargets
from policies.lib.tags import UNKNOWN_TAG, jurisdiction_of, tag_value
from policies.lib.tenancy import TENANT_TAG, stack_keys

CONFIGURATION_TYPES = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)

META = PolicyMeta(
    id="TF-AWS-GOV-TENANT-002",
    name="aws-s3-tenant-bucket-encrypted-with-tenant-key",
    description="A tenant's S3 bucket is encrypted with the tenant's own KMS key, in the tenant's jurisdiction.",
    severity="critical",
    topics=("encryption", "key-management", "tenancy", "residency"),
    controls={
        "SOC2": ("CC6.1", "C1.1"),
        "ISO27001:2022": ("A.8.24", "A.5.34"),
        "GDPR": ("Art.32", "Art.25"),
    },
    remediation=(
        "Encrypt the tenant's bucket with aws:kms and kms_master_key_id set to the tenant's key (TenantData.key_arn), "
        "declared in a region of the tenant's jurisdiction."
    ),
)


def _problem(
    bucket: Any, tenant: str, configuration: Any, keys_by_urn: dict[str, Any], keys_by_arn: dict[str, Any]
) -> str | None:
    """What is wrong with one encryption configuration of a tenant bucket; None when it uses the tenant's key."""
    props = configuration.props
    where = f"S3 bucket '{bucket.name}' of tenant '{tenant}'"
    if unknown_itself(props, "rules"):
        return f"{where}: its encryption rules are not known during preview; the tenant's key cannot be proven."
    rules = as_list(get(props, "rules"))
    if not rules:
        return f"{where}: encryption configuration '{configuration.name}' has no rule; use the tenant's key."
    dependencies = [
        keys_by_urn[d.urn] for d in configuration.property_dependencies.get("rules", []) if d.urn in keys_by_urn
    ]
    for rule in rules:
        default = get(rule, "applyServerSideEncryptionByDefault")
        if is_unknown(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm"):
            return f"{where}: its encryption algorithm is not known during preview; the tenant's key cannot be proven."
        algorithm = get(default, "sseAlgorithm") if default is not None else None
        if algorithm not in ("aws:kms", "aws:kms:dsse"):
            return f"{where} is encrypted with {algorithm or 'no algorithm'}, not the tenant's KMS key; use aws:kms."
        literal = get(default, "kmsMasterKeyId")
        candidates = list(dependencies)
        if isinstance(literal, str) and literal in keys_by_arn:
            candidates.append(keys_by_arn[literal])
        if not candidates:
            shown = literal if isinstance(literal, str) and literal else "the AWS-managed key"
            return (
                f"{where} is encrypted with {shown}, which is no key this stack declares for tenant '{tenant}'; "
                "use the tenant's key."
            )
        owners = sorted({str(tag_value(key, TENANT_TAG)) for key in candidates})
        own = [key for key in candidates if tag_value(key, TENANT_TAG) == tenant]
        if not own:
            label = ", ".join(f"'{key.name}'" for key in candidates)
            whose = "no tenant" if owners == ["None"] else f"tenant {', '.join(owners)}"
            return f"{where} is encrypted with key {label} of {whose}, not the tenant's own key; use the tenant's key."
        code = jurisdiction_of(bucket)
        if isinstance(code, str) and code in JURISDICTIONS:
            allowed = JURISDICTIONS[code].allowed_regions
            for key in own:
                region = region_of(key)
                if region is None:
                    return f"{where}: the region of key '{key.name}' is not known during preview."
                if region not in allowed:
                    return (
                        f"{where}: key '{key.name}' is in {region}, outside {code}'s allowed regions "
                        f"({', '.join(allowed)}); declare the tenant's key in the tenant's jurisdiction."
                    )
    return None


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    keys_by_urn, keys_by_arn = stack_keys(args.resources)
    configurations = BucketTargets([r for r in args.resources if r.resource_type in CONFIGURATION_TYPES])
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        tenant = tag_value(bucket, TENANT_TAG)
        if tenant is None:
            continue
        if tenant is UNKNOWN_TAG:
            report_violation(f"S3 bucket '{bucket.name}': its tenant tag is not known during preview.", bucket.urn)
            continue
        found = configurations.of(bucket)
        if not found:
            report_violation(
                f"S3 bucket '{bucket.name}' of tenant '{tenant}' has no server-side encryption configuration; "
                "encrypt it with aws:kms and the tenant's key.",
                bucket.urn,
            )
            continue
        for configuration in found:
            problem = _problem(bucket, str(tenant), configuration, keys_by_urn, keys_by_arn)
            if problem is not None:
                report_violation(problem, bucket.urn)
                break


POLICY = stack_policy(META, validate)
