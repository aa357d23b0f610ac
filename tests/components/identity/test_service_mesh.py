"""The mesh of prod's and dr's cells: a private CA per cell (HSM key, OCSP, root installed), Istio taking its
workload certificates from it for 24 hours, strict mTLS in every workload namespace, callers by identity."""

from __future__ import annotations

from dataclasses import replace

from components.identity.private_ca import CellPrivateCaArgs
from components.identity.private_ca import validate_args as validate_ca
from components.identity.service_mesh import MeshWorkload, ServiceMeshArgs, validate_args
from stacks.identity import MESH_WORKLOADS
from tests.components.helpers import CELLS, only, refusal

CA = "aws:acmpca/certificateAuthority:CertificateAuthority"
INSTALLED = "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate"
RELEASE = "kubernetes:helm.sh/v3:Release"
PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication"
AUTHORIZATION = "kubernetes:security.istio.io/v1:AuthorizationPolicy"
NAMESPACE = "kubernetes:core/v1:Namespace"


def test_each_cell_has_its_own_active_ca_with_ocsp(prod, dr, dev):
    for graph in (prod, dr):
        for cell in CELLS:
            authority = only(graph, CA, f"{cell}-mesh-ca-authority")
            assert authority.props["revocationConfiguration"] == {"ocspConfiguration": {"enabled": True}}
            assert authority.props["keyStorageSecurityStandard"] == "FIPS_140_2_LEVEL_3_OR_HIGHER"
            assert authority.props["type"] == "ROOT"
            only(graph, INSTALLED, f"{cell}-mesh-ca-root-installed")
    assert dev.of_type(CA) == []


def test_istio_takes_24_hour_certificates_from_the_cell_ca(prod):
    istiod = only(prod, RELEASE, "uk-mesh-istiod")
    assert istiod.props["values"]["pilot"]["env"] == {"ENABLE_CA_SERVER": "false"}
    assert istiod.props["values"]["global"]["caAddress"] == "cert-manager-istio-csr.cert-manager.svc:443"
    csr = only(prod, RELEASE, "uk-mesh-istio-csr").props["values"]["app"]
    assert csr["certmanager"]["duration"] == "24h" and csr["server"]["maxCertificateDuration"] == "24h"
    assert csr["certmanager"]["issuer"]["kind"] == "AWSPCAClusterIssuer"
    issuer = only(prod, "kubernetes:awspca.cert-manager.io/v1beta1:AWSPCAClusterIssuer", "uk-mesh-issuer")
    assert "uk-mesh-ca-authority" in issuer.props["spec"]["arn"] and issuer.props["spec"]["region"] == "eu-west-2"
    for release in prod.of_type(RELEASE):
        if release.name.startswith("uk-mesh-"):
            assert release.props["version"] and release.props["atomic"] is True, release.name


def test_every_workload_namespace_is_meshed_strict_and_admits_only_its_callers(prod):
    assert only(prod, PEER_AUTHENTICATION, "uk-mesh-strict").props["spec"] == {"mtls": {"mode": "STRICT"}}
    for workload in MESH_WORKLOADS:
        labels = only(prod, NAMESPACE, f"uk-mesh-{workload.namespace}").props["metadata"]["labels"]
        assert labels["istio-injection"] == "enabled" and labels["trustfabric.io/workload"] == "true"
        strict = only(prod, PEER_AUTHENTICATION, f"uk-mesh-{workload.namespace}-strict")
        assert strict.props["metadata"]["namespace"] == workload.namespace
        assert strict.props["spec"] == {"mtls": {"mode": "STRICT"}}
        callers = only(prod, AUTHORIZATION, f"uk-mesh-{workload.namespace}-callers").props["spec"]
        principals = callers["rules"][0]["from"][0]["source"]["principals"]
        assert callers["action"] == "ALLOW"
        assert principals == [f"cluster.local/ns/{c.split('/')[0]}/sa/{c.split('/')[1]}" for c in workload.callers]
    ledger = only(prod, AUTHORIZATION, "uk-mesh-ledger-callers").props["spec"]["rules"][0]["from"][0]["source"]
    assert "cluster.local/ns/ingest/sa/ingest-worker" in ledger["principals"]


def test_exact_argument_errors():
    args = ServiceMeshArgs(
        jurisdiction="UK", data_classification="restricted", owner="o", region="eu-west-2", ca_arn="arn"
    )
    assert refusal(lambda: validate_args(replace(args, workload_certificate_hours=48))) == (
        "ServiceMesh: workload_certificate_hours: 48 is out of range; allowed: 1..24"
    )
    bad = replace(args, workloads=(MeshWorkload("ledger", "ledger-api", callers=("ingest-worker",)),))
    assert refusal(lambda: validate_args(bad)) == (
        "ServiceMesh: workloads[ledger].callers: 'ingest-worker' is not a service identity; allowed: "
        "<namespace>/<service account>"
    )
    ca = CellPrivateCaArgs(cell="uk", jurisdiction="UK", region="eu-west-2")
    assert refusal(lambda: validate_ca(replace(ca, region="us-east-1"))) == (
        "CellPrivateCa: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1"
    )
    assert refusal(lambda: validate_ca(replace(ca, root_validity_years=30))) == (
        "CellPrivateCa: root_validity_years: 30 is out of range; allowed: 5..10"
    )
