"""Kubernetes RBAC per cell: a ClusterRole per job function bound to its group, no Secrets, no cluster-admin."""

from __future__ import annotations

from components.identity.job_functions import GROUP_FUNCTIONS
from components.identity.kubernetes_rbac import KubernetesAccessArgs, validate_args
from tests.components.helpers import CELLS, only, refusal

ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"


def test_every_cell_binds_each_function_group_to_its_own_role(prod, dr):
    for graph in (prod, dr):
        for cell in CELLS:
            for function in GROUP_FUNCTIONS:
                binding = only(graph, BINDING, f"{cell}-rbac-{function}-binding")
                assert binding.props["roleRef"] == {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": f"trustfabric:{function}",
                }
                assert binding.props["subjects"] == [
                    {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"trustfabric:{function}"}
                ]
                assert binding.props["metadata"]["labels"]["jurisdiction"] == cell.upper()


def test_no_role_reads_secrets_or_uses_wildcards(prod):
    for role in prod.of_type(ROLE):
        if role.name.split("-", 2)[1] != "rbac":
            continue
        for rule in role.props["rules"]:
            assert "secrets" not in rule["resources"], role.name
            assert "*" not in rule["verbs"] and "*" not in rule["resources"], role.name


def test_only_on_call_may_change_anything(prod):
    writers = set()
    for function in GROUP_FUNCTIONS:
        rules = only(prod, ROLE, f"uk-rbac-{function}").props["rules"]
        if any(set(rule["verbs"]) - {"get", "list", "watch"} for rule in rules):
            writers.add(function)
    assert writers == {"sre-on-call"}


def test_no_rbac_without_identity_center(dev):
    assert dev.of_type(BINDING) == []


def test_exact_argument_errors():
    args = KubernetesAccessArgs(jurisdiction="UK", data_classification="restricted", owner="o")
    validate_args(args)
    assert refusal(lambda: validate_args(KubernetesAccessArgs("UK", "restricted", "o", ("break-glass",)))) == (
        "KubernetesAccess: functions: 'break-glass' is not allowed; allowed: auditor, platform-engineer, "
        "sre-on-call, security, support"
    )
