"""aws-fis-experiment-template-targets-scoped: FIS targets name their resources (ARNs, tags or a pod selector),
never every resource of a type.

A target of only a resource type and `selection_mode` ALL hits every such resource of the account and region:
every cell sharing the region, and data of other jurisdictions. A target must be narrowed by `resource_arns`,
`resource_tags`, or, for pods and tasks, by its selector parameters.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list, unknown_itself

SELECTOR_TYPES = ("aws:eks:pod", "aws:ecs:task")
"""Types FIS selects by parameters (cluster, namespace and label selector; cluster and service)."""
META = PolicyMeta(
    id="TF-AWS-FIS-002",
    name="aws-fis-experiment-template-targets-scoped",
    description="Every FIS experiment target is narrowed by resource ARNs, resource tags or a pod selector, never "
    "every resource of its type.",
    severity="high",
    topics=("resilience", "chaos-engineering", "least-privilege"),
    controls={"SOC2": ("A1.3",), "ISO27001:2022": ("A.5.30",), "NIST-800-53": ("CP-4",)},
    remediation="Give each target resource_arns or resource_tags (the cell's jurisdiction and cell tags), or for "
    "aws:eks:pod a namespace and selectorValue.",
)


def _selector_scoped(target: object) -> bool:
    parameters = get(target, "parameters", default={})
    return bool(get(parameters, "selectorValue")) and bool(get(parameters, "namespace") or get(parameters, "cluster"))


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "targets"):
        report_violation(f"FIS experiment template '{args.name}': targets are not known during preview.")
        return
    targets = as_list(get(props, "targets", default=[]))
    for index in range(len(targets)):
        target = targets[index]
        if is_unknown(target, "resourceType") or is_unknown(target, "name"):
            report_violation(f"FIS experiment template '{args.name}': targets[{index}] is not known during preview.")
            continue
        name = get(target, "name", default=str(index))
        resource_type = get(target, "resourceType")
        if unknown_itself(target, "resourceArns") or as_list(get(target, "resourceArns")):
            continue
        if unknown_itself(target, "resourceTags") or as_list(get(target, "resourceTags")):
            continue
        if resource_type in SELECTOR_TYPES and (is_unknown(target, "parameters") or _selector_scoped(target)):
            continue
        report_violation(
            f"FIS experiment template '{args.name}': target '{name}' selects every {resource_type} of the account; "
            "scope it by resource_arns or resource_tags."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:fis/experimentTemplate:ExperimentTemplate",))
