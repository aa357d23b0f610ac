"""aws-scheduler-fis-schedule-protected: a schedule that starts FIS experiments has a dead-letter queue, a customer
managed key and a retry policy.

A game day that silently fails to start is a control that silently stops operating: the start must be retried
(`retry_policy`), and an undeliverable one kept and alarmed on (`dead_letter_config`); the schedule's target input
names the experiment and is encrypted with the cell's key (`kms_key_arn`), not an AWS owned key. A key or queue
reference still unknown in preview is a reference to one, so it passes; a target unknown as a whole cannot be
judged and is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.game_days import starts_fis_experiment
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-SCHEDULER-001",
    name="aws-scheduler-fis-schedule-protected",
    description="Every EventBridge Scheduler schedule that starts FIS experiments has a dead-letter queue, a "
    "customer managed key and a retry policy.",
    severity="medium",
    topics=("resilience", "chaos-engineering", "encryption"),
    controls={
        "SOC2": ("A1.2", "CC7.2"),
        "ISO27001:2022": ("A.5.30", "A.8.16", "A.8.24"),
        "NIST-800-53": ("CP-4",),
    },
    remediation="Give the schedule kms_key_arn (the cell's key), target.dead_letter_config.arn (an encrypted SQS "
    "queue) and target.retry_policy.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "target") or is_unknown(props, "target", "arn"):
        report_violation(
            f"Scheduler schedule '{args.name}': its target is not known during preview, so whether it starts FIS "
            "experiments unprotected cannot be judged; set the target literally."
        )
        return
    if not starts_fis_experiment(get(props, "target", "arn")):
        return
    missing = []
    if not unknown_itself(props, "kmsKeyArn") and not get(props, "kmsKeyArn"):
        missing.append("kms_key_arn (a customer managed key)")
    target = get(props, "target")
    if not unknown_itself(target, "deadLetterConfig") and not (
        unknown_itself(target, "deadLetterConfig", "arn") or get(target, "deadLetterConfig", "arn")
    ):
        missing.append("target.dead_letter_config (an encrypted SQS queue)")
    if not unknown_itself(target, "retryPolicy") and not get(target, "retryPolicy"):
        missing.append("target.retry_policy")
    if missing:
        report_violation(
            f"Scheduler schedule '{args.name}' starts FIS experiments without {', '.join(missing)}; a game day "
            "that cannot start must be retried, kept and alarmed on."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:scheduler/schedule:Schedule",))
