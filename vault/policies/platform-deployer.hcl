# platform-deployer: the Vault policy of the token that runs `pulumi up` for prod, dr and dev
# (docs/adr/0003-vault-auth-model.md). A Vault administrator writes it in the ROOT namespace of each cluster
# (prod and dr share one, dev has its own), never the program:
#
#   vault policy write platform-deployer vault/policies/platform-deployer.hcl
#
# The program holds no grant on the root namespace's policies, and the deny at the end keeps it from widening
# its own. Every grant is a path the stacks' Vault resources write, by exact name: tests/vault/test_platform_deployer.py
# derives those paths from the previews of prod, dr and dev and fails on a missing grant or an unused one. sudo
# only where Vault requires it (audit devices, auth methods). A new Vault resource in a stack means a new grant
# here, written before its deploy (runbooks/pagerduty-routing-keys.md).

# pulumi-vault works with a child token of the deployer's (skipChildToken false) and looks it up.
path "auth/token/create" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

# The stack's audit device, file-<stack> (root namespace only; enabling and listing them needs sudo).
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/file-prod" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}
path "sys/audit/file-dr" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}
path "sys/audit/file-dev" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}

# Below: each cell namespace trustfabric/<cell> (`+` is one path segment: the cell).
#
# Secrets engines: KV v2, transit, AWS (mounting one needs no sudo).
path "trustfabric/+/sys/mounts/kv" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/mounts/kv/tune" {
  capabilities = ["read", "update"]
}
path "trustfabric/+/sys/mounts/transit" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/mounts/transit/tune" {
  capabilities = ["read", "update"]
}
path "trustfabric/+/sys/mounts/aws" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/mounts/aws/tune" {
  capabilities = ["read", "update"]
}

# Auth methods: Kubernetes (workloads) and OIDC (people); enabling and tuning one needs sudo.
path "trustfabric/+/sys/auth" {
  capabilities = ["read"]
}
path "trustfabric/+/sys/auth/kubernetes" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}
path "trustfabric/+/sys/auth/kubernetes/tune" {
  capabilities = ["read", "update", "sudo"]
}
path "trustfabric/+/auth/kubernetes/config" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/auth/oidc" {
  capabilities = ["create", "read", "update", "delete", "sudo"]
}
path "trustfabric/+/sys/auth/oidc/tune" {
  capabilities = ["read", "update", "sudo"]
}
path "trustfabric/+/auth/oidc/config" {
  capabilities = ["create", "read", "update"]
}

# Their roles, by name.
path "trustfabric/+/auth/kubernetes/role/assistant" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/auth/kubernetes/role/ingest" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/auth/kubernetes/role/ledger" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/auth/kubernetes/role/observability" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/auth/oidc/role/auditor" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/auth/oidc/role/incident-responder" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/auth/oidc/role/read-only" {
  capabilities = ["create", "read", "update", "delete"]
}

# The policies those roles carry, by name (platform-deployer is none of them, and lives in the root namespace).
path "trustfabric/+/sys/policies/acl/people-auditor" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/policies/acl/people-incident-responder" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/policies/acl/people-read-only" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/policies/acl/workload-assistant" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/policies/acl/workload-ingest" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/policies/acl/workload-ledger" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/sys/policies/acl/workload-observability" {
  capabilities = ["create", "read", "update", "delete"]
}

# The AWS secrets engine's federation (no access key) and lease limits, and the roles it vends.
path "trustfabric/+/aws/config/root" {
  capabilities = ["create", "read", "update"]
}
path "trustfabric/+/aws/config/lease" {
  capabilities = ["create", "read", "update"]
}
path "trustfabric/+/aws/roles/auditor" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/aws/roles/incident-responder" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/aws/roles/read-only" {
  capabilities = ["create", "read", "update", "delete"]
}

# Transit keys: created and configured, never deleted (deletion_allowed is false; ADR 0003).
path "trustfabric/+/transit/keys/assistant" {
  capabilities = ["create", "read", "update"]
}
path "trustfabric/+/transit/keys/assistant/config" {
  capabilities = ["update"]
}
path "trustfabric/+/transit/keys/ingest" {
  capabilities = ["create", "read", "update"]
}
path "trustfabric/+/transit/keys/ingest/config" {
  capabilities = ["update"]
}
path "trustfabric/+/transit/keys/ledger" {
  capabilities = ["create", "read", "update"]
}
path "trustfabric/+/transit/keys/ledger/config" {
  capabilities = ["update"]
}
path "trustfabric/+/transit/keys/observability" {
  capabilities = ["create", "read", "update"]
}
path "trustfabric/+/transit/keys/observability/config" {
  capabilities = ["update"]
}

# The on-call layer's KV entries (stacks/oncall.py), and the ticket bridge token drawn from Vault's own entropy
# (write only: nothing to read back or delete).
path "trustfabric/+/kv/data/observability/pagerduty-routing-keys" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/kv/metadata/observability/pagerduty-routing-keys" {
  capabilities = ["read", "update", "delete"]
}
path "trustfabric/+/kv/data/observability/ticket-bridge-token" {
  capabilities = ["create", "read", "update", "delete"]
}
path "trustfabric/+/kv/metadata/observability/ticket-bridge-token" {
  capabilities = ["read", "update", "delete"]
}
path "trustfabric/+/sys/tools/random/32" {
  capabilities = ["update"]
}

# The program never widens its own policy.
path "sys/policies/acl/platform-deployer" {
  capabilities = ["deny"]
}
