"""pagerduty-escalation-policy-escalates: an unacknowledged page reaches a second person within 10 minutes.

A PagerDuty escalation policy needs at least two rules, each with a target, and its first rule must escalate
within 10 minutes (the Sev1 path: primary, then the secondary after 10 minutes, then the engineering manager;
docs/incidents.md). A policy whose rules are not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.props import unknown_itself

FIRST_ESCALATION_MINUTES = 10
"""The longest a Sev1 page may wait on one person before the next is paged."""

META = PolicyMeta(
    id="TF-PD-001",
    name="pagerduty-escalation-policy-escalates",
    description=(
        "PagerDuty escalation policies have at least two rules with targets, the first escalating within "
        f"{FIRST_ESCALATION_MINUTES} minutes."
    ),
    severity="high",
    topics=("incident-response", "on-call"),
    controls={"SOC2": ("CC7.3", "CC7.4"), "ISO27001:2022": ("A.5.24", "A.5.26")},
    remediation=(
        "Give the pagerduty.EscalationPolicy a second rule (the secondary schedule, then the manager) and set the "
        f"first rule's escalation_delay_in_minutes to at most {FIRST_ESCALATION_MINUTES}."
    ),
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "rules"):
        report_violation(
            f"PagerDuty escalation policy '{args.name}': rules are not known during preview; set them literally."
        )
        return
    rules = get(props, "rules", default=[])
    if len(rules) < 2:
        report_violation(
            f"PagerDuty escalation policy '{args.name}' has {len(rules)} rule(s): an unacknowledged page never "
            "reaches a second person; add a rule for the secondary schedule."
        )
        return
    for index in range(len(rules)):
        if unknown_itself(rules, index, "targets"):
            continue  # a target whose id is still to be created is still a target
        if not get(rules[index], "targets", default=[]):
            report_violation(
                f"PagerDuty escalation policy '{args.name}': rule {index + 1} has no target; name a schedule or user."
            )
            return
    if unknown_itself(rules, 0, "escalationDelayInMinutes"):
        report_violation(
            f"PagerDuty escalation policy '{args.name}': the first rule's escalation delay is not known during "
            "preview; set it literally."
        )
        return
    delay = get(rules[0], "escalationDelayInMinutes", default=0)
    if not isinstance(delay, (int, float)):
        report_violation(
            f"PagerDuty escalation policy '{args.name}': the first rule's escalation delay {delay!r} is not a number "
            "of minutes; set it literally."
        )
    elif delay > FIRST_ESCALATION_MINUTES:
        report_violation(
            f"PagerDuty escalation policy '{args.name}' waits {delay:g} minutes before paging the next person; "
            f"escalate within {FIRST_ESCALATION_MINUTES} minutes."
        )


POLICY = resource_policy(META, validate, resource_types=("pagerduty:index/escalationPolicy:EscalationPolicy",))
