"""The OpenTelemetry collector's pod: image by digest, no API token, and a NetworkPolicy around it."""

from __future__ import annotations

import re

import pytest

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"


@pytest.fixture(scope="module")
def dev(stack_graph):
    return stack_graph("dev")


def one(graph, type_):
    [resource] = [r for r in graph if r.type == type_]
    return resource


def test_collector_image_is_pinned_by_digest_and_pulled_only_when_absent(dev):
    [container] = one(dev, DEPLOYMENT).props["spec"]["template"]["spec"]["containers"]
    assert re.fullmatch(r"otel/opentelemetry-collector-contrib:0\.130\.0@sha256:[0-9a-f]{64}", container["image"])
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_collector_gets_no_kubernetes_api_token(dev):
    pod = one(dev, DEPLOYMENT).props["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    [account] = [
        r for r in dev if r.type == SERVICE_ACCOUNT and r.props["metadata"]["name"] == pod["serviceAccountName"]
    ]
    assert account.props["automountServiceAccountToken"] is False


def test_network_policy_selects_the_collector_pods_in_their_namespace(dev):
    deployment = one(dev, DEPLOYMENT)
    policy = one(dev, NETWORK_POLICY)
    assert policy.props["metadata"]["namespace"] == deployment.props["metadata"]["namespace"] == "observability"
    selector = policy.props["spec"]["podSelector"]["matchLabels"]
    assert selector == {"app.kubernetes.io/name": "otel-collector"}
    pod_labels = deployment.props["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()
    assert policy.props["spec"]["policyTypes"] == ["Ingress", "Egress"]


def _ports(rule):
    return sorted((port["protocol"], port["port"]) for port in rule["ports"])


def test_network_policy_admits_otlp_and_probes_only(dev):
    ingress = one(dev, NETWORK_POLICY).props["spec"]["ingress"]
    assert [(rule.get("from"), _ports(rule)) for rule in ingress] == [
        ([{"namespaceSelector": {}}], [("TCP", 4317), ("TCP", 4318)]),
        (None, [("TCP", 13133)]),
    ]


def test_network_policy_lets_the_collector_reach_dns_tempo_https_and_prometheus_only(dev):
    egress = one(dev, NETWORK_POLICY).props["spec"]["egress"]
    assert [(rule.get("to"), _ports(rule)) for rule in egress] == [
        (
            [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }
            ],
            [("TCP", 53), ("UDP", 53)],
        ),
        ([{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "tempo"}}}], [("TCP", 4317)]),
        (None, [("TCP", 443)]),
        # the SLI counters it federates and publishes to CloudWatch
        ([{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}], [("TCP", 9090)]),
    ]
