"""Routing keys reach the cluster: what the on-call layer writes into each cell's Vault is what the operator syncs
into the Secret Alertmanager mounts, under a Vault role bound to the syncing service account only."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import pytest

from components.observability.vault_secret_sync import VaultSecretSyncArgs, validate_args
from slogen.alertmanager import RECEIVER_TICKET, alertmanager_config
from slogen.datadog import DATADOG_NOTIFY
from tests.components.helpers import CELLS, dependency_names, only, refusal
from trustfabric.graph import SECRET_SIG, SIG_KEY

KV_SECRET = "vault:kv/secretV2:SecretV2"
STATIC = "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret"
AUTH = "kubernetes:secrets.hashicorp.com/v1beta1:VaultAuth"
CONNECTION = "kubernetes:secrets.hashicorp.com/v1beta1:VaultConnection"
ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole"
POLICY = "vault:index/policy:Policy"
RELEASE = "kubernetes:helm.sh/v3:Release"
ENDPOINT = "vault:generic/endpoint:Endpoint"


def is_secret(wire_value) -> bool:
    return isinstance(wire_value, dict) and wire_value.get(SIG_KEY) == SECRET_SIG


def values_of(release) -> dict:
    values = release.props["values"]
    return json.loads(values) if isinstance(values, str) else values


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_each_cell_syncs_the_keys_the_oncall_layer_writes_into_the_secret_alertmanager_mounts(request, stack):
    graph = request.getfixturevalue(stack)
    for cell in CELLS if stack != "dev" else ("uk",):
        written = only(graph, KV_SECRET, f"{cell}-paging-routing-keys")
        mount = dependency_names(graph, written, "mount")
        assert mount == [f"{cell}-vault-kv"]
        kv_path = only(graph, "vault:index/mount:Mount", mount[0]).props["path"]
        synced = only(graph, STATIC, f"{cell}-pagerduty-routing-keys-secret").props
        spec = synced["spec"]
        assert (spec["mount"], spec["type"], spec["path"]) == (kv_path, "kv-v2", written.props["name"])
        assert spec["namespace"] == f"trustfabric/{cell}"
        assert spec["destination"]["create"] is True and spec["destination"]["overwrite"] is False
        secret_name = spec["destination"]["name"]
        namespace = synced["metadata"]["namespace"]

        # Alertmanager lists that Secret; the operator mounts it at /etc/alertmanager/secrets/<name>/<key>, and
        # the generated config reads its routing keys exactly there.
        chart = values_of(only(graph, RELEASE, f"{cell}-telemetry-kube-prometheus-stack"))
        assert secret_name in chart["alertmanager"]["alertmanagerSpec"]["secrets"]
        assert only(graph, RELEASE, f"{cell}-telemetry-kube-prometheus-stack").props["namespace"] == namespace
        for receiver in alertmanager_config()["receivers"]:
            for config in receiver.get("pagerduty_configs", []):
                path = PurePosixPath(config["routing_key_file"])
                assert path.parent == PurePosixPath("/etc/alertmanager/secrets") / secret_name

        # The operator logs in as the service account the Vault role is bound to, for the role's audience.
        auth = only(graph, AUTH, f"{cell}-pagerduty-routing-keys-auth").props
        assert spec["vaultAuthRef"] == auth["metadata"]["name"]
        assert auth["metadata"]["namespace"] == namespace
        assert auth["spec"]["method"] == "kubernetes" and auth["spec"]["namespace"] == f"trustfabric/{cell}"
        login = auth["spec"]["kubernetes"]
        role = only(graph, ROLE, f"{cell}-vault-kubernetes-{login['role']}").props
        assert role["roleName"] == login["role"]
        assert role["boundServiceAccountNames"] == [login["serviceAccount"]]
        assert role["boundServiceAccountNamespaces"] == [namespace]
        assert login["audiences"] == [role["audience"]]
        account = only(graph, "kubernetes:core/v1:ServiceAccount", f"{cell}-pagerduty-routing-keys-service-account")
        assert account.props["metadata"]["name"] == login["serviceAccount"]
        assert account.props["metadata"]["namespace"] == namespace
        assert account.props["automountServiceAccountToken"] is False
        # ... whose policy reads that path and nothing outside its prefix.
        policy = only(graph, POLICY, f"{cell}-vault-policy-{login['role']}").props["policy"]
        prefix = f"{kv_path}/data/{login['role']}/*"
        assert f'path "{prefix}"' in policy and written.props["name"].startswith(f"{login['role']}/")
        assert 'capabilities = ["read"]' in policy and "update" not in policy.split(prefix)[1].split("}")[0]

        connection = only(graph, CONNECTION, f"{cell}-pagerduty-routing-keys-connection").props
        assert auth["spec"]["vaultConnectionRef"] == connection["metadata"]["name"]
        assert connection["spec"]["address"].startswith("https://") and connection["spec"]["skipTLSVerify"] is False


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_each_cell_gives_the_ticket_receiver_a_vault_drawn_token_synced_into_a_secret_alertmanager_mounts(
    request, stack
):
    graph = request.getfixturevalue(stack)
    [ticket] = [r for r in alertmanager_config()["receivers"] if r["name"] == RECEIVER_TICKET]
    credentials_file = PurePosixPath(ticket["webhook_configs"][0]["http_config"]["authorization"]["credentials_file"])
    for cell in CELLS if stack != "dev" else ("uk",):
        # Drawn by the cell's Vault, never typed: the response is kept as a secret output only.
        drawn = only(graph, ENDPOINT, f"{cell}-paging-ticket-bridge-token-random")
        assert drawn.props["path"] == "sys/tools/random/32" and drawn.props["writeFields"] == ["random_bytes"]
        assert {"writeData", "writeDataJson"} <= set(drawn.options["additional_secret_outputs"])
        assert drawn.props["disableRead"] is True and drawn.props["disableDelete"] is True
        written = only(graph, KV_SECRET, f"{cell}-paging-ticket-bridge-token")
        assert dependency_names(graph, written, "dataJson") == [drawn.name]
        assert is_secret(written.inputs["dataJson"])
        assert dependency_names(graph, written, "mount") == [f"{cell}-vault-kv"]

        # The operator syncs it with the routing keys' login into its own Secret ...
        synced = only(graph, STATIC, f"{cell}-pagerduty-routing-keys-secret-ticket-bridge-token").props
        keys = only(graph, STATIC, f"{cell}-pagerduty-routing-keys-secret").props
        assert synced["spec"]["path"] == written.props["name"]
        assert synced["spec"]["vaultAuthRef"] == keys["spec"]["vaultAuthRef"]
        assert synced["spec"]["mount"] == keys["spec"]["mount"] and synced["spec"]["type"] == "kv-v2"
        assert synced["metadata"]["namespace"] == keys["metadata"]["namespace"]
        secret_name = synced["spec"]["destination"]["name"]
        # ... under the prefix the login's Vault policy may read ...
        role = only(graph, AUTH, f"{cell}-pagerduty-routing-keys-auth").props["spec"]["kubernetes"]["role"]
        assert written.props["name"].startswith(f"{role}/")
        # ... that Alertmanager lists, and the ticket receiver reads its bearer token from that mount.
        chart = values_of(only(graph, RELEASE, f"{cell}-telemetry-kube-prometheus-stack"))
        assert secret_name in chart["alertmanager"]["alertmanagerSpec"]["secrets"]
        assert credentials_file.parent == PurePosixPath("/etc/alertmanager/secrets") / secret_name
        assert credentials_file.name == "token"


def test_the_operator_is_installed_from_a_pinned_chart_without_a_default_connection(prod):
    release = only(prod, RELEASE, "uk-pagerduty-routing-keys-operator")
    assert release.props["chart"] == "vault-secrets-operator"
    assert release.props["version"].count(".") == 2 and release.props["atomic"] is True
    assert values_of(release)["defaultVaultConnection"] == {"enabled": False}
    namespace = only(prod, "kubernetes:core/v1:Namespace", "uk-pagerduty-routing-keys-operator-namespace")
    assert namespace.props["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def sync_args(**changes):
    values = {
        "jurisdiction": "UK",
        "data_classification": "restricted",
        "owner": "platform",
        "vault_address": "https://vault.example:8200",
        "vault_namespace": "trustfabric/uk",
        "role": "observability",
        "service_account": "sync",
        "namespace": "observability",
        "path": "observability/pagerduty-routing-keys",
        "secret_name": "pagerduty-routing-keys",
        **changes,
    }
    return VaultSecretSyncArgs(**values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"path": "ledger/db"},
            "VaultSecretSync: path: 'ledger/db' is outside the role's KV prefix; allowed: observability/<name>",
        ),
        (
            {"vault_address": "http://vault:8200"},
            "VaultSecretSync: vault_address: 'http://vault:8200'; allowed: an https:// URL",
        ),
        (
            {"service_account": "Sync_SA"},
            "VaultSecretSync: service_account: 'Sync_SA' is not a Kubernetes name; allowed: [a-z0-9-]",
        ),
        ({"refresh_seconds": 5}, "VaultSecretSync: refresh_seconds"),
        (
            {"additional_secrets": {"ledger/token": "token"}},
            "VaultSecretSync: additional_secrets['ledger/token']: 'ledger/token' is outside the role's KV prefix; "
            "allowed: observability/<name>",
        ),
        (
            {"additional_secrets": {"observability/token": "pagerduty-routing-keys"}},
            "VaultSecretSync: additional_secrets: a Secret name is used twice; each path writes its own Secret",
        ),
        (
            {"additional_secrets": {"observability/token": "Token"}},
            "VaultSecretSync: additional_secrets: 'Token' is not a Kubernetes name; allowed: [a-z0-9-]",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name(changes, message):
    assert refusal(lambda: validate_args(sync_args(**changes))).startswith(message)
    validate_args(sync_args())


def test_datadogs_pagerduty_handles_are_declared_from_prods_integrations(prod, dr, dev):
    """The monitors' `@pagerduty-<service>` handles (slogen.datadog) exist as service objects keyed from the declared
    integrations: sev1 the platform service's Events API key, sev2 the business-hours service's."""
    objects = {o.name: o for o in prod.of_type("datadog:pagerduty/serviceObject:ServiceObject")}
    assert {o.props["serviceName"] for o in objects.values()} == {"trustfabric-sev1", "trustfabric-business-hours"}
    assert {f"@pagerduty-{o.props['serviceName']}" for o in objects.values()} <= set(DATADOG_NOTIFY.values())
    sev1 = objects["datadog-pagerduty-sev1"]
    assert sev1.props["serviceName"] == DATADOG_NOTIFY["sev1"].removeprefix("@pagerduty-")
    assert dependency_names(prod, sev1, "serviceKey") == ["oncall-platform-events"]
    hours = objects["datadog-pagerduty-business-hours"]
    assert hours.props["serviceName"] == DATADOG_NOTIFY["sev2"].removeprefix("@pagerduty-")
    assert dependency_names(prod, hours, "serviceKey") == ["oncall-business-hours-events"]
    assert not isinstance(sev1.props["serviceKey"], str)  # never a literal key
    # One Datadog account: dr and dev declare none of prod's names, only their health probes' own handle.
    for graph in (dr, dev):
        names = {o.props["serviceName"] for o in graph.of_type("datadog:pagerduty/serviceObject:ServiceObject")}
        assert names == {f"trustfabric-{graph.stack}-sev1"}
