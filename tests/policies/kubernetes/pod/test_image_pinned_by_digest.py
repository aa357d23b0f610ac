"""kubernetes-pod-image-pinned-by-digest: passing and violating cases, and unknown values.

Real programs through the real analyzer: a CronJob and a Deployment naming their images by digest pass; a tag, a
bare name, and a digest of the wrong shape are each reported, for init containers too; an image not known during
preview is reported, never passed.
"""

from policies.kubernetes.pod.image_pinned_by_digest import POLICY as DIGEST
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

PINNED = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/load@sha256:" + "a" * 64

COMPLIANT = f"""
import pulumi_kubernetes as k8s
container = {{"name": "locust", "image": {PINNED!r}}}
k8s.batch.v1.CronJob("load", spec={{"schedule": "0 0 31 2 *", "suspend": True, "job_template": {{"spec": {{
    "template": {{"spec": {{"restart_policy": "Never", "containers": [container]}}}}}}}}}})
k8s.apps.v1.Deployment("api", spec={{"selector": {{"match_labels": {{"a": "b"}}}}, "template": {{
    "metadata": {{"labels": {{"a": "b"}}}}, "spec": {{
    "init_containers": [dict(container, name="init", image="otel/collector:0.130.0@sha256:{"b" * 64}")],
    "containers": [container]}}}}}})
"""

BROKEN = f"""
import pulumi_kubernetes as k8s
k8s.batch.v1.Job("load", spec={{"template": {{"spec": {{"restart_policy": "Never",
    "init_containers": [{{"name": "setup", "image": "busybox"}}],
    "containers": [{{"name": "locust", "image": "load:latest"}}]}}}}}})
k8s.core.v1.Pod("debug", spec={{"containers": [{{"name": "shell", "image": "busybox@sha256:{"c" * 12}"}}]}})
"""


def test_workloads_naming_their_images_by_digest_pass():
    assert evaluate(DIGEST, program_graph(COMPLIANT)) == []


def test_every_way_to_name_an_image_without_its_digest_is_reported():
    assert sorted(details(evaluate(DIGEST, program_graph(BROKEN)))) == [
        (
            "debug",
            f"Kubernetes Pod 'debug': container 'shell' image 'busybox@sha256:{'c' * 12}' is not pinned by digest; "
            "name it as repository@sha256:<digest>.",
        ),
        (
            "load",
            "Kubernetes Job 'load': container 'locust' image 'load:latest' is not pinned by digest; name it as "
            "repository@sha256:<digest>.",
        ),
        (
            "load",
            "Kubernetes Job 'load': init container 'setup' image 'busybox' is not pinned by digest; name it as "
            "repository@sha256:<digest>.",
        ),
    ]


def test_an_image_not_known_during_preview_is_never_a_pass():
    cronjob = resource(
        "kubernetes:batch/v1:CronJob",
        {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": UNKNOWN}]}}}}}},
        name="load",
        region=None,
    )
    assert details(evaluate(DIGEST, cronjob)) == [
        (
            "load",
            "Kubernetes CronJob 'load': container 'c' image is not known during preview; the image it runs cannot be "
            "proven pinned.",
        )
    ]
