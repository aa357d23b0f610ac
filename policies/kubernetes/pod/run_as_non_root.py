"""kubernetes-pod-run-as-non-root: Every container of a Kubernetes workload runs as a non-root user.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. A container passes when its own securityContext.runAsNonRoot is true, or when the pod's is true and the container does not set it false; a value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.kubernetes import (
    POD_SPEC_PATHS,
    UNKNOWN_VALUE,
    WORKLOAD_TYPES,
    security_context,
    workload_containers,
)

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
    found = workload_containers(args, report_violation, "runAsNonRoot")
    if found is None:
        return
    subject, containers = found
    pod_level = security_context(get(args.props, *POD_SPEC_PATHS[args.resource_type], default={}), "runAsNonRoot")
    if pod_level is UNKNOWN_VALUE:
        report_violation(
            f"{subject}: the pod's securityContext.runAsNonRoot is not known during preview; set it to True literally."
        )
        return
    for label, container in containers:
        own = security_context(container, "runAsNonRoot")
        if own is UNKNOWN_VALUE:
            report_violation(
                f"{subject}: {label} securityContext.runAsNonRoot is not known during preview; set it to True "
                "literally."
            )
        elif not (own is True or (own is None and pod_level is True)):
            report_violation(
                f"{subject}: {label} may run as root; set securityContext.runAsNonRoot=True on the pod spec or the "
                "container."
            )


POLICY = resource_policy(META, validate, resource_types=WORKLOAD_TYPES)
