"""aws-sfn-erasure-workflow-guarded: an erasure state machine encrypts under a CMK, logs every event without the
data it carries, and is traced.

The erasure workflow (tag `workflow: erasure`, components/governance/erasure_workflow.py) is where a data
subject's records are erased, pseudonymised or put under legal hold. Its executions carry the plan (keys of the
subject's records), so they must be encrypted with a customer-managed key; every step must be logged (level ALL)
so that an auditor can follow what a request did, but without execution data (inputs and outputs name the
subject's records: personal data stays out of the logs); and executions are traced (X-Ray).
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.tags import UNKNOWN_TAG, tag_value

WORKFLOW_TAG = "workflow"
ERASURE = "erasure"
CUSTOMER_KEY = "CUSTOMER_MANAGED_KMS_KEY"
META = PolicyMeta(
    id="TF-AWS-SFN-001",
    name="aws-sfn-erasure-workflow-guarded",
    description="Every erasure state machine (tag workflow=erasure) is encrypted with a customer-managed KMS key, "
    "logs every event (level ALL) without execution data to a log group, and has tracing on.",
    severity="high",
    topics=("privacy", "logging", "encryption"),
    controls={
        "GDPR": ("Art.17", "Art.30", "Art.32"),
        "SOC2": ("P4.3", "CC7.2"),
        "ISO27001:2022": ("A.8.10", "A.8.15"),
        "NIST-800-53": ("AU-2",),
    },
    remediation="Set encryption_configuration type CUSTOMER_MANAGED_KMS_KEY with the cell's data key, "
    "logging_configuration level ALL, include_execution_data false and a log_destination, and "
    "tracing_configuration enabled.",
)


def _problems(props: object) -> list[str]:
    problems: list[str] = []
    if not is_unknown(props, "encryptionConfiguration"):
        encryption = get(props, "encryptionConfiguration", default={}) or {}
        if get(encryption, "type") != CUSTOMER_KEY or not (
            is_unknown(encryption, "kmsKeyId") or get(encryption, "kmsKeyId")
        ):
            problems.append("its executions are not encrypted with a customer-managed key")
    if not is_unknown(props, "loggingConfiguration"):
        logging = get(props, "loggingConfiguration", default={}) or {}
        if get(logging, "level") != "ALL":
            problems.append(f"it logs at level {get(logging, 'level') or 'OFF'!r}, not ALL")
        if get(logging, "includeExecutionData") is not False and not is_unknown(logging, "includeExecutionData"):
            problems.append("its logs include execution data (the subject's records)")
        if not (is_unknown(logging, "logDestination") or get(logging, "logDestination")):
            problems.append("it has no log destination")
    tracing = None if is_unknown(props, "tracingConfiguration") else get(props, "tracingConfiguration", default={})
    if tracing is not None and get(tracing or {}, "enabled") is not True:
        problems.append("tracing is off")
    return problems


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    workflow = tag_value(args, WORKFLOW_TAG)
    if workflow is UNKNOWN_TAG or workflow != ERASURE:
        return
    problems = _problems(args.props)
    if problems:
        report_violation(f"Erasure state machine '{args.name}': {'; '.join(problems)}.")


POLICY = resource_policy(META, validate, resource_types=("aws:sfn/stateMachine:StateMachine",))
