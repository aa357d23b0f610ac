"""aws-cloudwatch-alarm-runbook-linked: every CloudWatch alarm names the runbook the person it pages follows.

A metric or composite alarm's `alarm_description` must name a runbook of the repository, `runbooks/<name>.md`
(`components.oncall.cell_paging` ends each description with `Runbook: runbooks/<name>.md`); PagerDuty shows the
description in the incident, so the page carries its procedure. That the file exists is proved by the tests of
the stacks (the pack runs without the repository). A description not known during preview is reported.
"""

from __future__ import annotations

import re

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-CW-ALM-002",
    name="aws-cloudwatch-alarm-runbook-linked",
    description="Every CloudWatch alarm names its runbook (runbooks/<name>.md) in its description.",
    severity="medium",
    topics=("incident-response", "monitoring"),
    controls={"SOC2": ("CC7.4",), "ISO27001:2022": ("A.5.24", "A.5.26")},
    remediation="End the alarm's alarm_description with 'Runbook: runbooks/<name>.md' and write that runbook.",
)

RUNBOOK = re.compile(r"(^|[\s(])runbooks/[a-z0-9][a-z0-9-]*\.md\b")
KINDS = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": "CloudWatch alarm",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "CloudWatch composite alarm",
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = KINDS[args.resource_type]
    if unknown_itself(args.props, "alarmDescription"):
        report_violation(
            f"{kind} '{args.name}': alarm_description is not known during preview; name its runbook literally."
        )
        return
    description = get(args.props, "alarmDescription", default="")
    if not isinstance(description, str) or not RUNBOOK.search(description):
        report_violation(
            f"{kind} '{args.name}' names no runbook; end alarm_description with 'Runbook: runbooks/<name>.md'."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(KINDS))
