"""Vault of a cell: KV v2, transit with auto-rotating keys, AWS dynamic credentials, Kubernetes and SSO auth.

The component never builds the Vault provider: the stack passes one per cell, pointed at the cell's namespace
(`trustfabric/<cell>`), with no token in code or config (VAULT_TOKEN at deploy time; see
docs/adr/0003-vault-auth-model.md). Audit devices are cluster-wide and live in the root namespace, so the
stack passes a root-namespace provider as `audit_provider` to one cell only.

Who gets what:

- workloads authenticate with their Kubernetes service account (bound by name and namespace) and get a policy
  limited to their own KV prefix `kv/data/<workload>/*` and their own transit key;
- people authenticate through SSO (OIDC); their group selects a role whose policy lets them read short-lived
  AWS credentials (`assumed_role`, at most one hour) for one IAM role;
- no policy grants `sudo` or a path outside its own prefix (`validate_policy_hcl` checks every document);
- every token lives at most an hour before renewal and `token_ttl_seconds` in all, capped three times over: by
  each role, and by both auth mounts' tuned lease TTLs (which also bound roles added outside this component);
- the audit device hashes what it logs (`log_raw` off, `hmac_accessor` on), KV is version 2, and transit keys
  are neither exportable nor backed up in plain text (the Vault policies of the pack check each).

Usage::

    cell_vault = CellVault(
        "uk-vault",
        CellVaultArgs(
            cell="uk", region="eu-west-2", vault_address="https://vault.example:8200",
            broker_role_arn=iam.role_arns["vault-broker"],
            aws_roles={"read-only": iam.role_arns["read-only"]},
            workloads=(VaultWorkload("ledger", "ledger", "ledger-api"),),
        ),
        opts=pulumi.ResourceOptions(provider=uk_vault_provider),
    )
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_vault as vault

from components.validation import require_non_empty, require_range

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
HUMAN_GROUPS_DEFAULT: Mapping[str, str] = {
    "read-only": "trustfabric-engineers",
    "auditor": "trustfabric-auditors",
    "incident-responder": "trustfabric-incident-responders",
}
"""Vault AWS role -> SSO group whose members may read it."""


@dataclass(frozen=True)
class VaultWorkload:
    """A Kubernetes workload that reads its own secrets and uses its own transit key."""

    name: str
    """Workload name: its KV prefix, transit key and Vault role."""
    namespace: str
    """Kubernetes namespace of its service account."""
    service_account: str
    """The service account bound to the role (by name, never `*`)."""


@dataclass(frozen=True)
class CellVaultArgs:
    """Arguments of a cell's Vault configuration."""

    cell: str
    """Cell name, used in descriptions and the audit file name."""
    region: str
    """AWS region the AWS secrets engine issues credentials for."""
    vault_address: str
    """Vault's https address (for OIDC redirect URIs)."""
    broker_role_arn: pulumi.Input[str]
    """IAM role the AWS secrets engine assumes with Vault's plugin identity token (no access keys)."""
    aws_roles: Mapping[str, pulumi.Input[str]]
    """Vault AWS role name -> IAM role ARN it vends as `assumed_role` credentials."""
    workloads: Sequence[VaultWorkload] = field(default_factory=tuple)
    """Kubernetes workloads with their own KV prefix and transit key."""
    human_groups: Mapping[str, str] = field(default_factory=lambda: dict(HUMAN_GROUPS_DEFAULT))
    """Vault AWS role -> SSO group allowed to read it."""
    oidc_discovery_url: str = "https://sso.trustfabric.internal"
    """OIDC issuer of the SSO (discovery at `<url>/.well-known/openid-configuration`)."""
    oidc_client_id: str = "vault"
    """OIDC client id Vault is registered with at the SSO."""
    oidc_client_secret: pulumi.Input[str] | None = None
    """OIDC client secret: a Pulumi secret (never a literal); None leaves it to be set out of band."""
    kubernetes_host: str = "https://kubernetes.default.svc"
    """API server Vault reviews service-account tokens with."""
    credential_ttl_seconds: int = 900
    """Default lifetime of vended AWS credentials, 900..3600."""
    credential_max_ttl_seconds: int = 3600
    """Longest lifetime of vended AWS credentials, 900..3600 (one hour)."""
    transit_rotation_seconds: int = 30 * 24 * 3600
    """Transit keys rotate automatically this often, 1 hour..90 days."""
    token_ttl_seconds: int = 3600
    """Lifetime of tokens issued by both auth backends, 300..28800."""
    declare_audit_device: bool = False
    """Declare the cluster's file audit device (needs `audit_provider`, the root-namespace provider)."""
    audit_provider: pulumi.ProviderResource | None = None
    """Root-namespace Vault provider for the audit device (audit devices are cluster-wide)."""
    audit_path: str = "file"
    """Path the audit device is mounted at; one per stack (prod and dr may share a cluster)."""
    audit_file_path: str = "/vault/audit/audit.log"
    """File the audit device writes to (shipped off the host by the log pipeline)."""


