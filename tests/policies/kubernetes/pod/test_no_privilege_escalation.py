"""kubernetes-pod-no-privilege-escalation: passing and violating cases, config and unknown values.

The programs are shared with the rest of its family: tests/policies/programs/kubernetes_vault.py.
"""

from policies.kubernetes.pod.no_privilege_escalation import POLICY as ESCALATION
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details as _details
from tests.policies.programs import program_graph
from tests.policies.programs.kubernetes_vault import BROKEN, COMPLIANT


def test_compliant_workloads_and_vault_pass():
    graph = program_graph(COMPLIANT)
    assert evaluate(ESCALATION, graph) == [], ESCALATION.name


def test_every_way_to_break_workloads_and_vault():
    graph = program_graph(BROKEN)
    pod = "Kubernetes Pod 'debug'"
    assert _details(evaluate(ESCALATION, graph)) == [
        (
            "debug",
            f"{pod}: container 'shell' may escalate privileges; set securityContext.allowPrivilegeEscalation=False.",
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
    assert [d.detail for d in evaluate(ESCALATION, job)] == [
        "Kubernetes Job 'j': container 'c' securityContext.allowPrivilegeEscalation is not known during preview; "
        "set it to False literally."
    ]
