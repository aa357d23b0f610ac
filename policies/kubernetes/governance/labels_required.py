"""kubernetes-governance-labels-required: every Kubernetes object carries the tag contract as labels.

`metadata.labels` must hold `jurisdiction` (UK|EU|US|CA), `data-classification`
(public|internal|confidential|restricted) and a non-empty `owner`. Objects without metadata (Helm releases,
patches of objects owned elsewhere, lists) are out of scope. A label not known during preview is reported as
unproven.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.kubernetes import kind_of
from policies.lib.props import unknown_itself
from policies.lib.tags import CLASSIFICATION_TAG, CLASSIFICATIONS, JURISDICTION_CODES, JURISDICTION_TAG, OWNER_TAG

META = PolicyMeta(
    id="TF-K8S-GOV-001",
    name="kubernetes-governance-labels-required",
    description="Every Kubernetes object carries valid jurisdiction, data-classification and owner labels.",
    severity="high",
    topics=("governance", "tagging", "kubernetes"),
    controls={"SOC2": ("CC2.1", "CC6.1"), "ISO27001:2022": ("A.5.9", "A.5.12"), "GDPR": ("Art.30",)},
    remediation="Set the jurisdiction, data-classification and owner labels in the object's metadata.labels.",
)

ALLOWED_VALUES = {JURISDICTION_TAG: JURISDICTION_CODES, CLASSIFICATION_TAG: CLASSIFICATIONS}


def _in_scope(resource_type: str) -> bool:
    if not resource_type.startswith("kubernetes:") or resource_type.startswith("kubernetes:helm.sh/"):
        return False
    kind = kind_of(resource_type)
    return not (kind.endswith("Patch") or kind.endswith("List"))


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not _in_scope(args.resource_type):
        return
    kind = kind_of(args.resource_type)
    if unknown_itself(args.props, "metadata") or unknown_itself(args.props, "metadata", "labels"):
        report_violation(
            f"Kubernetes {kind} '{args.name}': its labels are not known during preview; set jurisdiction, "
            "data-classification and owner literally in metadata.labels."
        )
        return
    labels = get(args.props, "metadata", "labels", default={})
    found = []
    for key in (JURISDICTION_TAG, CLASSIFICATION_TAG, OWNER_TAG):
        if unknown_itself(labels, key):
            found.append(f"'{key}' is not known during preview")
            continue
        value = get(labels, key)
        if not isinstance(value, str) or not value.strip():
            found.append(f"'{key}' is missing")
        elif key in ALLOWED_VALUES and value not in ALLOWED_VALUES[key]:
            found.append(f"'{key}' is '{value}' (allowed: {'|'.join(ALLOWED_VALUES[key])})")
    if found:
        report_violation(
            f"Kubernetes {kind} '{args.name}' breaks the label contract: {'; '.join(found)}; set jurisdiction, "
            "data-classification and owner in metadata.labels."
        )


POLICY = resource_policy(META, validate)