def validate_policy_hcl(name: str, document: str, own_prefixes: Sequence[str]) -> str:
    """Refuse a policy that grants `sudo` or a path outside its own prefixes; returns the document."""
    if re.search(r"\bsudo\b", document):
        raise ValueError(f"CellVault: policy {name!r}: grants sudo; allowed: create, read, update, list")
    for path in re.findall(r'path\s+"([^"]+)"', document):
        if not any(path == prefix or path.startswith(prefix) for prefix in own_prefixes):
            raise ValueError(
                f"CellVault: policy {name!r}: path {path!r} is outside its own prefixes; "
                f"allowed: {', '.join(own_prefixes)}"
            )
        if path.startswith("*") or "/*/" in path or path in ("*", "+"):
            raise ValueError(f"CellVault: policy {name!r}: path {path!r} is a wildcard; allowed: own prefixes")
    return document


def workload_policy(workload: VaultWorkload) -> str:
    """A workload reads its own KV prefix and encrypts/decrypts with its own transit key, nothing else."""
    return validate_policy_hcl(
        workload.name,
        f"""path "kv/data/{workload.name}/*" {{
  capabilities = ["read"]
}}

path "kv/metadata/{workload.name}/*" {{
  capabilities = ["read", "list"]
}}

path "transit/encrypt/{workload.name}" {{
  capabilities = ["update"]
}}

path "transit/decrypt/{workload.name}" {{
  capabilities = ["update"]
}}
""",
        (
            f"kv/data/{workload.name}/",
            f"kv/metadata/{workload.name}/",
            f"transit/encrypt/{workload.name}",
            f"transit/decrypt/{workload.name}",
        ),
    )


def human_policy(role: str) -> str:
    """A person in the role's group may read short-lived AWS credentials for that one role."""
    return validate_policy_hcl(
        f"people-{role}",
        f"""path "aws/creds/{role}" {{
  capabilities = ["read"]
}}

path "aws/sts/{role}" {{
  capabilities = ["read", "update"]
}}
""",
        (f"aws/creds/{role}", f"aws/sts/{role}"),
    )


