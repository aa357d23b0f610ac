"""kubernetes-rbac-no-cluster-admin-to-humans: passing and violating bindings, unknown values."""

from policies.kubernetes.rbac.no_cluster_admin_to_humans import POLICY as NO_CLUSTER_ADMIN
from tests.policies.harness import UNKNOWN, evaluate, resource
from tests.policies.programs import details, program_graph

CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"

COMPLIANT = """
import pulumi_kubernetes as k8s
meta = {"labels": {"jurisdiction": "UK", "data-classification": "internal", "owner": "platform"}}
k8s.rbac.v1.ClusterRoleBinding("auditors", metadata={"name": "auditors", **meta},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "trustfabric:auditor"},
    subjects=[{"kind": "Group", "name": "trustfabric:auditor", "api_group": "rbac.authorization.k8s.io"}])
k8s.rbac.v1.ClusterRoleBinding("controller", metadata={"name": "controller", **meta},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
    subjects=[{"kind": "ServiceAccount", "name": "controller", "namespace": "kube-system"}])
"""

BROKEN = """
import pulumi_kubernetes as k8s
k8s.rbac.v1.ClusterRoleBinding("admins", metadata={"name": "admins"},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
    subjects=[{"kind": "Group", "name": "platform-engineers", "api_group": "rbac.authorization.k8s.io"},
              {"kind": "User", "name": "alice@example.com", "api_group": "rbac.authorization.k8s.io"}])
k8s.rbac.v1.RoleBinding("masters", metadata={"name": "masters", "namespace": "ledger"},
    role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    subjects=[{"kind": "Group", "name": "system:masters", "api_group": "rbac.authorization.k8s.io"}])
"""


def test_job_function_and_workload_bindings_pass():
    assert evaluate(NO_CLUSTER_ADMIN, program_graph(COMPLIANT)) == [], NO_CLUSTER_ADMIN.name


def test_every_way_to_give_people_cluster_admin():
    assert details(evaluate(NO_CLUSTER_ADMIN, program_graph(BROKEN))) == [
        (
            "admins",
            "Kubernetes ClusterRoleBinding 'admins' gives cluster-admin to Group 'platform-engineers'; bind it to its "
            "job-function role instead.",
        ),
        (
            "admins",
            "Kubernetes ClusterRoleBinding 'admins' gives cluster-admin to User 'alice@example.com'; bind it to its "
            "job-function role instead.",
        ),
        ("masters", "Kubernetes RoleBinding 'masters' binds the system:masters group, which bypasses RBAC; remove it."),
    ]


def test_unknown_values_are_never_a_pass():
    graph = resource(
        CLUSTER_ROLE_BINDING,
        {"roleRef": {"kind": "ClusterRole", "name": UNKNOWN}, "subjects": []},
        name="b",
        region=None,
    )
    assert [d.detail for d in evaluate(NO_CLUSTER_ADMIN, graph)] == [
        "Kubernetes ClusterRoleBinding 'b': its roleRef is not known during preview; name the role literally."
    ]
    graph = resource(
        CLUSTER_ROLE_BINDING,
        {"roleRef": {"kind": "ClusterRole", "name": "view"}, "subjects": UNKNOWN},
        name="c",
        region=None,
    )
    assert [d.detail for d in evaluate(NO_CLUSTER_ADMIN, graph)] == [
        "Kubernetes ClusterRoleBinding 'c': its subjects are not known during preview; list them literally."
    ]
