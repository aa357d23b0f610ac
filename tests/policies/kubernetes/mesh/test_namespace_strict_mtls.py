"""kubernetes-mesh-namespace-strict-mtls: meshed, strict workload namespaces pass; every way to weaken one fails."""

from policies.kubernetes.mesh.namespace_strict_mtls import POLICY as STRICT_MTLS
from tests.policies.harness import evaluate
from tests.policies.programs import details, program_graph

PROGRAM = """
import pulumi_kubernetes as k8s
def namespace(name, **labels):
    k8s.core.v1.Namespace(name, metadata={"name": name, "labels": labels})
def peer_authentication(name, namespace, spec):
    k8s.apiextensions.CustomResource(name, api_version="security.istio.io/v1", kind="PeerAuthentication",
        metadata={"name": "default", "namespace": namespace}, spec=spec)
WORKLOAD = {"trustfabric.io/workload": "true"}
"""

COMPLIANT = (
    PROGRAM
    + """
namespace("ledger", **WORKLOAD, **{"istio-injection": "enabled"})
peer_authentication("ledger-strict", "ledger", {"mtls": {"mode": "STRICT"}})
namespace("tools")  # not a workload namespace
"""
)

BROKEN = (
    PROGRAM
    + """
namespace("plain", **WORKLOAD)
peer_authentication("plain-strict", "plain", {"mtls": {"mode": "STRICT"}})
namespace("lenient", **WORKLOAD, **{"istio-injection": "enabled"})
peer_authentication("lenient-permissive", "lenient", {"mtls": {"mode": "PERMISSIVE"}})
namespace("porous", **WORKLOAD, **{"istio-injection": "enabled"})
peer_authentication("porous-strict", "porous", {"mtls": {"mode": "STRICT"}, "portLevelMtls": {"8080": {"mode": "DISABLE"}}})
namespace("bare", **WORKLOAD, **{"istio.io/rev": "stable"})
"""
)


def test_meshed_strict_workload_namespaces_pass():
    assert evaluate(STRICT_MTLS, program_graph(COMPLIANT)) == [], STRICT_MTLS.name


def test_every_way_to_leave_a_workload_namespace_open():
    assert details(evaluate(STRICT_MTLS, program_graph(BROKEN))) == [
        (
            "bare",
            "Workload namespace 'bare' has no STRICT PeerAuthentication; declare one without a selector with "
            "spec.mtls.mode STRICT.",
        ),
        (
            "lenient",
            "Workload namespace 'lenient' has no STRICT PeerAuthentication; declare one without a selector with "
            "spec.mtls.mode STRICT.",
        ),
        (
            "lenient",
            "Workload namespace 'lenient': PeerAuthentication 'lenient-permissive' allows PERMISSIVE traffic; set "
            "mtls.mode STRICT.",
        ),
        ("plain", "Workload namespace 'plain' is not meshed; label it istio-injection=enabled."),
        (
            "porous",
            "Workload namespace 'porous': PeerAuthentication 'porous-strict' allows DISABLE traffic; set mtls.mode "
            "STRICT.",
        ),
    ]
