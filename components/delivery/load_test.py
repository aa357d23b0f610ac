"""The in-cluster load test of a cell: the harness's image repository and a suspended CronJob that runs it.

An ECR repository holds the load-test image (`load/Dockerfile`): tags are immutable (the tag is the content hash
of the image's files, `python -m load.image tag`), every push is scanned, images are encrypted with the cell's
key. On the cell's cluster a namespace (restricted Pod Security), a NetworkPolicy allowing DNS and HTTPS egress
only, and a CronJob that never runs on its own (`suspend: true`): an operator starts a run with

    kubectl create job --from=cronjob/load-test load-test-$(date +%s) -n load-test

The CronJob names its image by digest, resolved at deploy from the content-hash tag (`aws.ecr.get_image`), so
what runs is exactly what was scanned. The pod runs as a non-root user, with a read-only root filesystem (a
small `/tmp`), no service-account token, resource limits and a deadline; `python -m load.run --out -` prints the
result as the log's last line (`kubectl logs job/NAME -n load-test | tail -n 1`).

Usage (the stack passes both the cell's AWS provider and its Kubernetes provider)::

    LoadTest(
        "uk-load-test",
        LoadTestArgs(deployment="prod", cell="uk", jurisdiction="UK", data_classification="restricted",
                     owner="platform-reliability", kms_key_arn=key_arn, image_tag=content_tag(),
                     host="https://api.uk.example", profile="UK"),
        opts=pulumi.ResourceOptions(parent=cell, providers={"aws": uk_provider, "kubernetes": uk_cluster}),
    )
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.validation import require_choice, require_jurisdiction, require_range

NAMESPACE = "load-test"
CRONJOB = "load-test"
UNUSED_SCHEDULE = "0 0 31 2 *"
"""A schedule that never comes (31 February): the CronJob is suspended and run only on demand."""
RUN_AS = 10001
"""The image's user (load/Dockerfile)."""
PROFILE_SECONDS = 50 * 60
"""The peak-filing-season profile at time scale 1.0 (load/profiles.py)."""
DEADLINE_MARGIN_SECONDS = 600
"""Start-up, the harness's own grace (30 s) and the verdicts, on top of the profile."""
KEPT_IMAGES = 20
"""Images the lifecycle policy keeps (the newest); older ones expire."""
PROFILES = ("UK", "EU", "US", "CA")
HOST = re.compile(r"^https://[^\s/]+(/\S*)?$")
WireObject = Any
"""A Kubernetes object as plain data: the SDK's TypedDict overloads do not take a computed mapping."""

HARDENED_POD: dict[str, Any] = {
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "runAsGroup": RUN_AS,
    "fsGroup": RUN_AS,
    "seccompProfile": {"type": "RuntimeDefault"},
}
HARDENED_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "privileged": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


@dataclass(frozen=True)
class LoadTestArgs:
    """Arguments of a cell's load test."""

    deployment: str
    """Name shared by the stacks of a pair (`prod`): part of the repository's name."""
    cell: str
    """The cell's name prefix (`uk`)."""
    jurisdiction: str
    """Jurisdiction code; labels every Kubernetes object."""
    data_classification: str
    """Classification label of the Kubernetes objects."""
    owner: str
    """Owner label."""
    kms_key_arn: pulumi.Input[str]
    """The cell's key that encrypts the repository's images."""
    image_tag: str
    """The content-hash tag the image was pushed with (`load.image.content_tag()`); resolved to its digest."""
    host: str
    """https:// base URL of the service under test (the NetworkPolicy allows HTTPS egress only)."""
    profile: str
    """Whose peak-filing-season profile runs: UK, EU, US or CA."""
    time_scale: float = 1.0
    """1.0: the 50-minute deadline-day shape; above 0, at most 10."""
    user_scale: float = 1.0
    """1.0: the jurisdiction's peak users; above 0, at most 10."""
    cpu_limit: str = "2"
    """CPU limit of the Locust process (requests: half of it)."""
    memory_limit_mib: int = 2048
    """Memory limit in MiB, 256..16384 (requests: half of it)."""


def validate_args(args: LoadTestArgs) -> None:
    require_jurisdiction("LoadTest", "jurisdiction", args.jurisdiction)
    require_choice("LoadTest", "profile", args.profile, PROFILES)
    if not HOST.fullmatch(args.host):
        raise ValueError(f"LoadTest: host: {args.host!r} is not an https URL; allowed: https://host[/path]")
    if not re.fullmatch(r"[0-9a-f]{32}", args.image_tag):
        raise ValueError(f"LoadTest: image_tag: {args.image_tag!r} is not a content hash; allowed: 32 hex digits")
    for field, value in (("time_scale", args.time_scale), ("user_scale", args.user_scale)):
        if not 0 < value <= 10:
            raise ValueError(f"LoadTest: {field}: {value!r} is out of range; allowed: above 0, at most 10")
    require_range("LoadTest", "memory_limit_mib", args.memory_limit_mib, 256, 16384)


