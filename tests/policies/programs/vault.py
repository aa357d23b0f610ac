"""The programs the Vault hardening policies share: one compliant Vault configuration (what a production cell
declares, plus the auth methods and options our own cells do not use), and one breaking every policy of the
family in every way, each way on its own resource."""

COMPLIANT = '''
import pulumi_vault as vault

vault.Audit("file", type="file", options={"file_path": "/vault/audit/audit.log"})
vault.Audit("socket", type="socket", options={"address": "127.0.0.1:9090", "log_raw": "false",
    "hmac_accessor": "true"})
vault.Audit("spelled", type="file", options={"file_path": "stdout", "log_raw": "0", "hmac_accessor": "T"})

vault.Mount("kv", path="kv", type="kv", options={"version": "2"})
vault.Mount("kv-v2", path="secrets", type="kv-v2")
vault.Mount("transit", path="transit", type="transit")
vault.Mount("pki", path="pki", type="pki")
vault.transit.SecretBackendKey("ledger", backend="transit", name="ledger", type="aes256-gcm96",
    auto_rotate_period=2592000, exportable=False, allow_plaintext_backup=False)
vault.transit.SecretBackendKey("defaults", backend="transit", name="defaults")

kubernetes = vault.AuthBackend("kubernetes", type="kubernetes", path="kubernetes",
    tune={"default_lease_ttl": "1h", "max_lease_ttl": "8h"})
oidc = vault.jwt.AuthBackend("oidc", type="oidc", path="oidc", oidc_discovery_url="https://sso.example",
    bound_issuer="https://sso.example", oidc_client_id="vault", tune={"max_lease_ttl": "28800"})
approle = vault.AuthBackend("approle", type="approle", path="approle", tune={"max_lease_ttl": "2h30m"})

vault.kubernetes.AuthBackendRole("ledger", backend="kubernetes", role_name="ledger",
    bound_service_account_names=["ledger-api"], bound_service_account_namespaces=["ledger"], audience="vault",
    token_ttl=3600, token_max_ttl=28800, token_policies=["workload-ledger"], token_no_default_policy=True)
vault.kubernetes.AuthBackendRole("by-label", backend="kubernetes", role_name="reports",
    bound_service_account_names=["reports"],
    bound_service_account_namespace_selector='{"matchLabels": {"team": "reports"}}', audience="vault",
    token_period=1800, token_explicit_max_ttl=14400)
vault.jwt.AuthBackendRole("people", backend="oidc", role_name="people", role_type="oidc", user_claim="email",
    bound_claims={"groups": "engineers"}, allowed_redirect_uris=["https://vault.example/ui/vault/auth/oidc/oidc/callback"],
    token_ttl=3600, token_max_ttl=3600)
vault.jwt.AuthBackendRole("ci", backend="jwt", role_name="ci", role_type="jwt", user_claim="sub",
    bound_audiences=["https://vault.example"], bound_claims={"repository": "trust-fabric/trust-fabric"},
    token_ttl=900, token_explicit_max_ttl=1800)
vault.approle.AuthBackendRole("batch", backend="approle", role_name="batch", token_policies=["batch"],
    secret_id_ttl=600, secret_id_num_uses=1, secret_id_bound_cidrs=["10.20.0.0/16"],
    token_bound_cidrs=["10.20.0.0/16"], token_ttl=900, token_max_ttl=3600)

vault.Policy("workload", policy="""
path "kv/data/ledger/*" { capabilities = ["read"] }
path "transit/encrypt/ledger" { capabilities = ["update"] }
path "sys/mounts" { capabilities = ["read", "list"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "secret/*" { capabilities = ["create", "update"] }
# path "sys/*" { capabilities = ["sudo"] }   (commented out)
""")
'''