def validate_args(args: CellVaultArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("CellVault", "cell", args.cell)
    if not args.vault_address.startswith("https://"):
        raise ValueError(f"CellVault: vault_address: {args.vault_address!r} is not allowed; allowed: an https URL")
    if not args.oidc_discovery_url.startswith("https://"):
        raise ValueError(
            f"CellVault: oidc_discovery_url: {args.oidc_discovery_url!r} is not allowed; allowed: an https URL"
        )
    require_non_empty("CellVault", "aws_roles", args.aws_roles)
    for role in args.aws_roles:
        if not NAME.match(role):
            raise ValueError(f"CellVault: aws_roles: {role!r} is not a role name; allowed: lowercase, digits, -")
    for role in args.human_groups:
        if role not in args.aws_roles:
            raise ValueError(f"CellVault: human_groups: {role!r} has no AWS role; allowed: {', '.join(args.aws_roles)}")
    require_range("CellVault", "credential_ttl_seconds", args.credential_ttl_seconds, 900, 3600)
    require_range("CellVault", "credential_max_ttl_seconds", args.credential_max_ttl_seconds, 900, 3600)
    if args.credential_ttl_seconds > args.credential_max_ttl_seconds:
        raise ValueError(
            f"CellVault: credential_ttl_seconds: {args.credential_ttl_seconds} exceeds credential_max_ttl_seconds "
            f"({args.credential_max_ttl_seconds}); allowed: 900..{args.credential_max_ttl_seconds}"
        )
    require_range("CellVault", "transit_rotation_seconds", args.transit_rotation_seconds, 3600, 90 * 24 * 3600)
    require_range("CellVault", "token_ttl_seconds", args.token_ttl_seconds, 300, 28800)
    seen: set[str] = set()
    for workload in args.workloads:
        for value, what in ((workload.name, "name"), (workload.service_account, "service_account")):
            if not NAME.match(value):
                raise ValueError(
                    f"CellVault: workloads: {what} {value!r} is not allowed; "
                    "allowed: lowercase letters, digits and hyphens (no wildcards)"
                )
        if not NAME.match(workload.namespace):
            raise ValueError(
                f"CellVault: workloads: namespace {workload.namespace!r} is not allowed; "
                "allowed: lowercase letters, digits and hyphens (no wildcards)"
            )
        if workload.name in seen:
            raise ValueError(f"CellVault: workloads: {workload.name!r} is listed twice")
        seen.add(workload.name)
    if args.declare_audit_device and args.audit_provider is None:
        raise ValueError(
            "CellVault: audit_provider: required when declare_audit_device is true; "
            "allowed: a root-namespace vault.Provider"
        )


def lease_tune(args: CellVaultArgs) -> dict[str, str]:
    """The lease TTLs both auth mounts are tuned with: the same bounds as `token_settings`, for every role."""
    return {
        "default_lease_ttl": f"{min(args.token_ttl_seconds, 3600)}s",
        "max_lease_ttl": f"{args.token_ttl_seconds}s",
    }


def token_settings(policy: vault.Policy, args: CellVaultArgs) -> dict[str, Any]:
    """What every auth role issues: tokens carrying only the role's own policy (not `default`), for an hour at
    first and `token_ttl_seconds` at most."""
    return {
        "token_policies": [policy.name],
        "token_ttl": min(args.token_ttl_seconds, 3600),
        "token_max_ttl": args.token_ttl_seconds,
        "token_no_default_policy": True,
    }


class CellVault(pulumi.ComponentResource):
    """KV v2, transit, AWS secrets engine, Kubernetes and OIDC auth, least-privilege policies, audit device."""

    def __init__(self, name: str, args: CellVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:CellVault", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        kv = vault.Mount(
            f"{name}-kv",
            path="kv",
            type="kv",
            options={"version": "2"},
            description=f"{args.cell} application secrets (KV v2)",
            opts=child,
        )
        transit = vault.Mount(
            f"{name}-transit",
            path="transit",
            type="transit",
            description=f"{args.cell} encryption as a service",
            opts=child,
        )
        for workload in args.workloads:
            vault.transit.SecretBackendKey(
                f"{name}-transit-{workload.name}",
                backend=transit.path,
                name=workload.name,
                type="aes256-gcm96",
                auto_rotate_period=args.transit_rotation_seconds,
                deletion_allowed=False,
                exportable=False,
                allow_plaintext_backup=False,
                opts=child,
            )

        aws_engine = vault.aws.SecretBackend(
            f"{name}-aws",
            path="aws",
            description=f"{args.cell} short-lived AWS credentials",
            region=args.region,
            role_arn=args.broker_role_arn,
            identity_token_audience="sts.amazonaws.com",
            identity_token_ttl=300,
            default_lease_ttl_seconds=args.credential_ttl_seconds,
            max_lease_ttl_seconds=args.credential_max_ttl_seconds,
            opts=child,
        )
        for role, role_arn in args.aws_roles.items():
            vault.aws.SecretBackendRole(
                f"{name}-aws-{role}",
                backend=aws_engine.path,
                name=role,
                credential_type="assumed_role",
                role_arns=[role_arn],
                default_sts_ttl=args.credential_ttl_seconds,
                max_sts_ttl=args.credential_max_ttl_seconds,
                opts=child,
            )

        kubernetes = vault.AuthBackend(
            f"{name}-kubernetes",
            type="kubernetes",
            path="kubernetes",
            description=f"{args.cell} workloads (service accounts)",
            tune=vault.AuthBackendTuneArgs(**lease_tune(args)),
            opts=child,
        )
        vault.kubernetes.AuthBackendConfig(
            f"{name}-kubernetes-config",
            backend=kubernetes.path,
            kubernetes_host=args.kubernetes_host,
            disable_iss_validation=False,
            disable_local_ca_jwt=False,
            opts=child,
        )
        for workload in args.workloads:
            policy = vault.Policy(
                f"{name}-policy-{workload.name}",
                name=f"workload-{workload.name}",
                policy=workload_policy(workload),
                opts=child,
            )
            vault.kubernetes.AuthBackendRole(
                f"{name}-kubernetes-{workload.name}",
                backend=kubernetes.path,
                role_name=workload.name,
                bound_service_account_names=[workload.service_account],
                bound_service_account_namespaces=[workload.namespace],
                audience="vault",
                **token_settings(policy, args),
                opts=child,
            )

        oidc = vault.jwt.AuthBackend(
            f"{name}-oidc",
            path="oidc",
            type="oidc",
            description=f"{args.cell} people (SSO)",
            oidc_discovery_url=args.oidc_discovery_url,
            bound_issuer=args.oidc_discovery_url,
            oidc_client_id=args.oidc_client_id,
            oidc_client_secret=args.oidc_client_secret,
            default_role=next(iter(args.human_groups), None),
            tune=vault.jwt.AuthBackendTuneArgs(**lease_tune(args)),
            opts=child,
        )
        redirect_uris = [
            f"{args.vault_address.rstrip('/')}/ui/vault/auth/oidc/oidc/callback",
            "http://localhost:8250/oidc/callback",
        ]
        for role, group in args.human_groups.items():
            policy = vault.Policy(
                f"{name}-policy-people-{role}",
                name=f"people-{role}",
                policy=human_policy(role),
                opts=child,
            )
            vault.jwt.AuthBackendRole(
                f"{name}-oidc-{role}",
                backend=oidc.path,
                role_name=role,
                role_type="oidc",
                user_claim="email",
                groups_claim="groups",
                bound_audiences=[args.oidc_client_id],
                bound_claims={"groups": group},
                allowed_redirect_uris=redirect_uris,
                oidc_scopes=["openid", "email", "profile", "groups"],
                **token_settings(policy, args),
                opts=child,
            )

        if args.declare_audit_device:
            vault.Audit(
                f"{name}-audit",
                type="file",
                path=args.audit_path,
                description=f"cluster audit log ({args.audit_path})",
                options={"file_path": args.audit_file_path, "log_raw": "false", "hmac_accessor": "true"},
                opts=pulumi.ResourceOptions(parent=self, provider=args.audit_provider),
            )

        self.kv_path = kv.path
        self.transit_path = transit.path
        self.register_outputs({"kv_path": kv.path, "transit_path": transit.path, "aws_path": aws_engine.path})
