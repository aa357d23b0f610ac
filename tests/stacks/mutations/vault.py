"""Mutations for the Vault hardening policies: the audit device, auth mounts and roles, ACL policies, KV and transit
as the cells' `CellVault` declares them. They share one run of dev (group `dev-vault`): the security domain's run
deletes the audit device this one edits.

The AppRole policies have no mutation: the cells declare no AppRole (workloads log in with Kubernetes service
accounts, people through SSO), so they reach no resource of our stacks."""

from __future__ import annotations

from tests.stacks.mutations.edits import DELETE, set_at, update_text
from tests.stacks.mutations.model import Mutation

GROUP = "dev-vault"
K8S_ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole"
OIDC_ROLE = "vault:jwt/authBackendRole:AuthBackendRole"
TRANSIT_KEY = "vault:transit/secretBackendKey:SecretBackendKey"
WRITE_ON_POLICIES = '\npath "sys/policies/acl/*" {\n  capabilities = ["create", "update"]\n}\n'

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="vault-audit-device-hashes-sensitive-data",
        stack="dev",
        type="vault:index/audit:Audit",
        name="uk-vault-audit",
        change="log requests and responses raw",
        expect="logs requests and responses unhashed (log_raw='true')",
        edit=set_at(["options", "log_raw"], "true"),
        group=GROUP,
    ),
    Mutation(
        policy="vault-kubernetes-auth-role-no-wildcard-service-account",
        stack="dev",
        type=K8S_ROLE,
        name="uk-vault-kubernetes-ledger",
        change="admit every service account of the ledger namespace to the ledger's role",
        expect="admits any service account matching '*'",
        edit=set_at(["bound_service_account_names"], ["*"]),
        group=GROUP,
    ),
    Mutation(
        policy="vault-kubernetes-auth-role-no-wildcard-namespace",
        stack="dev",
        type=K8S_ROLE,
        name="uk-vault-kubernetes-ingest",
        change="admit the ingest service account of any namespace",
        expect="admits service accounts of any namespace matching '*'",
        edit=set_at(["bound_service_account_namespaces"], ["*"]),
        group=GROUP,
    ),
    Mutation(
        policy="vault-kubernetes-auth-role-audience-bound",
        stack="dev",
        type=K8S_ROLE,
        name="uk-vault-kubernetes-assistant",
        change="drop the assistant role's audience",
        expect="accepts service account tokens of any audience",
        edit=set_at(["audience"], DELETE),
        group=GROUP,
    ),
    Mutation(
        policy="vault-jwt-auth-role-audience-bound",
        stack="dev",
        type=OIDC_ROLE,
        name="uk-vault-oidc-read-only",
        change="bind the read-only SSO role to the wildcard audience",
        expect="binds the wildcard audience '*'",
        edit=set_at(["bound_audiences"], ["*"]),
        group=GROUP,
    ),
    Mutation(
        policy="vault-auth-role-token-ttl-bounded",
        stack="dev",
        type=OIDC_ROLE,
        name="uk-vault-oidc-auditor",
        change="issue auditors day-long tokens",
        expect="issues tokens for 24 h",
        edit=set_at(["token_ttl"], 86400),
        group=GROUP,
    ),
    Mutation(
        policy="vault-auth-role-token-max-ttl-bounded",
        stack="dev",
        type=OIDC_ROLE,
        name="uk-vault-oidc-incident-responder",
        change="drop the incident responders' token maximum",
        expect="sets no token_max_ttl",
        edit=set_at(["token_max_ttl"], DELETE),
        group=GROUP,
    ),
    Mutation(
        policy="vault-auth-backend-max-lease-ttl-bounded",
        stack="dev",
        type="vault:index/authBackend:AuthBackend",
        name="uk-vault-kubernetes",
        change="drop the Kubernetes auth mount's tuned lease TTLs",
        expect="tunes no max_lease_ttl",
        edit=set_at(["tune"], DELETE),
        group=GROUP,
    ),
    Mutation(
        policy="vault-policy-no-write-on-system-paths",
        stack="dev",
        type="vault:index/policy:Policy",
        name="uk-vault-policy-ingest",
        change="let the ingest workload write ACL policies",
        expect="grants create, update on 'sys/policies/acl/*'",
        edit=update_text("policy", lambda text: text + WRITE_ON_POLICIES),
        group=GROUP,
    ),
    Mutation(
        policy="vault-kv-mount-versioned",
        stack="dev",
        type="vault:index/mount:Mount",
        name="uk-vault-kv",
        change="mount the cell's KV as version 1",
        expect="is KV version 1",
        edit=set_at(["options"], {"version": "1"}),
        group=GROUP,
    ),
    Mutation(
        policy="vault-transit-key-not-exportable",
        stack="dev",
        type=TRANSIT_KEY,
        name="uk-vault-transit-ledger",
        change="make the ledger's transit key exportable",
        expect="is exportable",
        edit=set_at(["exportable"], True),
        group=GROUP,
    ),
    Mutation(
        policy="vault-transit-key-no-plaintext-backup",
        stack="dev",
        type=TRANSIT_KEY,
        name="uk-vault-transit-ingest",
        change="allow plaintext backups of the ingest transit key",
        expect="allows plaintext backups of its key material",
        edit=set_at(["allow_plaintext_backup"], True),
        group=GROUP,
    ),
)
