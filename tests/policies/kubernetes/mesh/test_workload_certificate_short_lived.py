"""kubernetes-mesh-workload-certificate-short-lived: an istio-csr release capping certificates at a day passes;
every longer, missing, malformed or unknown cap fails; other charts are not judged."""

import pytest

from policies.kubernetes.mesh.workload_certificate_short_lived import POLICY as SHORT_LIVED
from policies.kubernetes.mesh.workload_certificate_short_lived import duration_hours
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

RELEASE = "kubernetes:helm.sh/v3:Release"

PROGRAM = """
import pulumi_kubernetes as k8s
def release(name, chart, app):
    k8s.helm.v3.Release(name, chart=chart, version="v0.14.2", namespace="cert-manager",
        repository_opts={"repo": "https://charts.jetstack.io"}, values={"app": app})
"""

COMPLIANT = (
    PROGRAM
    + """
release("csr", "cert-manager-istio-csr",
    {"certmanager": {"duration": "24h"}, "server": {"maxCertificateDuration": "24h"}})
release("csr-short", "jetstack/cert-manager-istio-csr", {"server": {"maxCertificateDuration": "1h30m"}})
release("other", "cert-manager", {})  # not the mesh's signer
"""
)

BROKEN = (
    PROGRAM
    + """
release("week", "cert-manager-istio-csr",
    {"certmanager": {"duration": "24h"}, "server": {"maxCertificateDuration": "168h"}})
release("asks-long", "cert-manager-istio-csr",
    {"certmanager": {"duration": "25h"}, "server": {"maxCertificateDuration": "24h"}})
release("defaulted", "cert-manager-istio-csr", {"certmanager": {"duration": "1h"}})
release("garbled", "cert-manager-istio-csr", {"server": {"maxCertificateDuration": "one day"}})
"""
)


def test_a_signer_capped_at_a_day_passes():
    assert evaluate(SHORT_LIVED, program_graph(COMPLIANT)) == [], SHORT_LIVED.name


def test_every_way_to_lengthen_workload_certificates_is_reported():
    assert details(evaluate(SHORT_LIVED, program_graph(BROKEN))) == [
        (
            "asks-long",
            "Mesh certificate signer 'asks-long' signs workload certificates for 25h (app.certmanager.duration), "
            "longer than 24h; set it to at most 24h.",
        ),
        (
            "defaulted",
            "Mesh certificate signer 'defaulted' leaves app.server.maxCertificateDuration to the chart's default; "
            "set it to at most 24h.",
        ),
        (
            "garbled",
            "Mesh certificate signer 'garbled' has app.server.maxCertificateDuration 'one day', not a duration; set "
            "it to at most 24h.",
        ),
        (
            "week",
            "Mesh certificate signer 'week' signs workload certificates for 168h "
            "(app.server.maxCertificateDuration), longer than 24h; set it to at most 24h.",
        ),
    ]


def test_a_tighter_configured_ceiling_applies():
    diagnostics = evaluate(SHORT_LIVED, program_graph(COMPLIANT), config={"maxWorkloadHours": 1})
    assert details(diagnostics) == [
        (
            "csr",
            "Mesh certificate signer 'csr' signs workload certificates for 24h (app.certmanager.duration), longer "
            "than 1h; set it to at most 1h.",
        ),
        (
            "csr",
            "Mesh certificate signer 'csr' signs workload certificates for 24h (app.server.maxCertificateDuration), "
            "longer than 1h; set it to at most 1h.",
        ),
        (
            "csr-short",
            "Mesh certificate signer 'csr-short' signs workload certificates for 1h30m "
            "(app.server.maxCertificateDuration), longer than 1h; set it to at most 1h.",
        ),
    ]


def test_unknown_values_are_never_a_pass():
    chart = resource(RELEASE, {"chart": UNKNOWN, "values": {}}, name="pending", region=None)
    assert [d.detail for d in evaluate(SHORT_LIVED, chart)] == [
        "Helm release 'pending': its chart is not known during preview; name it literally so the mesh's "
        "certificate lifetime can be judged."
    ]
    cap = resource(
        RELEASE,
        {"chart": "cert-manager-istio-csr", "values": {"app": {"server": {"maxCertificateDuration": UNKNOWN}}}},
        name="computed",
        region=None,
    )
    assert [d.detail for d in evaluate(SHORT_LIVED, cap)] == [
        "Mesh certificate signer 'computed': app.server.maxCertificateDuration is not known during preview; set it "
        "literally (at most 24h)."
    ]


@pytest.mark.parametrize(
    ("text", "hours"), [("24h", 24.0), ("90m", 1.5), ("1h30m", 1.5), ("86400s", 24.0), ("", None), ("1d", None)]
)
def test_go_durations_are_read(text, hours):
    assert duration_hours(text) == hours
