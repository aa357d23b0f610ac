"""kubernetes-pod-run-as-non-root: Every container of a Kubernetes workload runs as a non-root user.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. A container passes when its own securityContext.runAsNonRoot is true, or when the pod's is true and the container does not set it false; a value not known during preview is reported.
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
    id="TF-K8S-POD-003",
    name="kubernetes-pod-run-as-non-root",
    description="Every container of a Kubernetes workload runs as a non-root user.",
    severity="high",
    topics=("kubernetes", "workload-security"),
    controls={"SOC2": ("CC6.1", "CC6.8"), "ISO27001:2022": ("A.8.9", "A.8.27"), "CIS-K8S": ("5.2.6",)},
    remediation="Set securityContext.runAsNonRoot=True on the pod spec or on every container.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    path = POD_SPEC_PATHS[args.resource_type]
    subject = pod_subject(args.resource_type, args.name)
    containers = pod_containers(args.props, path)
    if containers is None:
        report_violation(unknown_pod_message(args.resource_type, args.name, "runAsNonRoot"))
        return
    if unknown_itself(args.props, *path, "securityContext") or unknown_itself(
        args.props, *path, "securityContext", "runAsNonRoot"
    ):
        report_violation(
            f"{subject}: the pod's securityContext.runAsNonRoot is not known during preview; set it to True literally."
        )
        return
    pod_level = get(args.props, *path, "securityContext", "runAsNonRoot")
    for list_name, name, container in containers:
        label = container_label(list_name, name)
        if unknown_itself(container, "securityContext") or unknown_itself(container, "securityContext", "runAsNonRoot"):
            report_violation(
                f"{subject}: {label} securityContext.runAsNonRoot is not known during preview; set it to True "
                "literally."
            )
            continue
        own = get(container, "securityContext", "runAsNonRoot")
        if own is True or (own is None and pod_level is True):
            continue
        report_violation(
            f"{subject}: {label} may run as root; set securityContext.runAsNonRoot=True on the pod spec or the "
            "container."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(POD_SPEC_PATHS))
