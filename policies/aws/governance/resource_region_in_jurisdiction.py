"""aws-governance-resource-region-in-jurisdiction: every AWS resource lives in a region its jurisdiction allows.

The region is the resource's own `region` input (pulumi-aws 7 allows a per-resource override), else its
provider's `region`; the jurisdiction is its `jurisdiction` tag over the provider's default tags. A resource
without a jurisdiction tag is left to aws-governance-tags-required. A tag or region not known during preview is a
violation saying what could not be proven, never a pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.props import region_of
from policies.lib.residency import RESIDENCY_SCHEMA, residency_config
from policies.lib.tags import UNKNOWN_TAG, jurisdiction_of

META = PolicyMeta(
    id="TF-AWS-GOV-001",
    name="aws-governance-resource-region-in-jurisdiction",
    description="Every AWS resource is created in a region allowed for its jurisdiction tag.",
    severity="critical",
    topics=("residency", "governance"),
    controls={
        "SOC2": ("C1.1", "CC6.1"),
        "ISO27001:2022": ("A.5.34", "A.5.31"),
        "GDPR": ("Art.44", "Art.46"),
    },
    remediation="Create the resource with the cell's provider for an allowed region of its jurisdiction.",
    config_schema=RESIDENCY_SCHEMA,
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not args.resource_type.startswith("aws:"):
        return
    code = jurisdiction_of(args)
    if code is None:
        return  # the tag contract policy reports the missing tag
    if code is UNKNOWN_TAG:
        report_violation(
            f"AWS resource '{args.name}': its jurisdiction tag is not known during preview; "
            "set it literally so residency can be judged."
        )
        return
    allowed = residency_config(args.get_config())
    if code not in allowed:
        report_violation(
            f"AWS resource '{args.name}' has jurisdiction '{code}', which is not a known jurisdiction; "
            f"use one of {', '.join(allowed)}."
        )
        return
    region = region_of(args)
    if region is None:
        report_violation(
            f"AWS resource '{args.name}' ({code} data): its region is not known during preview; "
            f"create it with a provider for one of {', '.join(allowed[code])}."
        )
        return
    if region not in allowed[code]:
        report_violation(
            f"AWS resource '{args.name}' ({code} data) is in {region}, outside {code}'s allowed regions "
            f"{', '.join(allowed[code])}; create it with the cell's provider for an allowed region."
        )


POLICY = resource_policy(META, validate)
