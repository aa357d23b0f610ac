"""aws-governance-tags-required: every taggable AWS resource carries the tag contract.

Taggable means the pulumi-aws resource class for the type takes a `tags` input (the list shipped with the pack,
`policies/lib/aws_taggable.json`); a type the list does not know is judged when the resource carries `tags`.
The effective tags are the provider's default tags merged with the resource's own. Required: `jurisdiction`
(UK|EU|US|CA), `data-classification` (public|internal|confidential|restricted) and a non-empty `owner`. A tag whose own value is not known during preview is reported as unproven, never a pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.taggable import is_taggable
from policies.lib.tags import (
    CLASSIFICATION_TAG,
    CLASSIFICATIONS,
    JURISDICTION_CODES,
    JURISDICTION_TAG,
    OWNER_TAG,
    UNKNOWN_TAG,
    tag_value,
)

META = PolicyMeta(
    id="TF-AWS-GOV-002",
    name="aws-governance-tags-required",
    description="Every taggable AWS resource carries valid jurisdiction, data-classification and owner tags.",
    severity="high",
    topics=("governance", "tagging", "residency"),
    controls={
        "SOC2": ("CC2.1", "CC6.1"),
        "ISO27001:2022": ("A.5.9", "A.5.12", "A.5.13"),
        "GDPR": ("Art.30",),
    },
    remediation=(
        "Set jurisdiction, data-classification and owner in the cell provider's default_tags or on the resource."
    ),
)

ALLOWED_VALUES = {JURISDICTION_TAG: JURISDICTION_CODES, CLASSIFICATION_TAG: CLASSIFICATIONS}


def problems(resource: ResourceValidationArgs) -> list[str]:
    """What is wrong with the resource's tags, one phrase per tag."""
    found = []
    for key in (JURISDICTION_TAG, CLASSIFICATION_TAG, OWNER_TAG):
        value = tag_value(resource, key)
        if value is UNKNOWN_TAG:
            found.append(f"'{key}' is not known during preview")
        elif not isinstance(value, str) or not value.strip():
            found.append(f"'{key}' is missing")
        elif key in ALLOWED_VALUES and value not in ALLOWED_VALUES[key]:
            found.append(f"'{key}' is '{value}' (allowed: {'|'.join(ALLOWED_VALUES[key])})")
    return found


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not is_taggable(args):
        return
    found = problems(args)
    if found:
        report_violation(
            f"AWS resource '{args.name}' breaks the tag contract: {'; '.join(found)}; set jurisdiction, "
            "data-classification and owner through the cell provider's default_tags or the resource's tags."
        )


POLICY = resource_policy(META, validate)
