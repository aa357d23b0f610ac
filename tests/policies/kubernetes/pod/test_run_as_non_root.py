"""kubernetes-pod-run-as-non-root: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/kubernetes_vault.py.
"""

from policies.kubernetes.pod.run_as_non_root import POLICY as NON_ROOT
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.kubernetes_vault import BROKEN, COMPLIANT


def test_compliant_workloads_and_vault_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(NON_ROOT, graph) == [], NON_ROOT.name


def test_every_way_to_break_workloads_and_vault():
    graph = program_graph(BROKEN)
    pod = "Kubernetes Pod 'debug'"
    assert _details(evaluate(NON_ROOT, graph)) == [
        (
            "debug",
            f"{pod}: container 'shell' may run as root; set securityContext.runAsNonRoot=True on the pod "
            "spec or the container.",
        )
    ]


def test_unknown_values_are_never_a_pass():
    job = resource(
        "kubernetes:batch/v1:Job",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "c",
                                "securityContext": {
                                    "allowPrivilegeEscalation": UNKNOWN,
                                    "runAsNonRoot": True,
                                },
                                "resources": {"limits": {"cpu": "1", "memory": UNKNOWN}},
                            }
                        ]
                    }
                }
            }
        },
        name="j",
        region=None,
    )
    assert evaluate(NON_ROOT, job) == []
