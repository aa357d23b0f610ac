"""vault-kubernetes-auth-role-no-wildcard-namespace: Kubernetes auth roles name the namespaces they admit.

A `vault.kubernetes.AuthBackendRole` admits service accounts of `bound_service_account_namespaces` or, when set,
of the namespaces its `bound_service_account_namespace_selector` (a Kubernetes label selector, JSON or YAML)
selects; the two are ORed. A namespace entry with `*` admits every matching namespace, and a selector without
`matchLabels` or `matchExpressions` selects every namespace of the cluster, so a service account of that name
in any namespace (anyone's sandbox) logs in. A role must bind at least one namespace. Values not known during
preview are reported; an unreadable selector is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list
from policies.lib.vault import has_wildcard

META = PolicyMeta(
    id="TF-VAULT-K8S-002",
    name="vault-kubernetes-auth-role-no-wildcard-namespace",
    description="Vault Kubernetes auth roles bind exact namespaces or a non-empty label selector, never a wildcard.",
    severity="high",
    topics=("identity", "least-privilege", "vault"),
    controls={
        "SOC2": ("CC6.1", "CC6.2", "CC6.3"),
        "ISO27001:2022": ("A.5.15", "A.8.2", "A.8.5"),
        "GDPR": ("Art.32",),
        "NIST-800-53": ("AC-6",),
    },
    remediation=(
        "List the workload's namespace in bound_service_account_namespaces (or give a selector with matchLabels)."
    ),
)

_FIX = "list the workload's exact namespace in bound_service_account_namespaces"


def _selector_problem(text: Any) -> str | None:
    """What is wrong with a namespace label selector, or None when it narrows the namespaces."""
    try:
        selector = yaml.safe_load(str(text))
    except yaml.YAMLError:
        return "is not a readable label selector"
    if not isinstance(selector, Mapping):
        return "is not a label selector object"
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return "selects every namespace"
    return None


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    name = args.name
    for key, argument in (
        ("boundServiceAccountNamespaces", "bound_service_account_namespaces"),
        ("boundServiceAccountNamespaceSelector", "bound_service_account_namespace_selector"),
    ):
        if is_unknown(props, key):
            report_violation(
                f"Vault Kubernetes auth role '{name}': {argument} is not known during preview; {_FIX} literally."
            )
            return
    namespaces = [str(namespace) for namespace in as_list(get(props, "boundServiceAccountNamespaces"))]
    selector = get(props, "boundServiceAccountNamespaceSelector")
    selector = selector if isinstance(selector, str) and selector.strip() else None
    if not namespaces and selector is None:
        report_violation(f"Vault Kubernetes auth role '{name}' binds no namespace; {_FIX}.")
    for namespace in namespaces:
        if has_wildcard(namespace):
            report_violation(
                f"Vault Kubernetes auth role '{name}' admits service accounts of any namespace matching "
                f"'{namespace}'; {_FIX}."
            )
    problem = _selector_problem(selector) if selector is not None else None
    if problem is not None:
        report_violation(
            f"Vault Kubernetes auth role '{name}': its namespace selector {selector!r} {problem}; {_FIX} or give "
            "the selector matchLabels."
        )


POLICY = resource_policy(META, validate, resource_types=("vault:kubernetes/authBackendRole:AuthBackendRole",))
