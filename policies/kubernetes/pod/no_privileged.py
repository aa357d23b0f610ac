"""kubernetes-pod-no-privileged: No container of a Kubernetes workload runs privileged.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. A value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies._helpers_governance import (
    POD_SPEC_PATHS,
    container_label,
    pod_containers,
    pod_subject,
    unknown_itself,
    unknown_pod_message,
)
from policies.base import PolicyMeta, get, resource_policy

META = PolicyMeta(
    id="TF-K8S-POD-001",
    name="kubernetes-pod-no-privileged",
    description="No container of a Kubernetes workload runs privileged.",
    severity="critical",
    topics=("kubernetes", "workload-security"),
    controls={"SOC2": ("CC6.1", "CC6.8"), "ISO27001:2022": ("A.8.9", "A.8.27"), "CIS-K8S": ("5.2.2",)},
    remediation="Remove securityContext.privileged or set it to False; grant single capabilities instead.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    path = POD_SPEC_PATHS[args.resource_type]
    containers = pod_containers(args.props, path)
    if containers is None:
        report_violation(unknown_pod_message(args.resource_type, args.name, "privilege"))
        return
    for list_name, name, container in containers:
        label = container_label(list_name, name)
        if unknown_itself(container, "securityContext") or unknown_itself(container, "securityContext", "privileged"):
            report_violation(
                f"{pod_subject(args.resource_type, args.name)}: {label} securityContext.privileged is not known "
                "during preview; set it to False literally."
            )
        elif get(container, "securityContext", "privileged") is True:
            report_violation(
                f"{pod_subject(args.resource_type, args.name)}: {label} runs privileged; remove "
                "securityContext.privileged and grant only the capabilities it needs."
            )


POLICY = resource_policy(META, validate, resource_types=tuple(POD_SPEC_PATHS))
