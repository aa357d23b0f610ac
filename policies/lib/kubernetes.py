"""Kubernetes workloads: the pod spec each kind embeds, its containers, and how messages name them.

Usage (inside a pod policy's `validate`)::

    found = workload_containers(args, report_violation, "privilege")
    if found is not None:
        subject, containers = found
        for label, container in containers:
            value = security_context(container, "privileged")   # UNKNOWN_VALUE when not known in preview
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policies.lib.props import Unknown, as_list, get, is_unknown, unknown_itself
from policies.lib.validation import ReportViolation

POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Pod": ("spec",),
    "kubernetes:apps/v1:Deployment": ("spec", "template", "spec"),
    "kubernetes:apps/v1:StatefulSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:DaemonSet": ("spec", "template", "spec"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template", "spec"),
    "kubernetes:batch/v1:Job": ("spec", "template", "spec"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOAD_TYPES = tuple(POD_SPEC_PATHS)
CONTAINER_LISTS = ("initContainers", "containers")
UNKNOWN_VALUE: Any = Unknown("value")


def kind_of(resource_type: str) -> str:
    return resource_type.rsplit(":", 1)[-1]


def pod_containers(props: Any, pod_path: Sequence[str]) -> list[tuple[str, Any, Any]] | None:
    """(list name, container name, container) for every container and init container of the pod spec; None
    when the pod spec or its container lists are not known during preview."""
    if any(unknown_itself(props, *pod_path, list_name) for list_name in CONTAINER_LISTS):
        return None
    found = []
    for list_name in CONTAINER_LISTS:
        containers = as_list(get(props, *pod_path, list_name, default=[]))
        for index in range(len(containers)):
            if unknown_itself(containers, index):
                return None
            container = containers[index]
            name = get(container, "name", default=f"#{index}") if not is_unknown(container, "name") else f"#{index}"
            found.append((list_name, name, container))
    return found


def container_label(list_name: str, name: Any) -> str:
    return f"{'init container' if list_name == 'initContainers' else 'container'} '{name}'"


def pod_subject(resource_type: str, name: str) -> str:
    return f"Kubernetes {kind_of(resource_type)} '{name}'"


def workload_containers(
    args: Any, report_violation: ReportViolation, what: str
) -> tuple[str, list[tuple[str, Any]]] | None:
    """(subject, [(label, container), ...]) of a workload's pod spec, containers and init containers alike;
    None after reporting that `what` cannot be proven when its containers are not known during preview."""
    subject = pod_subject(args.resource_type, args.name)
    containers = pod_containers(args.props, POD_SPEC_PATHS[args.resource_type])
    if containers is None:
        report_violation(f"{subject}: its pod spec's containers are not known during preview; {what} cannot be proven.")
        return None
    return subject, [(container_label(list_name, name), container) for list_name, name, container in containers]


def security_context(container: Any, key: str) -> Any:
    """A container's (or a pod spec's) `securityContext.<key>`: None when absent, UNKNOWN_VALUE when not known."""
    if unknown_itself(container, "securityContext", key):
        return UNKNOWN_VALUE
    return get(container, "securityContext", key)
