"""The collector's identity: a role only EKS Pod Identity of the cell's cluster may assume, bound to the
collector's service account, allowed to write to the cell's log domain and named by the domain as its writer."""

from __future__ import annotations

import json
import re

import pytest

from components.observability.collector_identity import CollectorIdentityArgs, validate_args
from trustfabric.engine import ACCOUNT_ID
from trustfabric.graph import Resource, ResourceGraph


def only(graph: ResourceGraph, type_: str, name: str) -> Resource:
    found = [r for r in graph if r.type == type_ and r.name == name]
    assert len(found) == 1, f"{type_} {name}: {[r.name for r in graph if r.type == type_]}"
    return found[0]


@pytest.mark.parametrize(("stack", "cells"), [("prod", ("uk", "eu", "us", "ca")), ("dev", ("uk",))])
def test_each_cell_collector_role_is_assumable_only_by_pod_identity_of_its_cluster(stack_graph, stack, cells):
    graph = stack_graph(stack)
    for cell in cells:
        role = only(graph, "aws:iam/role:Role", f"{cell}-collector-role")
        (statement,) = json.loads(role.props["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
        (cluster_arn,) = statement["Condition"]["ArnEquals"].values()
        assert cluster_arn == f"arn:aws:eks:{role.region}:{ACCOUNT_ID}:cluster/trustfabric-{stack}-{cell}"
        assert role.props["name"] == f"trustfabric-{stack}-{cell}-{role.region}-log-writer"
        assert role.props["permissionsBoundary"].endswith(f":policy/trustfabric-{stack}-{cell}-boundary")

        association = only(
            graph, "aws:eks/podIdentityAssociation:PodIdentityAssociation", f"{cell}-collector-pod-identity"
        )
        assert association.props["clusterName"] == f"trustfabric-{stack}-{cell}"
        assert association.props["namespace"] == "observability"
        assert association.props["serviceAccount"] == "otel-collector"
        assert association.property_dependencies["roleArn"] == [role.urn]


def test_the_collector_service_account_is_the_one_bound_to_the_role(stack_graph):
    graph = stack_graph("dev")
    account = only(graph, "kubernetes:core/v1:ServiceAccount", "uk-telemetry-collector-sa")
    assert account.props["metadata"]["name"] == "otel-collector"
    assert account.props["metadata"]["namespace"] == "observability"


def test_the_role_may_only_write_to_its_cells_domain_and_the_domain_names_it_as_writer(stack_graph):
    graph = stack_graph("prod")
    for cell in ("uk", "eu", "us", "ca"):
        role = only(graph, "aws:iam/role:Role", f"{cell}-collector-role")
        domain = only(graph, "aws:opensearch/domain:Domain", f"{cell}-logs-domain")
        grant = only(graph, "aws:iam/rolePolicy:RolePolicy", f"{cell}-collector-write-logs")
        assert grant.property_dependencies["role"] == [role.urn]
        assert grant.property_dependencies["policy"] == [domain.urn]
        (statement,) = json.loads(grant.props["policy"])["Statement"]
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == ["es:ESHttpPost", "es:ESHttpPut"]  # no reads, deletes or admin
        # its own domain's indexes, nothing else (the offline engine's ARN: the physical name is auto-suffixed)
        pattern = rf"arn:aws:[a-z]+:{domain.region}:{ACCOUNT_ID}:domain/{domain.name}-[0-9a-f]+/\*"
        assert re.fullmatch(pattern, statement["Resource"])

        policy = json.loads(domain.props["accessPolicies"])
        writers = [s for s in policy["Statement"] if s["Sid"] == "Write"]
        assert writers[0]["Principal"] == {"AWS": [f"arn:aws:iam::{ACCOUNT_ID}:role/{role.props['name']}"]}
        assert domain.property_dependencies["accessPolicies"] == [role.urn]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"cluster_name": "-bad"},
            "CollectorIdentity: cluster_name: '-bad' is not an EKS cluster name; "
            "allowed: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
        ),
        ({"namespace": "Observability"}, "CollectorIdentity: namespace: 'Observability' is not a Kubernetes name"),
        (
            {"service_account": "otel_collector"},
            "CollectorIdentity: service_account: 'otel_collector' is not a Kubernetes name",
        ),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    arguments = {
        "deployment": "prod",
        "cell": "uk",
        "region": "eu-west-2",
        "cluster_name": "trustfabric-prod-uk",
        "permissions_boundary_arn": "arn:aws:iam::123456789012:policy/b",
        **changes,
    }
    with pytest.raises(ValueError) as raised:
        validate_args(CollectorIdentityArgs(**arguments))
    assert str(raised.value) == message
