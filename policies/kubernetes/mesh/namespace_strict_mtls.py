"""kubernetes-mesh-namespace-strict-mtls: every workload namespace is in the mesh and accepts only mutual TLS.

A workload namespace is a Namespace labelled `trustfabric.io/workload: "true"`. It must be labelled for sidecar
injection (`istio-injection: enabled`, or an `istio.io/rev` revision), and an Istio `PeerAuthentication` without
a selector in it must set `mtls.mode: STRICT`; no PeerAuthentication in it may set PERMISSIVE or DISABLE (for the
whole namespace, a selector or a port). Values not known during preview are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.props import unknown_itself

NAMESPACE = "kubernetes:core/v1:Namespace"
PEER_AUTHENTICATION = (
    "kubernetes:security.istio.io/v1:PeerAuthentication",
    "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
)
WORKLOAD_LABEL = "trustfabric.io/workload"

META = PolicyMeta(
    id="TF-K8S-MESH-001",
    name="kubernetes-mesh-namespace-strict-mtls",
    description="Every workload namespace is meshed (sidecar injection) and its PeerAuthentication is STRICT mTLS.",
    severity="high",
    topics=("kubernetes", "encryption-in-transit"),
    controls={"SOC2": ("CC6.7",), "ISO27001:2022": ("A.8.20", "A.8.24"), "NIST-800-53": ("SC-8",)},
    remediation=(
        "Label the namespace istio-injection=enabled and declare a PeerAuthentication in it with "
        "spec.mtls.mode STRICT (and no PERMISSIVE or DISABLE one)."
    ),
)


def _modes(spec: Any) -> list[Any]:
    """Every mTLS mode a PeerAuthentication spec sets (the whole namespace's first)."""
    modes = [get(spec, "mtls", "mode")]
    ports = get(spec, "portLevelMtls", default={}) or {}
    if isinstance(ports, Mapping):
        modes += [get(port, "mode") for port in ports.values()]
    return modes


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    authentications: dict[str, list[Any]] = {}
    for resource in args.resources:
        if resource.resource_type in PEER_AUTHENTICATION:
            namespace = get(resource.props, "metadata", "namespace", default="default")
            authentications.setdefault(str(namespace), []).append(resource)
    for namespace in args.resources:
        if namespace.resource_type != NAMESPACE:
            continue
        props = namespace.props
        if unknown_itself(props, "metadata") or is_unknown(props, "metadata", "labels"):
            report_violation(
                f"Namespace '{namespace.name}': its labels are not known during preview; set them literally.",
                namespace.urn,
            )
            continue
        labels = get(props, "metadata", "labels", default={}) or {}
        if labels.get(WORKLOAD_LABEL) != "true":
            continue
        name = get(props, "metadata", "name", default=namespace.name)
        if labels.get("istio-injection") != "enabled" and not labels.get("istio.io/rev"):
            report_violation(
                f"Workload namespace '{name}' is not meshed; label it istio-injection=enabled.", namespace.urn
            )
        found = authentications.get(str(name), [])
        strict = False
        for authentication in found:
            spec = get(authentication.props, "spec", default={})
            if is_unknown(authentication.props, "spec"):
                report_violation(
                    f"Workload namespace '{name}': PeerAuthentication '{authentication.name}' is not known during "
                    "preview; set its spec literally.",
                    namespace.urn,
                )
                continue
            weak = [mode for mode in _modes(spec) if mode in ("PERMISSIVE", "DISABLE")]
            if weak:
                report_violation(
                    f"Workload namespace '{name}': PeerAuthentication '{authentication.name}' allows {weak[0]} "
                    "traffic; set mtls.mode STRICT.",
                    namespace.urn,
                )
            if get(spec, "selector") is None and get(spec, "mtls", "mode") == "STRICT":
                strict = True
        if not strict:
            report_violation(
                f"Workload namespace '{name}' has no STRICT PeerAuthentication; declare one without a selector with "
                "spec.mtls.mode STRICT.",
                namespace.urn,
            )


POLICY = stack_policy(META, validate)
