"""aws-backup-plan-statutory-retention: backup plans of confidential records keep them for the statutory period.

Scope: `aws.backup.Plan`s whose effective `data-classification` (own tag over the provider's default tags) is
confidential or restricted; a missing or unknown classification never exempts a plan. At least one rule must
keep recovery points for the jurisdiction's statutory retention (`retention_days` from the residency table,
configurable per jurisdiction as `retentionDays<CODE>` with the statutory value as floor): its lifecycle
`delete_after` is at least that many days, or it has no `delete_after` (kept until deleted by hand). A plan with
no or an unknown jurisdiction is held to the strictest period. Rules not known during preview are reported.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.facts import JURISDICTIONS
from policies.lib.props import unknown_itself
from policies.lib.tags import CLASSIFICATION_TAG, UNKNOWN_TAG, jurisdiction_of, tag_value

STATUTORY_DAYS = {code: j.retention_days for code, j in JURISDICTIONS.items()}
OUT_OF_SCOPE = ("public", "internal")

META = PolicyMeta(
    id="TF-AWS-BAK-002",
    name="aws-backup-plan-statutory-retention",
    description=(
        "Backup plans for confidential or restricted records keep a recovery point for the jurisdiction's "
        "statutory retention period."
    ),
    severity="high",
    topics=("resilience", "backup", "retention", "residency"),
    controls={
        "SOC2": ("A1.2", "C1.2"),
        "ISO27001:2022": ("A.5.33", "A.8.13"),
        "GDPR": ("Art.5(1)(e)", "Art.32(1)(c)"),
    },
    remediation=(
        "Give the plan a rule whose lifecycle delete_after is at least the jurisdiction's statutory retention in days."
    ),
    config_schema={
        f"retentionDays{code}": {
            "type": "integer",
            "minimum": 1,
            "default": days,
            "description": f"Minimum recovery point retention for {code} records, in days (statutory: {days}).",
        }
        for code, days in STATUTORY_DAYS.items()
    },
    floors={f"retentionDays{code}": days for code, days in STATUTORY_DAYS.items()},
)


def required_days(config: Any, code: Any) -> tuple[str, int]:
    """(label, days) the plan must keep: its jurisdiction's, or the strictest when it has none or is unknown."""
    configured = {c: int(config.get(f"retentionDays{c}", days)) for c, days in STATUTORY_DAYS.items()}
    if isinstance(code, str) and code in configured:
        return code, configured[code]
    strictest = max(configured, key=lambda c: configured[c])
    return f"strictest ({strictest}, jurisdiction not known)", configured[strictest]


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    classification = tag_value(args, CLASSIFICATION_TAG)
    if isinstance(classification, str) and classification.strip().lower() in OUT_OF_SCOPE:
        return
    code = jurisdiction_of(args)
    label, days = required_days(args.get_config(), None if code is UNKNOWN_TAG else code)
    scope = classification if isinstance(classification, str) else "unclassified (treated as confidential)"
    props = args.props
    if unknown_itself(props, "rules"):
        report_violation(
            f"Backup plan '{args.name}': its rules are not known during preview; keep one rule for at least "
            f"{days} days literally."
        )
        return
    rules = get(props, "rules", default=[])
    kept: list[int] = []
    unknown = False
    for index in range(len(rules)):
        if (
            unknown_itself(rules, index)
            or unknown_itself(rules[index], "lifecycle")
            or unknown_itself(rules[index], "lifecycle", "deleteAfter")
        ):
            unknown = True
            continue
        delete_after = get(rules[index], "lifecycle", "deleteAfter")
        if delete_after is None:
            return  # kept until deleted by hand
        if isinstance(delete_after, (int, float)):
            if delete_after >= days:
                return
            kept.append(int(delete_after))
    if unknown:
        report_violation(
            f"Backup plan '{args.name}': a rule's lifecycle is not known during preview; retention of {days} days "
            f"for {label} cannot be proven."
        )
        return
    longest = f"the longest rule keeps {max(kept)} days" if kept else "it has no rules"
    report_violation(
        f"Backup plan '{args.name}' protects {scope} {label} records but {longest}; set a rule's lifecycle "
        f"delete_after to at least {days} days (statutory retention)."
    )


POLICY = resource_policy(META, validate, resource_types=("aws:backup/plan:Plan",))
