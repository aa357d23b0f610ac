"""datadog-synthetics-test-runbook-linked: every Datadog synthetic test names the runbook the person it pages follows.

A synthetic test alerts through its monitor with its `message`, which must name a runbook of the repository,
`runbooks/<name>.md` (`components.oncall.health_probes` writes `Runbook: runbooks/<name>.md` before the
`@pagerduty-...` handle); PagerDuty shows the message in the incident, so the page carries its procedure, as
`aws-cloudwatch-alarm-runbook-linked` asks of CloudWatch alarms. That the file exists is proved by the tests of
the stacks (the pack runs without the repository). A message not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.aws.cloudwatch.alarm_runbook_linked import RUNBOOK
from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-DD-SYN-001",
    name="datadog-synthetics-test-runbook-linked",
    description="Every Datadog synthetic test names its runbook (runbooks/<name>.md) in its message.",
    severity="medium",
    topics=("incident-response", "monitoring"),
    controls={"SOC2": ("CC7.4",), "ISO27001:2022": ("A.5.24", "A.5.26")},
    remediation="Put 'Runbook: runbooks/<name>.md' in the synthetic test's message and write that runbook.",
)

TYPE = "datadog:index/syntheticsTest:SyntheticsTest"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if unknown_itself(args.props, "message"):
        report_violation(
            f"Datadog synthetic test '{args.name}': message is not known during preview; name its runbook literally."
        )
        return
    message = get(args.props, "message", default="")
    if not isinstance(message, str) or not RUNBOOK.search(message):
        report_violation(
            f"Datadog synthetic test '{args.name}' names no runbook; put 'Runbook: runbooks/<name>.md' in its message."
        )


POLICY = resource_policy(META, validate, resource_types=(TYPE,))
