"""kubernetes-pod-resource-limits: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/kubernetes_vault.py.
"""

from policies.kubernetes.pod.resource_limits import POLICY as LIMITS
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.kubernetes_vault import BROKEN, COMPLIANT


def test_compliant_workloads_and_vault_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(LIMITS, graph) == [], LIMITS.name


def test_every_way_to_break_workloads_and_vault():
    graph = program_graph(BROKEN)
    pod = "Kubernetes Pod 'debug'"
    assert _details(evaluate(LIMITS, graph)) == [
        ("debug", f"{pod}: container 'shell' has no memory limit; set resources.limits.memory."),
        (
            "debug",
            f"{pod}: init container 'setup' has no cpu or memory limit; set resources.limits.cpu/memory.",
        ),
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
    assert [d.detail for d in evaluate(LIMITS, job)] == [
        "Kubernetes Job 'j': container 'c' resources.limits are not known during preview; set cpu and memory literally."
    ]
