"""The service mesh of a cell's cluster: Istio with strict mTLS, its workload certificates from the cell's CA.

- Istio (`base`, `istiod`) from pinned Helm charts; istiod's own CA is off: workload certificates come from
  cert-manager's istio-csr, which asks the cell's AWS Private CA through the AWS Private CA issuer, valid for
  `workload_certificate_hours` (24 h by default) and renewed before they expire.
- Mesh-wide `PeerAuthentication` STRICT in istio-system, and again in every workload namespace, so plain text is
  refused even if the mesh-wide default changes.
- Every workload namespace is labelled for sidecar injection and `trustfabric.io/workload: "true"` (policy
  kubernetes-mesh-namespace-strict-mtls judges those), and has an `AuthorizationPolicy` admitting only the
  service identities (SPIFFE principals) of its declared callers.

Usage::

    ServiceMesh(
        "uk-mesh",
        ServiceMeshArgs(jurisdiction="UK", data_classification="restricted", owner="platform-reliability",
                        region="eu-west-2", ca_arn=ca.arn,
                        workloads=(MeshWorkload("ledger", "ledger-api", callers=("ingest/ingest-worker",)),)),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_kubernetes),
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.validation import require_choice, require_jurisdiction, require_range
from domain.tags import CLASSIFICATIONS

WireObject = Any
"""A Kubernetes field in its wire (camelCase) names (see `components.observability.telemetry`)."""

ISTIO_CHARTS = "https://istio-release.storage.googleapis.com/charts"
JETSTACK_CHARTS = "https://charts.jetstack.io"
PCA_ISSUER_CHARTS = "https://cert-manager.github.io/aws-privateca-issuer"
ISTIO_VERSION = "1.27.3"
CERT_MANAGER_VERSION = "v1.19.1"
ISTIO_CSR_VERSION = "v0.14.2"
PCA_ISSUER_VERSION = "v1.7.0"
MESH_NAMESPACE = "istio-system"
CERT_NAMESPACE = "cert-manager"
WORKLOAD_LABEL = "trustfabric.io/workload"
TRUST_DOMAIN = "cluster.local"


@dataclass(frozen=True)
class MeshWorkload:
    """A workload namespace of the mesh, its service account, and the service identities that may call it."""

    namespace: str
    service_account: str
    callers: tuple[str, ...] = ()
    """`<namespace>/<service account>` of each workload allowed to call it (the ingress gateway included)."""

    @property
    def principal(self) -> str:
        return f"{TRUST_DOMAIN}/ns/{self.namespace}/sa/{self.service_account}"


@dataclass(frozen=True)
class ServiceMeshArgs:
    """Arguments of a cell's service mesh."""

    jurisdiction: str
    data_classification: str
    owner: str
    region: str
    """Region of the cell's private CA."""
    ca_arn: pulumi.Input[str]
    """The cell's AWS Private CA: issuer of every workload certificate."""
    workloads: Sequence[MeshWorkload] = field(default_factory=tuple)
    workload_certificate_hours: int = 24
    """Validity of a workload certificate, 1..24 hours."""


