"""Kubernetes RBAC of a cell's cluster: one ClusterRole per job function, bound to the function's group.

People reach the cluster with their Identity Center session: the cluster's EKS access entries map each job
function's permission set role to the Kubernetes group `trustfabric:<function>` (docs/access.md), and this
component binds each such group to its function's ClusterRole. No group of people is bound to `cluster-admin`
(policy kubernetes-rbac-no-cluster-admin-to-humans); break-glass has no Kubernetes role here: it is an AWS
permission set granted just in time, and cluster administration in an emergency goes through its access entry.
No role reads Secrets.

=================  ==============================================================================
function           may
=================  ==============================================================================
auditor            get, list, watch workloads, services, policies and events (no logs, no Secrets)
platform-engineer  the auditor's reads, plus pod logs
sre-on-call        the platform engineer's reads; delete pods, patch and scale workloads
security           the platform engineer's reads, plus RBAC objects
support            get, list, watch pods, their logs, events and services
=================  ==============================================================================

Usage::

    KubernetesAccess(
        "uk-rbac",
        KubernetesAccessArgs(jurisdiction="UK", data_classification="restricted", owner="platform-reliability"),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_kubernetes),
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.identity.job_functions import GROUP_FUNCTIONS
from components.validation import require_choice, require_jurisdiction
from domain.tags import CLASSIFICATIONS

WireObject = Any
"""A Kubernetes field in its wire (camelCase) names, passed through unchanged by pulumi-kubernetes (as
`components.observability.telemetry` explains)."""

READ = ["get", "list", "watch"]
WORKLOADS: list[dict[str, Any]] = [
    {
        "apiGroups": [""],
        "resources": [
            "pods",
            "services",
            "endpoints",
            "namespaces",
            "nodes",
            "events",
            "persistentvolumeclaims",
            "serviceaccounts",
            "configmaps",
        ],
        "verbs": READ,
    },
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "daemonsets", "replicasets"], "verbs": READ},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": READ},
    {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies", "ingresses"], "verbs": READ},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": READ},
]
LOGS: list[dict[str, Any]] = [{"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]
RULES: Mapping[str, list[dict[str, Any]]] = {
    "auditor": WORKLOADS,
    "platform-engineer": [*WORKLOADS, *LOGS],
    "sre-on-call": [
        *WORKLOADS,
        *LOGS,
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]},
        {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": ["patch"]},
        {"apiGroups": ["apps"], "resources": ["deployments/scale", "statefulsets/scale"], "verbs": ["update", "patch"]},
    ],
    "security": [
        *WORKLOADS,
        *LOGS,
        {
            "apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["roles", "rolebindings", "clusterroles", "clusterrolebindings"],
            "verbs": READ,
        },
    ],
    "support": [
        {"apiGroups": [""], "resources": ["pods", "events", "services"], "verbs": READ},
        *LOGS,
    ],
}
"""The rules of each job function's ClusterRole."""


def group_name(function: str) -> str:
    """The Kubernetes group a job function's people carry (mapped from their permission set's role)."""
    return f"trustfabric:{function}"


@dataclass(frozen=True)
class KubernetesAccessArgs:
    """Arguments of a cell's Kubernetes RBAC."""

    jurisdiction: str
    """The cell's jurisdiction: a label of every object."""
    data_classification: str
    """The cell's classification: a label of every object."""
    owner: str
    """The owner label."""
    functions: Sequence[str] = field(default_factory=lambda: GROUP_FUNCTIONS)
    """Job functions bound on the cluster (each with a group)."""


def validate_args(args: KubernetesAccessArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("KubernetesAccess", "jurisdiction", args.jurisdiction)
    require_choice("KubernetesAccess", "data_classification", args.data_classification, CLASSIFICATIONS)
    for function in args.functions:
        require_choice("KubernetesAccess", "functions", function, RULES)


class KubernetesAccess(pulumi.ComponentResource):
    """A ClusterRole per job function and its binding to the function's group; never cluster-admin."""

    def __init__(self, name: str, args: KubernetesAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:identity:KubernetesAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = {
            "jurisdiction": args.jurisdiction,
            "data-classification": args.data_classification,
            "owner": args.owner,
            "app.kubernetes.io/part-of": "trust-fabric",
        }
        for function in args.functions:
            role_name = group_name(function)
            metadata: WireObject = {"name": role_name, "labels": {**labels, "trustfabric.io/job-function": function}}
            rules: WireObject = RULES[function]
            role_ref: WireObject = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role_name}
            subjects: WireObject = [
                {"kind": "Group", "name": group_name(function), "apiGroup": "rbac.authorization.k8s.io"}
            ]
            role = k8s.rbac.v1.ClusterRole(f"{name}-{function}", metadata=metadata, rules=rules, opts=child)
            k8s.rbac.v1.ClusterRoleBinding(
                f"{name}-{function}-binding",
                metadata=metadata,
                role_ref=role_ref,
                subjects=subjects,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[role]),
            )
        self.register_outputs({"groups": {function: group_name(function) for function in args.functions}})
