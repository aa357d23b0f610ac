"""kubernetes-pod-resource-limits: Every container of a Kubernetes workload declares CPU and memory limits.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. A limit not known during preview is reported.
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
    path = POD_SPEC_PATHS[args.resource_type]
    subject = pod_subject(args.resource_type, args.name)
    containers = pod_containers(args.props, path)
    if containers is None:
        report_violation(unknown_pod_message(args.resource_type, args.name, "resource limits"))
        return
    for list_name, name, container in containers:
        label = container_label(list_name, name)
        if any(
            unknown_itself(container, *keys)
            for keys in (
                ("resources",),
                ("resources", "limits"),
                ("resources", "limits", "cpu"),
                ("resources", "limits", "memory"),
            )
        ):
            report_violation(
                f"{subject}: {label} resources.limits are not known during preview; set cpu and memory literally."
            )
            continue
        missing = [kind for kind in RESOURCES if get(container, "resources", "limits", kind) in (None, "")]
        if missing:
            report_violation(
                f"{subject}: {label} has no {' or '.join(missing)} limit; set resources.limits.{'/'.join(missing)}."
            )


POLICY = resource_policy(META, validate, resource_types=tuple(POD_SPEC_PATHS))
