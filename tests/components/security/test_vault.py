"""Vault: per-cell provider without a token, KV v2, rotating transit keys, short AWS credentials, auth, audit."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from components.security.vault import CellVaultArgs, VaultWorkload, lease_tune, validate_args, validate_policy_hcl
from tests.components.helpers import only, refusal, role_arn

PROVIDER = "pulumi:providers:vault"


def test_one_vault_provider_per_cell_in_its_namespace_without_a_token(prod):
    providers = {p.name: p.props for p in prod if p.type == PROVIDER}
    assert set(providers) == {"uk-vault", "eu-vault", "us-vault", "ca-vault", "uk-vault-root"}
    for cell in ("uk", "eu", "us", "ca"):
        props = providers[f"{cell}-vault"]
        assert props["namespace"] == f"trustfabric/{cell}"
        assert props["address"] == "https://vault.trustfabric.internal:8200"
        assert props["skipChildToken"] in (False, "false")
        assert props["skipTlsVerify"] in (False, "false")
    assert all("token" not in props for props in providers.values())
    assert "namespace" not in providers["uk-vault-root"]


def test_vault_resources_use_their_cells_provider_and_parent(prod):
    mount = only(prod, "vault:index/mount:Mount", "eu-vault-kv")
    assert mount.provider.endswith("pulumi:providers:vault::eu-vault")
    assert mount.parent.endswith("trustfabric:security:CellVault::eu-vault")
    assert mount.props["options"] == {"version": "2"}
    assert mount.props["type"] == "kv"


def test_transit_keys_rotate_automatically_and_cannot_be_exported_or_deleted(prod):
    keys = prod.of_type("vault:transit/secretBackendKey:SecretBackendKey")
    assert len(keys) == 16  # four cells, one key per Vault role: read-only, auditor, incident-responder, observability
    for key in keys:
        assert key.props["autoRotatePeriod"] == 30 * 24 * 3600
        assert key.props["deletionAllowed"] is False
        assert key.props["exportable"] is False


def test_aws_engine_vends_assumed_roles_for_at_most_an_hour_without_access_keys(prod):
    engine = only(prod, "vault:aws/secretBackend:SecretBackend", "uk-vault-aws")
    assert "accessKey" not in engine.props and "secretKey" not in engine.props
    assert engine.props["roleArn"] == role_arn("prod", "uk", "vault-broker")
    assert engine.props["identityTokenAudience"] == "sts.amazonaws.com"
    assert engine.props["maxLeaseTtlSeconds"] <= 3600
    roles = [r for r in prod.of_type("vault:aws/secretBackendRole:SecretBackendRole") if r.name.startswith("uk-")]
    assert {r.props["name"] for r in roles} == {"read-only", "auditor", "incident-responder"}
    for role in roles:
        assert role.props["credentialType"] == "assumed_role"
        assert role.props["maxStsTtl"] <= 3600
        assert role.props["roleArns"] == [role_arn("prod", "uk", role.props["name"])]


def test_kubernetes_roles_bind_named_service_accounts_to_own_policies(prod):
    role = only(prod, "vault:kubernetes/authBackendRole:AuthBackendRole", "us-vault-kubernetes-ledger")
    assert role.props["boundServiceAccountNames"] == ["ledger-api"]
    assert role.props["boundServiceAccountNamespaces"] == ["ledger"]
    assert role.props["tokenPolicies"] == ["workload-ledger"]
    for r in prod.of_type("vault:kubernetes/authBackendRole:AuthBackendRole"):
        assert "*" not in r.props["boundServiceAccountNames"] + r.props["boundServiceAccountNamespaces"]


def test_people_sign_in_through_sso_by_group(prod):
    backend = only(prod, "vault:jwt/authBackend:AuthBackend", "ca-vault-oidc")
    assert backend.props["type"] == "oidc"
    assert backend.props["oidcDiscoveryUrl"] == "https://sso.trustfabric.internal"
    role = only(prod, "vault:jwt/authBackendRole:AuthBackendRole", "ca-vault-oidc-incident-responder")
    assert role.props["boundClaims"] == {"groups": "trustfabric-incident-responders"}
    assert role.props["tokenPolicies"] == ["people-incident-responder"]


def test_auth_mounts_cap_every_token_they_issue(prod):
    for name in ("uk-vault-kubernetes", "eu-vault-oidc"):
        [backend] = [r for r in prod if r.name == name and r.type.endswith(":AuthBackend")]
        assert backend.props["tune"] == {"defaultLeaseTtl": "3600s", "maxLeaseTtl": "3600s"}
    for role in prod.of_type("vault:kubernetes/authBackendRole:AuthBackendRole"):
        assert (role.props["tokenTtl"], role.props["tokenMaxTtl"]) == (3600, 3600)


def test_auth_mount_tune_follows_the_token_lifetime():
    args = CellVaultArgs(
        cell="uk",
        region="eu-west-2",
        vault_address="https://vault.example:8200",
        broker_role_arn="arn:aws:iam::123456789012:role/b",
        aws_roles={"read-only": "arn:aws:iam::123456789012:role/r"},
        human_groups={},
        token_ttl_seconds=28800,
    )
    assert lease_tune(args) == {"default_lease_ttl": "3600s", "max_lease_ttl": "28800s"}
    assert lease_tune(replace(args, token_ttl_seconds=600)) == {"default_lease_ttl": "600s", "max_lease_ttl": "600s"}


def test_no_policy_grants_sudo_or_a_path_outside_its_prefix(prod, dr, dev):
    for graph in (prod, dr, dev):
        for policy in graph.of_type("vault:index/policy:Policy"):
            text = policy.props["policy"]
            assert "sudo" not in text
            owner = policy.props["name"].split("-", 1)[1]
            for path in re.findall(r'path "([^"]+)"', text):
                assert owner in path and not path.startswith("*"), (policy.name, path)


def test_one_audit_device_per_stack_through_the_root_namespace(prod, dr, dev):
    for graph, stack in ((prod, "prod"), (dr, "dr"), (dev, "dev")):
        audits = graph.of_type("vault:index/audit:Audit")
        assert len(audits) == 1
        assert audits[0].props["type"] == "file"
        assert audits[0].props["path"] == f"file-{stack}"
        assert audits[0].provider.endswith("pulumi:providers:vault::uk-vault-root")


def test_policy_checker_refuses_sudo_and_foreign_paths():
    with pytest.raises(ValueError, match=r"^CellVault: policy 'x': grants sudo; allowed: create, read, update, list$"):
        validate_policy_hcl("x", 'path "kv/data/x/*" { capabilities = ["sudo"] }', ("kv/data/x/",))
    with pytest.raises(ValueError) as error:
        validate_policy_hcl("x", 'path "kv/data/*" { capabilities = ["read"] }', ("kv/data/x/",))
    assert (
        str(error.value) == "CellVault: policy 'x': path 'kv/data/*' is outside its own prefixes; allowed: kv/data/x/"
    )


def _args(**changes):
    arguments = {
        "cell": "uk",
        "region": "eu-west-2",
        "vault_address": "https://vault.example:8200",
        "broker_role_arn": "arn:aws:iam::123456789012:role/broker",
        "aws_roles": {"read-only": "arn:aws:iam::123456789012:role/ro"},
        "human_groups": {"read-only": "engineers"},
        **changes,
    }
    return CellVaultArgs(**arguments)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"credential_max_ttl_seconds": 7200},
            "CellVault: credential_max_ttl_seconds: 7200 is out of range; allowed: 900..3600",
        ),
        (
            {"vault_address": "http://vault:8200"},
            "CellVault: vault_address: 'http://vault:8200' is not allowed; allowed: an https URL",
        ),
        (
            {"workloads": (VaultWorkload("ledger", "ledger", "*"),)},
            "CellVault: workloads: service_account '*' is not allowed; allowed: lowercase letters, digits and hyphens (no wildcards)",
        ),
        (
            {"declare_audit_device": True},
            "CellVault: audit_provider: required when declare_audit_device is true; allowed: a root-namespace vault.Provider",
        ),
        ({"human_groups": {"admin": "x"}}, "CellVault: human_groups: 'admin' has no AWS role; allowed: read-only"),
    ],
)
def test_bad_arguments_are_refused_with_an_exact_message(changes, message):
    assert refusal(lambda: validate_args(_args(**changes))) == message
