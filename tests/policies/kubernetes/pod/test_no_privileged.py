"""kubernetes-pod-no-privileged: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/kubernetes_vault.py.
"""

from policies.kubernetes.pod.no_privileged import POLICY as PRIVILEGED
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.kubernetes_vault import BROKEN, COMPLIANT


def test_compliant_workloads_and_vault_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(PRIVILEGED, graph) == [], PRIVILEGED.name


def test_every_way_to_break_workloads_and_vault():
    graph = program_graph(BROKEN)
    pod = "Kubernetes Pod 'debug'"
    assert _details(evaluate(PRIVILEGED, graph)) == [
        (
            "debug",
            f"{pod}: container 'shell' runs privileged; remove securityContext.privileged and grant only the "
            "capabilities it needs.",
        )
    ]


def test_unknown_values_are_never_a_pass():
    deployment = resource(
        "kubernetes:apps/v1:Deployment",
        {"spec": {"template": {"spec": {"containers": UNKNOWN}}}},
        name="d",
        region=None,
    )
    assert [d.detail for d in evaluate(PRIVILEGED, deployment)] == [
        "Kubernetes Deployment 'd': its pod spec's containers are not known during preview; privilege cannot be proven."
    ]
