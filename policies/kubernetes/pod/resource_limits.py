"""kubernetes-pod-resource-limits: Every container of a Kubernetes workload declares CPU and memory limits.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. A limit not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.kubernetes import WORKLOAD_TYPES, workload_containers
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-K8S-POD-004",
    name="kubernetes-pod-resource-limits",
    description="Every container of a Kubernetes workload declares CPU and memory limits.",
    severity="medium",
    topics=("kubernetes", "workload-security"),
    controls={"SOC2": ("CC6.1", "CC6.8"), "ISO27001:2022": ("A.8.9", "A.8.27"), "CIS-K8S": ("5.7.4",)},
    remediation="Set resources.limits.cpu and resources.limits.memory on every container and init container.",
)


RESOURCES = ("cpu", "memory")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    found = workload_containers(args, report_violation, "resource limits")
    if found is None:
        return
    subject, containers = found
    for label, container in containers:
        if any(unknown_itself(container, "resources", "limits", kind) for kind in RESOURCES):
            report_violation(
                f"{subject}: {label} resources.limits are not known during preview; set cpu and memory literally."
            )
            continue
        missing = [kind for kind in RESOURCES if get(container, "resources", "limits", kind) in (None, "")]
        if missing:
            report_violation(
                f"{subject}: {label} has no {' or '.join(missing)} limit; set resources.limits.{'/'.join(missing)}."
            )


POLICY = resource_policy(META, validate, resource_types=WORKLOAD_TYPES)
