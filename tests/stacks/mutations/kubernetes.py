"""Mutations for the kubernetes policies. Workload hardening on the cells' clusters: the collector Deployment's pod
security and limits, and the load-test CronJob's image digest (prod)."""

from __future__ import annotations

from tests.stacks.mutations.edits import DELETE, set_at
from tests.stacks.mutations.model import Mutation

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CRONJOB = "kubernetes:batch/v1:CronJob"
LOAD_TEST_CONTAINER: list[str | int] = ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0]
"""The load-test CronJob's container (components/delivery/load_test.py)."""
CONTAINER: list[str | int] = ["spec", "template", "spec", "containers", 0]
"""The collector Deployment's first container (plain dicts, wire names)."""

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="kubernetes-pod-no-privileged",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="run the collector container privileged",
        expect="runs privileged",
        edit=set_at([*CONTAINER, "securityContext", "privileged"], True),
    ),
    Mutation(
        policy="kubernetes-pod-no-privilege-escalation",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="allow privilege escalation in the collector container",
        expect="may escalate privileges",
        edit=set_at([*CONTAINER, "securityContext", "allowPrivilegeEscalation"], True),
    ),
    Mutation(
        policy="kubernetes-pod-run-as-non-root",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="let the collector container run as root",
        expect="may run as root",
        edit=set_at([*CONTAINER, "securityContext", "runAsNonRoot"], False),
    ),
    Mutation(
        policy="kubernetes-pod-resource-limits",
        stack="dev",
        type=DEPLOYMENT,
        name="uk-telemetry-collector",
        change="drop the collector container's memory limit",
        expect="has no memory limit",
        edit=set_at([*CONTAINER, "resources", "limits", "memory"], DELETE),
    ),
    Mutation(
        policy="kubernetes-pod-image-pinned-by-digest",
        stack="prod",
        type=CRONJOB,
        name="uk-load-test-cronjob",
        change="run the load test from a movable tag instead of the digest",
        expect="is not pinned by digest",
        edit=set_at([*LOAD_TEST_CONTAINER, "image"], "trustfabric-prod-uk-load-test:latest"),
    ),
)
