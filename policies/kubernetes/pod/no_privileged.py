"""kubernetes-pod-no-privileged: No container of a Kubernetes workload runs privileged.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. A value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.kubernetes import UNKNOWN_VALUE, WORKLOAD_TYPES, security_context, workload_containers

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
    found = workload_containers(args, report_violation, "privilege")
    if found is None:
        return
    subject, containers = found
    for label, container in containers:
        privileged = security_context(container, "privileged")
        if privileged is UNKNOWN_VALUE:
            report_violation(
                f"{subject}: {label} securityContext.privileged is not known during preview; set it to False literally."
            )
        elif privileged is True:
            report_violation(
                f"{subject}: {label} runs privileged; remove securityContext.privileged and grant only the "
                "capabilities it needs."
            )


POLICY = resource_policy(META, validate, resource_types=WORKLOAD_TYPES)
