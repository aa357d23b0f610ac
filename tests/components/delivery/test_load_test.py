"""The in-cluster load test as prod declares it: an immutable, scanned, CMK-encrypted image repository per cell
and a suspended, hardened CronJob on the cell's existing cluster provider that runs the image by digest and
prints its result as the log's last line; dr and dev declare none; and the component's exact refusals."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import pytest

from components.delivery.load_test import LoadTestArgs, deadline_seconds, validate_args
from load.image import content_tag
from tests.components.helpers import ACCOUNT_ID, CELLS, only, parent_type, provider_region, refusal

REPOSITORY = "aws:ecr/repository:Repository"
CRONJOB = "kubernetes:batch/v1:CronJob"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
REGIONS = {"uk": "eu-west-2", "eu": "eu-central-1", "us": "us-east-1", "ca": "ca-central-1"}


def pod_spec(graph, cell: str):
    return only(graph, CRONJOB, f"{cell}-load-test-cronjob").props["spec"]["jobTemplate"]["spec"]["template"]["spec"]


@pytest.mark.parametrize("cell", CELLS)
def test_each_prod_cell_has_an_immutable_scanned_cmk_encrypted_repository(prod, cell):
    repository = only(prod, REPOSITORY, f"{cell}-load-test-images")
    assert repository.props["name"] == f"trustfabric-prod-{cell}-load-test"
    assert repository.props["imageTagMutability"] == "IMMUTABLE"
    assert repository.props["imageScanningConfiguration"] == {"scanOnPush": True}
    [encryption] = repository.props["encryptionConfigurations"]
    assert encryption["encryptionType"] == "KMS"
    assert encryption["kmsKey"].startswith(f"arn:aws:kms:{REGIONS[cell]}:{ACCOUNT_ID}:key/")
    assert provider_region(prod, repository) == REGIONS[cell]
    assert parent_type(prod, repository) == "trustfabric:delivery:LoadTest"


@pytest.mark.parametrize("cell", CELLS)
def test_the_cronjob_is_suspended_and_runs_the_content_hash_image_by_digest(prod, cell):
    cronjob = only(prod, CRONJOB, f"{cell}-load-test-cronjob")
    spec = cronjob.props["spec"]
    assert (spec["suspend"], spec["concurrencyPolicy"]) == (True, "Forbid")
    assert cronjob.props["metadata"]["name"] == "load-test"
    assert cronjob.props["metadata"]["namespace"] == "load-test"
    [container] = pod_spec(prod, cell)["containers"]
    digest = re.fullmatch(
        rf"{ACCOUNT_ID}\.dkr\.ecr\.{REGIONS[cell]}\.amazonaws\.com/trustfabric-prod-{cell}-load-test@(sha256:[0-9a-f]{{64}})",
        container["image"],
    )
    assert digest, container["image"]
    # The engine's mock derives the digest from repository and tag: the tag asked for is this commit's content hash.
    expected = hashlib.sha256(f"trustfabric-prod-{cell}-load-test:{content_tag()}".encode()).hexdigest()
    assert digest[1] == f"sha256:{expected}"
    assert container["args"] == [
        "--host",
        f"https://api.{cell}.trustfabric.internal",
        "--jurisdiction",
        cell.upper(),
        "--time-scale",
        "0.1",
        "--user-scale",
        "1.0",
        "--out",
        "-",
    ]


def test_the_cronjob_uses_the_cells_existing_kubernetes_provider(prod):
    cronjob = only(prod, CRONJOB, "uk-load-test-cronjob")
    assert cronjob.provider is not None
    assert cronjob.provider.endswith("$pulumi:providers:kubernetes::uk-kubernetes")
    telemetry = only(prod, "kubernetes:apps/v1:Deployment", "uk-telemetry-collector")
    assert cronjob.provider == telemetry.provider


def test_the_pod_is_hardened(prod):
    pod = pod_spec(prod, "uk")
    assert pod["automountServiceAccountToken"] is False
    assert pod["restartPolicy"] == "Never"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    [container] = pod["containers"]
    context = container["securityContext"]
    assert (context["readOnlyRootFilesystem"], context["runAsNonRoot"], context["allowPrivilegeEscalation"]) == (
        True,
        True,
        False,
    )
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "2048Mi"}
    assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    job = only(prod, CRONJOB, "uk-load-test-cronjob").props["spec"]["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"]) == (0, deadline_seconds(0.1))


def test_the_network_policy_allows_dns_and_https_egress_only(prod):
    policy = only(prod, NETWORK_POLICY, "uk-load-test-egress").props
    assert policy["metadata"]["namespace"] == "load-test"
    spec = policy["spec"]
    assert (spec["podSelector"], spec["policyTypes"], spec.get("ingress", [])) == ({}, ["Ingress", "Egress"], [])
    ports = sorted((port["protocol"], port["port"]) for rule in spec["egress"] for port in rule["ports"])
    assert ports == [("TCP", 53), ("TCP", 443), ("UDP", 53)]
    [dns] = [rule for rule in spec["egress"] if "to" in rule]
    assert dns["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}


def test_the_namespace_enforces_the_restricted_pod_security_standard(prod):
    namespace = only(prod, "kubernetes:core/v1:Namespace", "uk-load-test-namespace").props["metadata"]
    assert namespace["name"] == "load-test"
    assert namespace["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {namespace["labels"][key] for key in ("jurisdiction", "data-classification", "owner")} == {
        "UK",
        "restricted",
        "platform-reliability",
    }


def test_dr_and_dev_declare_no_load_test(dr, dev):
    for graph in (dr, dev):
        assert not [r for r in graph.of_type(CRONJOB) if "load-test" in r.name]
        assert not [r for r in graph.of_type(REPOSITORY) if "load-test" in r.name]


ARGS = LoadTestArgs(
    deployment="prod",
    cell="uk",
    jurisdiction="UK",
    data_classification="restricted",
    owner="platform-reliability",
    kms_key_arn="arn:aws:kms:eu-west-2:123456789012:key/x",
    image_tag="0" * 32,
    host="https://api.uk.example",
    profile="UK",
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jurisdiction": "FR"}, "LoadTest: jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        ({"profile": "FR"}, "LoadTest: profile: 'FR' is not allowed; allowed: UK, EU, US, CA"),
        ({"host": "http://api"}, "LoadTest: host: 'http://api' is not an https URL; allowed: https://host[/path]"),
        ({"image_tag": "latest"}, "LoadTest: image_tag: 'latest' is not a content hash; allowed: 32 hex digits"),
        ({"time_scale": 0.0}, "LoadTest: time_scale: 0.0 is out of range; allowed: above 0, at most 10"),
        ({"memory_limit_mib": 64}, "LoadTest: memory_limit_mib: 64 is out of range; allowed: 256..16384"),
    ],
)
def test_refusals(change, message):
    validate_args(ARGS)
    assert refusal(lambda: validate_args(replace(ARGS, **change))) == message