BROKEN = '''
import pulumi_vault as vault

vault.Audit("raw", type="file", options={"file_path": "stdout", "log_raw": "true"})
vault.Audit("raw-accessor", type="file", options={"file_path": "stdout", "hmac_accessor": "false"})
vault.Audit("odd-raw", type="file", options={"file_path": "stdout", "log_raw": "yes"})

vault.Mount("kv-v1", path="kv1", type="kv", options={"version": "1"})
vault.Mount("kv-default", path="kv0", type="kv")
vault.Mount("generic", path="old", type="generic")
vault.transit.SecretBackendKey("exportable", backend="transit", name="exportable", exportable=True)
vault.transit.SecretBackendKey("backup", backend="transit", name="backup", allow_plaintext_backup=True)

vault.AuthBackend("untuned", type="kubernetes", path="k8s")
vault.jwt.AuthBackend("month", type="jwt", path="jwt", tune={"max_lease_ttl": "768h"})
vault.AuthBackend("garbled", type="approle", path="ar", tune={"max_lease_ttl": "forever"})

vault.kubernetes.AuthBackendRole("any-sa", backend="k8s", role_name="any-sa", bound_service_account_names=["*"],
    bound_service_account_namespaces=["apps"], audience="vault", token_ttl=3600, token_max_ttl=3600)
vault.kubernetes.AuthBackendRole("glob-sa", backend="k8s", role_name="glob-sa",
    bound_service_account_names=["api-*"], bound_service_account_namespaces=["apps"], audience="vault",
    token_ttl=3600, token_max_ttl=3600)
vault.kubernetes.AuthBackendRole("any-ns", backend="k8s", role_name="any-ns", bound_service_account_names=["api"],
    bound_service_account_namespaces=["*"], audience="vault", token_ttl=3600, token_max_ttl=3600)
vault.kubernetes.AuthBackendRole("all-labels", backend="k8s", role_name="all-labels",
    bound_service_account_names=["api"], bound_service_account_namespace_selector="{}", audience="vault",
    token_ttl=3600, token_max_ttl=3600)
vault.kubernetes.AuthBackendRole("any-audience", backend="k8s", role_name="any-audience",
    bound_service_account_names=["api"], bound_service_account_namespaces=["apps"], token_ttl=3600,
    token_max_ttl=3600)
vault.kubernetes.AuthBackendRole("long-lived", backend="k8s", role_name="long-lived",
    bound_service_account_names=["api"], bound_service_account_namespaces=["apps"], audience="vault",
    token_ttl=86400, token_max_ttl=604800)
vault.kubernetes.AuthBackendRole("unbounded", backend="k8s", role_name="unbounded",
    bound_service_account_names=["api"], bound_service_account_namespaces=["apps"], audience="vault")
vault.kubernetes.AuthBackendRole("periodic", backend="k8s", role_name="periodic",
    bound_service_account_names=["api"], bound_service_account_namespaces=["apps"], audience="vault",
    token_period=86400, token_max_ttl=3600)
vault.jwt.AuthBackendRole("ci", backend="jwt", role_name="ci", role_type="jwt", user_claim="sub",
    bound_claims={"repository": "trust-fabric/trust-fabric"}, token_ttl=900, token_max_ttl=1800)
vault.jwt.AuthBackendRole("people", backend="oidc", role_name="people", user_claim="email",
    bound_audiences=["vault", "*"], allowed_redirect_uris=["https://vault.example/callback"], token_ttl=900,
    token_max_ttl=1800)
vault.approle.AuthBackendRole("open", backend="approle", role_name="open", bind_secret_id=False,
    secret_id_bound_cidrs=["10.0.0.0/8"], token_ttl=900, token_max_ttl=1800)
vault.approle.AuthBackendRole("forever", backend="approle", role_name="forever", secret_id_num_uses=1,
    secret_id_bound_cidrs=["10.0.0.0/8"], token_ttl=900, token_max_ttl=1800)
vault.approle.AuthBackendRole("week", backend="approle", role_name="week", secret_id_ttl=604800,
    secret_id_num_uses=500, secret_id_bound_cidrs=["10.0.0.0/8"], token_ttl=900, token_max_ttl=1800)
vault.approle.AuthBackendRole("reusable", backend="approle", role_name="reusable", secret_id_ttl=600,
    secret_id_bound_cidrs=["10.0.0.0/8"], token_ttl=900, token_max_ttl=1800)
vault.approle.AuthBackendRole("anywhere", backend="approle", role_name="anywhere", secret_id_ttl=600,
    secret_id_num_uses=1, token_bound_cidrs=["0.0.0.0/0"], token_ttl=900, token_max_ttl=1800)
vault.approle.AuthBackendRole("everyone", backend="approle", role_name="everyone", secret_id_ttl=600,
    secret_id_num_uses=1, secret_id_bound_cidrs=["::/0", "10.0.0.300/8"], token_ttl=900, token_max_ttl=1800)

vault.Policy("operator", policy="""
path "sys/mounts/*" { capabilities = ["create", "update", "delete"] }
path "auth/kubernetes/role/+" { capabilities = ["update"] }
path "sys/policies/acl/ledger" {
  capabilities = ["read", "patch"]
}
path "+/config" { capabilities = ["sudo"] }
path "auth/token/create" { capabilities = ["update"] }
path "s*" { capabilities = ["create"] }
""")
'''
