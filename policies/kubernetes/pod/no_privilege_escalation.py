"""kubernetes-pod-no-privilege-escalation: Every container of a Kubernetes workload sets allowPrivilegeEscalation to false.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. Kubernetes allows escalation unless the container says otherwise, so the flag must be false explicitly; a value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.kubernetes import UNKNOWN_VALUE, WORKLOAD_TYPES, security_context, workload_containers

META = PolicyMeta(
    id="TF-K8S-POD-002",
    name="kubernetes-pod-no-privilege-escalation",
    description="Every container of a Kubernetes workload sets allowPrivilegeEscalation to false.",
    severity="high",
    topics=("kubernetes", "workload-security"),
    controls={"SOC2": ("CC6.1", "CC6.8"), "ISO27001:2022": ("A.8.9", "A.8.27"), "CIS-K8S": ("5.2.5",)},
    remediation="Set securityContext.allowPrivilegeEscalation=False on every container and init container.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    found = workload_containers(args, report_violation, "allowPrivilegeEscalation=false")
    if found is None:
        return
    subject, containers = found
    for label, container in containers:
        escalation = security_context(container, "allowPrivilegeEscalation")
        if escalation is UNKNOWN_VALUE:
            report_violation(
                f"{subject}: {label} securityContext.allowPrivilegeEscalation is not known during preview; set "
                "it to False literally."
            )
        elif escalation is not False:
            report_violation(
                f"{subject}: {label} may escalate privileges; set securityContext.allowPrivilegeEscalation=False."
            )


POLICY = resource_policy(META, validate, resource_types=WORKLOAD_TYPES)
