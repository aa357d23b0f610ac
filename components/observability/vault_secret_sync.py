"""Vault -> Kubernetes: one KV v2 secret of the cell's Vault synced into a Kubernetes Secret, no value in config.

The Vault Secrets Operator (HashiCorp's, from a pinned chart) watches three objects this component declares in
the consuming namespace:

- a `VaultConnection` to the cell-shared Vault (TLS verified);
- a `VaultAuth` that logs in with Kubernetes auth as a dedicated service account (its token requested by the
  operator for the `vault` audience and ten minutes, never a mounted token), in the cell's Vault namespace, under
  a role the security layer binds to that account and namespace only (`components.security.vault.VaultWorkload`);
- a `VaultStaticSecret` that reads `kv/<path>` (KV v2) every `refresh_seconds` and writes the Secret
  `secret_name`, whose keys are the KV entry's keys.

The role's policy reads `kv/data/<role>/*` only, so the path must lie under the role's prefix (refused
otherwise). Alertmanager's PagerDuty routing keys come this way (`stacks/oncall.py` writes them into Vault from the
declared PagerDuty integrations; `slogen.alertmanager` names the Secret and the files).

Usage::

    VaultSecretSync(
        "uk-pagerduty-routing-keys",
        VaultSecretSyncArgs(
            jurisdiction="UK", data_classification="restricted", owner="platform",
            vault_address="https://vault.example:8200", vault_namespace="trustfabric/uk",
            role="observability", service_account="pagerduty-routing-keys-sync", namespace="observability",
            path="observability/pagerduty-routing-keys", secret_name="pagerduty-routing-keys",
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_kubernetes, depends_on=[telemetry]),
    )
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.observability.telemetry import ChartArgs, chart_release
from components.validation import require_jurisdiction, require_range

COMPONENT = "VaultSecretSync"
VAULT_SECRETS_OPERATOR_VERSION = "0.10.0"
HASHICORP_CHARTS = "https://helm.releases.hashicorp.com"
API_VERSION = "secrets.hashicorp.com/v1beta1"
TOKEN_SECONDS = 600
"""Lifetime of the service account token the operator requests to log in (the shortest Kubernetes allows)."""
_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PATH = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)+$")


@dataclass(frozen=True)
class VaultSecretSyncArgs:
    """Arguments of one Vault secret synced into a Kubernetes Secret."""

    jurisdiction: str
    data_classification: str
    owner: str
    vault_address: str
    """The cell-shared Vault (https)."""
    vault_namespace: str
    """The cell's Vault namespace, e.g. `trustfabric/uk`."""
    role: str
    """Vault Kubernetes auth role (a `VaultWorkload` name): its policy reads `kv/data/<role>/*`."""
    service_account: str
    """The service account the role is bound to, created here in `namespace`."""
    namespace: str
    """Where the Secret is written (it must exist: the consumer's namespace)."""
    path: str
    """KV v2 path under the mount, under the role's prefix: `<role>/...`."""
    secret_name: str
    kv_mount: str = "kv"
    auth_mount: str = "kubernetes"
    audience: str = "vault"
    """The audience the role requires of the token (`components.security.vault`)."""
    refresh_seconds: int = 60
    """How often the Secret is refreshed from Vault: 30..3600."""
    operator_namespace: str = "vault-secrets-operator"
    install_operator: bool = True
    """Install the operator's chart (once per cluster)."""


def validate_args(args: VaultSecretSyncArgs) -> None:
    require_jurisdiction(COMPONENT, "jurisdiction", args.jurisdiction)
    for field_name in ("role", "service_account", "namespace", "secret_name", "operator_namespace"):
        value = getattr(args, field_name)
        if not _NAME.fullmatch(value):
            raise ValueError(f"{COMPONENT}: {field_name}: {value!r} is not a Kubernetes name; allowed: [a-z0-9-]")
    if not args.vault_address.startswith("https://"):
        raise ValueError(f"{COMPONENT}: vault_address: {args.vault_address!r}; allowed: an https:// URL")
    if not _PATH.fullmatch(args.path) or not args.path.startswith(f"{args.role}/"):
        raise ValueError(
            f"{COMPONENT}: path: {args.path!r} is outside the role's KV prefix; allowed: {args.role}/<name>"
        )
    require_range(COMPONENT, "refresh_seconds", args.refresh_seconds, 30, 3600)


class VaultSecretSync(pulumi.ComponentResource):
    """The operator (optionally), its service account, connection, auth and the synced secret."""

    def __init__(self, name: str, args: VaultSecretSyncArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__(f"trustfabric:observability:{COMPONENT}", name, None, opts)
        labels = {
            "jurisdiction": args.jurisdiction,
            "data-classification": args.data_classification,
            "owner": args.owner,
            "app.kubernetes.io/part-of": "trust-fabric",
        }
        child = pulumi.ResourceOptions(parent=self)
        depends: list[pulumi.Resource] = []
        if args.install_operator:
            namespace = k8s.core.v1.Namespace(
                f"{name}-operator-namespace",
                metadata={
                    "name": args.operator_namespace,
                    "labels": {
                        **labels,
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/audit": "restricted",
                    },
                },
                opts=child,
            )
            operator = chart_release(
                f"{name}-operator",
                ChartArgs(
                    "vault-secrets-operator", VAULT_SECRETS_OPERATOR_VERSION, HASHICORP_CHARTS, args.operator_namespace
                ),
                # No default connection: each sync names its Vault; the operator itself holds no Vault token.
                {
                    "defaultVaultConnection": {"enabled": False},
                    "controller": {"manager": {"logging": {"level": "info"}}},
                },
                pulumi.ResourceOptions(parent=self, depends_on=[namespace]),
            )
            depends.append(operator)
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=depends)

        def meta(object_name: str) -> k8s.meta.v1.ObjectMetaArgsDict:
            return {"name": object_name, "namespace": args.namespace, "labels": labels}

        k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=meta(args.service_account),
            automount_service_account_token=False,
            opts=child,
        )
        connection = k8s.apiextensions.CustomResource(
            f"{name}-connection",
            api_version=API_VERSION,
            kind="VaultConnection",
            metadata=meta(f"{args.secret_name}-vault"),
            spec={"address": args.vault_address, "skipTLSVerify": False},
            opts=in_namespace,
        )
        auth = k8s.apiextensions.CustomResource(
            f"{name}-auth",
            api_version=API_VERSION,
            kind="VaultAuth",
            metadata=meta(f"{args.secret_name}-vault"),
            spec={
                "vaultConnectionRef": f"{args.secret_name}-vault",
                "namespace": args.vault_namespace,
                "method": "kubernetes",
                "mount": args.auth_mount,
                "kubernetes": {
                    "role": args.role,
                    "serviceAccount": args.service_account,
                    "audiences": [args.audience],
                    "tokenExpirationSeconds": TOKEN_SECONDS,
                },
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*depends, connection]),
        )
        k8s.apiextensions.CustomResource(
            f"{name}-secret",
            api_version=API_VERSION,
            kind="VaultStaticSecret",
            metadata=meta(args.secret_name),
            spec={
                "vaultAuthRef": f"{args.secret_name}-vault",
                "namespace": args.vault_namespace,
                "mount": args.kv_mount,
                "type": "kv-v2",
                "path": args.path,
                "refreshAfter": f"{args.refresh_seconds}s",
                "hmacSecretData": True,
                "destination": {"name": args.secret_name, "create": True, "overwrite": False, "labels": labels},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*depends, auth]),
        )
        self.register_outputs({"secret_name": args.secret_name})