def validate_args(args: ServiceMeshArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ServiceMesh", "jurisdiction", args.jurisdiction)
    require_choice("ServiceMesh", "data_classification", args.data_classification, CLASSIFICATIONS)
    require_range("ServiceMesh", "workload_certificate_hours", args.workload_certificate_hours, 1, 24)
    for workload in args.workloads:
        for caller in workload.callers:
            if caller.count("/") != 1 or not all(caller.split("/")):
                raise ValueError(
                    f"ServiceMesh: workloads[{workload.namespace}].callers: {caller!r} is not a service identity; "
                    "allowed: <namespace>/<service account>"
                )


class ServiceMesh(pulumi.ComponentResource):
    """Istio with certificates from the cell's private CA, strict mTLS and identity-based authorization."""

    def __init__(self, name: str, args: ServiceMeshArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:identity:ServiceMesh", name, None, opts)
        labels = {
            "jurisdiction": args.jurisdiction,
            "data-classification": args.data_classification,
            "owner": args.owner,
            "app.kubernetes.io/part-of": "trust-fabric",
        }
        restricted = {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
        }

        def meta(object_name: str, namespace: str | None = None, extra: dict[str, str] | None = None) -> WireObject:
            found: dict[str, Any] = {"name": object_name, "labels": {**labels, **(extra or {})}}
            if namespace is not None:
                found["namespace"] = namespace
            return found

        system = []
        for namespace in (MESH_NAMESPACE, CERT_NAMESPACE):
            system.append(
                k8s.core.v1.Namespace(
                    f"{name}-{namespace}",
                    metadata=meta(namespace, extra=restricted),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        after_namespaces = pulumi.ResourceOptions(parent=self, depends_on=system)

        cert_manager = self._release(
            f"{name}-cert-manager",
            "cert-manager",
            CERT_MANAGER_VERSION,
            JETSTACK_CHARTS,
            CERT_NAMESPACE,
            {"crds": {"enabled": True}},
            after_namespaces,
        )
        issuer_chart = self._release(
            f"{name}-pca-issuer",
            "aws-privateca-issuer",
            PCA_ISSUER_VERSION,
            PCA_ISSUER_CHARTS,
            CERT_NAMESPACE,
            {"serviceAccount": {"create": True, "name": "aws-privateca-issuer"}},
            pulumi.ResourceOptions(parent=self, depends_on=[cert_manager]),
        )
        issuer_spec: WireObject = pulumi.Output.from_input(args.ca_arn).apply(
            lambda arn: {"arn": arn, "region": args.region}
        )
        issuer = k8s.apiextensions.CustomResource(
            f"{name}-issuer",
            api_version="awspca.cert-manager.io/v1beta1",
            kind="AWSPCAClusterIssuer",
            metadata=meta("trustfabric-cell-ca"),
            spec=issuer_spec,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[issuer_chart]),
        )
        csr = self._release(
            f"{name}-istio-csr",
            "cert-manager-istio-csr",
            ISTIO_CSR_VERSION,
            JETSTACK_CHARTS,
            CERT_NAMESPACE,
            {
                "app": {
                    "certmanager": {
                        "issuer": {
                            "name": "trustfabric-cell-ca",
                            "kind": "AWSPCAClusterIssuer",
                            "group": "awspca.cert-manager.io",
                        },
                        "duration": f"{args.workload_certificate_hours}h",
                    },
                    "server": {"maxCertificateDuration": f"{args.workload_certificate_hours}h"},
                    "istio": {"namespace": MESH_NAMESPACE},
                }
            },
            pulumi.ResourceOptions(parent=self, depends_on=[issuer]),
        )
        base = self._release(
            f"{name}-istio-base", "base", ISTIO_VERSION, ISTIO_CHARTS, MESH_NAMESPACE, {}, after_namespaces
        )
        istiod = self._release(
            f"{name}-istiod",
            "istiod",
            ISTIO_VERSION,
            ISTIO_CHARTS,
            MESH_NAMESPACE,
            {
                "global": {"caAddress": f"cert-manager-istio-csr.{CERT_NAMESPACE}.svc:443"},
                "pilot": {"env": {"ENABLE_CA_SERVER": "false"}},
                "meshConfig": {"trustDomain": TRUST_DOMAIN, "enableAutoMtls": True},
            },
            pulumi.ResourceOptions(parent=self, depends_on=[base, csr]),
        )
        mesh_ready = pulumi.ResourceOptions(parent=self, depends_on=[istiod])
        strict: WireObject = {"mtls": {"mode": "STRICT"}}
        k8s.apiextensions.CustomResource(
            f"{name}-strict",
            api_version="security.istio.io/v1",
            kind="PeerAuthentication",
            metadata=meta("default", MESH_NAMESPACE),
            spec=strict,
            opts=mesh_ready,
        )
        for workload in args.workloads:
            workload_namespace = k8s.core.v1.Namespace(
                f"{name}-{workload.namespace}",
                metadata=meta(
                    workload.namespace, extra={**restricted, "istio-injection": "enabled", WORKLOAD_LABEL: "true"}
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[workload_namespace, istiod])
            k8s.apiextensions.CustomResource(
                f"{name}-{workload.namespace}-strict",
                api_version="security.istio.io/v1",
                kind="PeerAuthentication",
                metadata=meta("default", workload.namespace),
                spec=strict,
                opts=in_namespace,
            )
            principals = [
                f"{TRUST_DOMAIN}/ns/{caller.split('/')[0]}/sa/{caller.split('/')[1]}" for caller in workload.callers
            ]
            authorization: WireObject = {
                "action": "ALLOW",
                "rules": [{"from": [{"source": {"principals": principals}}]}] if principals else [],
            }
            k8s.apiextensions.CustomResource(
                f"{name}-{workload.namespace}-callers",
                api_version="security.istio.io/v1",
                kind="AuthorizationPolicy",
                metadata=meta("allow-declared-callers", workload.namespace),
                spec=authorization,
                opts=in_namespace,
            )
        self.register_outputs({"workload_namespaces": [w.namespace for w in args.workloads]})

    def _release(
        self,
        resource_name: str,
        chart: str,
        version: str,
        repository: str,
        namespace: str,
        values: WireObject,
        opts: pulumi.ResourceOptions,
    ) -> k8s.helm.v3.Release:
        """An atomic Helm release of a pinned chart version."""
        return k8s.helm.v3.Release(
            resource_name,
            name=chart,
            chart=chart,
            version=version,
            namespace=namespace,
            repository_opts={"repo": repository},
            atomic=True,
            cleanup_on_fail=True,
            values=values,
            opts=opts,
        )
