"""kubernetes-pod-image-pinned-by-digest: Every container of a Kubernetes workload names its image by digest.

Judged on every workload that embeds a pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob), for containers and init containers. An image passes when it ends in `@sha256:` and 64 hex digits (a tag
before the digest is allowed and ignored by the runtime): a tag alone can be moved to other content after review,
a digest cannot. An image not known during preview (a digest resolved at deploy, before the repository exists) is
reported: what would run cannot be proven.
"""

from __future__ import annotations

import re

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.kubernetes import WORKLOAD_TYPES, workload_containers
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-K8S-POD-005",
    name="kubernetes-pod-image-pinned-by-digest",
    description="Every container of a Kubernetes workload names its image by digest.",
    severity="high",
    topics=("kubernetes", "workload-security", "change-management"),
    controls={"SOC2": ("CC8.1",), "ISO27001:2022": ("A.8.19",), "CIS-K8S": ("5.5.1",)},
    remediation="Name every container's image as repository@sha256:<digest> (resolve the tag to its digest at deploy).",
)

DIGEST = re.compile(r"^[^\s@]+@sha256:[0-9a-f]{64}$")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    found = workload_containers(args, report_violation, "image digests")
    if found is None:
        return
    subject, containers = found
    for label, container in containers:
        if unknown_itself(container, "image"):
            report_violation(
                f"{subject}: {label} image is not known during preview; the image it runs cannot be proven pinned."
            )
            continue
        image = get(container, "image")
        if not isinstance(image, str) or not DIGEST.fullmatch(image):
            report_violation(
                f"{subject}: {label} image {image!r} is not pinned by digest; name it as repository@sha256:<digest>."
            )


POLICY = resource_policy(META, validate, resource_types=WORKLOAD_TYPES)