def repository_name(deployment: str, cell: str) -> str:
    """`trustfabric-prod-uk-load-test` (the same as `load.image.repository_name`, which the workflow reads)."""
    return f"trustfabric-{deployment}-{cell}-load-test"


def deadline_seconds(time_scale: float) -> int:
    """How long a run may last before Kubernetes stops it: the profile, scaled, plus a margin."""
    return math.ceil(PROFILE_SECONDS * time_scale) + DEADLINE_MARGIN_SECONDS


def lifecycle_policy() -> str:
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"keep the newest {KEPT_IMAGES} images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": KEPT_IMAGES},
                    "action": {"type": "expire"},
                }
            ]
        }
    )


def network_policy_spec() -> WireObject:
    """Every pod of the namespace: nothing in; out only DNS to the cluster's resolver and HTTPS to anywhere (the
    service under test is addressed by name, through its load balancer)."""
    return {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [],
        "egress": [
            {
                "to": [
                    {
                        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                    }
                ],
                "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
            },
            {"ports": [{"protocol": "TCP", "port": 443}]},
        ],
    }


def cronjob_spec(args: LoadTestArgs, image: pulumi.Input[str], labels: dict[str, str]) -> WireObject:
    """The suspended CronJob: one run at a time, no retry (a second run would skew the verdict), kept a week."""
    memory = args.memory_limit_mib
    container = {
        "name": "locust",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "--host",
            args.host,
            "--jurisdiction",
            args.profile,
            "--time-scale",
            repr(args.time_scale),
            "--user-scale",
            repr(args.user_scale),
            "--out",
            "-",
        ],
        "securityContext": HARDENED_CONTAINER,
        "resources": {
            "requests": {"cpu": _half_cpu(args.cpu_limit), "memory": f"{memory // 2}Mi"},
            "limits": {"cpu": args.cpu_limit, "memory": f"{memory}Mi"},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "schedule": UNUSED_SCHEDULE,
        "suspend": True,
        "concurrencyPolicy": "Forbid",
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 3,
        "jobTemplate": {
            "metadata": {"labels": labels},
            "spec": {
                "backoffLimit": 0,
                "activeDeadlineSeconds": deadline_seconds(args.time_scale),
                "ttlSecondsAfterFinished": 7 * 24 * 3600,
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "restartPolicy": "Never",
                        "automountServiceAccountToken": False,
                        "enableServiceLinks": False,
                        "securityContext": HARDENED_POD,
                        "containers": [container],
                        "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}],
                    },
                },
            },
        },
    }


def _half_cpu(limit: str) -> str:
    millicores = int(limit[:-1]) if limit.endswith("m") else int(float(limit) * 1000)
    return f"{max(millicores // 2, 1)}m"


def object_metadata(object_name: str, labels: dict[str, str]) -> WireObject:
    """An object's metadata in the load test's namespace."""
    return {"name": object_name, "namespace": NAMESPACE, "labels": labels}


class LoadTest(pulumi.ComponentResource):
    """A cell's load-test image repository and its on-demand CronJob."""

    repository_url: pulumi.Output[str]
    image: pulumi.Output[str]

    def __init__(self, name: str, args: LoadTestArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:delivery:LoadTest", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        repository = aws.ecr.Repository(
            f"{name}-images",
            name=repository_name(args.deployment, args.cell),
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arn}],
            force_delete=False,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-images-lifecycle", repository=repository.name, policy=lifecycle_policy(), opts=child
        )
        pushed = aws.ecr.get_image_output(
            repository_name=repository.name,
            image_tag=args.image_tag,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[repository]),
        )
        image = pulumi.Output.all(pushed.registry_id, pushed.region, pushed.repository_name, pushed.image_digest).apply(
            lambda parts: f"{parts[0]}.dkr.ecr.{parts[1]}.amazonaws.com/{parts[2]}@{parts[3]}"
        )
        labels: dict[str, str] = {
            "jurisdiction": args.jurisdiction,
            "data-classification": args.data_classification,
            "owner": args.owner,
            "app.kubernetes.io/part-of": "trust-fabric",
            "app.kubernetes.io/name": "load-test",
        }
        namespace_metadata: WireObject = {
            "name": NAMESPACE,
            "labels": {
                **labels,
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        }
        namespace = k8s.core.v1.Namespace(f"{name}-namespace", metadata=namespace_metadata, opts=child)
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        k8s.networking.v1.NetworkPolicy(
            f"{name}-egress",
            metadata=object_metadata("load-test-egress", labels),
            spec=network_policy_spec(),
            opts=in_namespace,
        )
        k8s.batch.v1.CronJob(
            f"{name}-cronjob",
            metadata=object_metadata(CRONJOB, labels),
            spec=cronjob_spec(args, image, labels),
            opts=in_namespace,
        )
        self.repository_url = repository.repository_url
        self.image = image
        self.register_outputs({"repository_url": self.repository_url, "image": self.image})
