"""Typed stack settings: what `Pulumi.<stack>.yaml` may say, validated before any resource is declared.

Stack files hold only what differs between environments; every default lives here once. A bad value fails
with one line naming the file, the key and what is allowed, e.g.::

    Pulumi.prod.yaml: trust-fabric:cells[1].jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA

Keys (all in the project namespace, `trust-fabric:`):

=========================  ========  =====================================================================
key                        required  meaning
=========================  ========  =====================================================================
role                       yes       primary (prod), standby or active (dr; active after failover)
cells                      yes       list of cells: {jurisdiction, region?, size?, dataClassification?,
                                     kubeContext?, eksCluster?}
vault                      yes       {address: https URL of the cell-shared Vault, namespace?}
size                       no        default size of every cell: small, medium (default), large
owner                      no        owner tag and label (default platform-reliability): 1-63 letters,
                                     digits, '-', '_' or '.', starting and ending with a letter or digit
dataClassification         no        default classification tag (default confidential)
observability              no        {grafanaUrl, prometheusUrl, datadogSite, logRetentionDays}
kmsDeletionWindowDays      no        7..30 (default 30)
sso                        no        {discoveryUrl: https OIDC issuer (Vault's OIDC sign-in)}
identity                   no        IAM Identity Center, the IdP (SAML, SCIM), groups, JIT: stacks/settings_identity.py
delivery                   no        feature-flag canaries and chaos experiments (stacks/settings_delivery.py)
tenants                    no        enterprise tenants with client-controlled keys: [{id, jurisdiction,
                                     keyOrigin?, custodianArn, customKeyStoreId?, xksKeyId?}]
                                     (stacks/settings_tenants.py)
ssoVaultClientSecret       no        secret: Vault's OIDC client secret (`pulumi config set --secret`)
models                     no        model families served: list of {name, owner?, tier?, ga?,
                                     jurisdictions?, evaluation?, drift?, version?, candidateVersion?}
                                     (`stacks/settings_models.py`)
datasets                   no        {enabled, lockDays, accessLogRetentionDays}: golden dataset stores
                                     (`stacks/settings_datasets.py`)
oncall                     no        {directoryStack, pagingUrgency, businessHours, pagerdutySubdomain (prod)}:
                                     stacks/settings_oncall.py
pagerdutyApiToken          no        secret: Datadog's read-only PagerDuty REST API token (prod)
audit                      prod      {accountId, roleName, externalId, sessionName?}: the audit account that holds
                                     the evidence store (stacks/settings_audit.py)
loadTest                   no        {cells: {<JURISDICTION>: {host, profile?}}, timeScale, userScale}: the
                                     in-cluster load test of prod's cells (stacks/settings_delivery.py)
=========================  ========  =====================================================================

`aws:region` (the default provider's region), when set, must be a region of one of the stack's cells'
jurisdictions. `cells[].kubeContext` is a kubeconfig context name (1-253 printable characters, no spaces) and
`cells[].eksCluster` an EKS cluster name, checked with the rule the component that uses it applies.

Usage::

    from stacks.settings import parse_settings

    settings = parse_settings({"trust-fabric:role": "primary", ...}, project="trust-fabric",
                              stack="prod", source="Pulumi.prod.yaml")
    for cell in settings.cells:
        print(cell.code, cell.region)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from components.observability.pod_identity import CLUSTER_NAME
from domain.residency import CODES, JURISDICTIONS, Jurisdiction
from domain.tags import CLASSIFICATIONS
from stacks.settings_audit import MISSING_ON_PROD, AuditSettings, parse_audit
from stacks.settings_datasets import DatasetSettings, parse_datasets
from stacks.settings_identity import IdentitySettings, parse_identity
from stacks.settings_oncall import OnCallSettings, parse_oncall
from stacks.settings_reader import SettingsError as SettingsError  # re-exported: callers catch it from here
from stacks.settings_reader import _decode, _Reader, _shown, _type_name
from stacks.settings_tenants import TenantSettings, parse_tenants

if TYPE_CHECKING:  # stacks.settings_models reads with this module's helpers; it is imported when parsing
    from stacks.settings_models import ModelSettings

ROLES = ("primary", "standby", "active")
SIZES = ("small", "medium", "large")
DATA_CLASSIFICATIONS = CLASSIFICATIONS
OWNER = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")
"""The owner is an AWS tag value (up to 256 letters, digits, spaces and `_ . : / = + - @`) and a Kubernetes label
value (up to 63 characters, alphanumerics and `- _ .`, starting and ending alphanumeric): both rules at once."""
KUBE_CONTEXT = re.compile(r"^[!-~]{1,253}$")
"""A kubeconfig context name: 1-253 printable ASCII characters without spaces (`arn:aws:eks:...`, `user@x`)."""
VAULT_NAMESPACE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/?$")
"""A Vault Enterprise namespace path (`admin`, `admin/team-a`)."""
AWS_REGION_SHAPE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d+$")
"""What every AWS region name looks like (`eu-west-2`, `us-gov-west-1`), to tell a typo from a region."""
DATADOG_SITES = ("datadoghq.com", "datadoghq.eu", "us3.datadoghq.com", "us5.datadoghq.com", "ap1.datadoghq.com")

# Replica counts and instance classes per size: what "environment sizes" buy.
SIZE_PROFILES: dict[str, dict[str, Any]] = {
    "small": {"replicas": 1, "db_instance_class": "db.r6g.large", "min_capacity": 1},
    "medium": {"replicas": 2, "db_instance_class": "db.r6g.xlarge", "min_capacity": 2},
    "large": {"replicas": 3, "db_instance_class": "db.r6g.2xlarge", "min_capacity": 3},
}


@dataclass(frozen=True)
class CellSettings:
    """One jurisdiction cell of this stack."""

    jurisdiction: Jurisdiction
    region: str
    """The region this stack deploys the cell into (primary for prod, standby for dr unless overridden)."""
    size: str
    data_classification: str
    kube_context: str = ""
    """kubeconfig context of the cell's cluster (default `trustfabric-<stack>-<cell>`)."""
    eks_cluster: str = ""
    """EKS name of the cell's cluster, for Pod Identity (default `trustfabric-<stack>-<cell>`)."""

    @property
    def code(self) -> str:
        return self.jurisdiction.code

    @property
    def name(self) -> str:
        """The cell's resource-name prefix, e.g. `uk`."""
        return self.jurisdiction.code.lower()

    @property
    def paired_region(self) -> str:
        """Where this cell's replicas and backup copies go (or come from, in dr)."""
        return self.jurisdiction.paired_region(self.region)

    @property
    def profile(self) -> dict[str, Any]:
        return SIZE_PROFILES[self.size]


@dataclass(frozen=True)
class VaultSettings:
    address: str
    """HTTPS address of Vault. The token never comes from config: VAULT_TOKEN at deploy time."""
    namespace: str | None = None


@dataclass(frozen=True)
class SsoSettings:
    discovery_url: str = "https://sso.trustfabric.internal"
    """OIDC issuer people sign in with (Vault's OIDC auth backend)."""


@dataclass(frozen=True)
class ObservabilitySettings:
    grafana_url: str = "https://grafana.observability.internal"
    prometheus_url: str = "http://kube-prometheus-stack-prometheus.monitoring:9090"
    datadog_site: str = "datadoghq.eu"
    log_retention_days: int = 400
    """CloudWatch/OpenSearch log retention; at least 365 (policy floor)."""


PRIMARY_STACK = "prod"
"""The stack of the primary footprint; dr (any standby-footprint stack) is its pair and replicates its keys."""


@dataclass(frozen=True)
class StackSettings:
    """Everything the program needs to know about this stack, typed and validated."""

    project: str
    stack: str
    source: str
    """The stack file these came from, for messages."""
    role: str
    owner: str
    cells: tuple[CellSettings, ...]
    vault: VaultSettings
    observability: ObservabilitySettings
    kms_deletion_window_days: int
    sso: SsoSettings = SsoSettings()
    identity: IdentitySettings | None = None
    """IAM Identity Center (None: off); `stacks/settings_identity.py`."""
    tenants: tuple[TenantSettings, ...] = ()
    """Enterprise tenants whose data is encrypted with a key they control (`stacks/settings_tenants.py`)."""
    models: tuple[ModelSettings, ...] = ()
    """Model families served (`trustfabric:models`), validated by `stacks.settings_models`."""
    datasets: DatasetSettings = field(default_factory=DatasetSettings)
    """The golden dataset stores (`stacks/settings_datasets.py`)."""
    oncall: OnCallSettings = field(default_factory=OnCallSettings)
    """How the stack pages (`stacks/settings_oncall.py`): on by default, every stack's alerts reach a person."""
    audit: AuditSettings | None = None
    """The audit account holding the evidence store (`stacks/settings_audit.py`); required on prod."""

    @property
    def is_standby_footprint(self) -> bool:
        """dr (standby or active) deploys into each jurisdiction's standby region."""
        return self.role in ("standby", "active")

    @property
    def is_active(self) -> bool:
        """This stack serves traffic: prod normally, dr after failover."""
        return self.role in ("primary", "active")


TOP_LEVEL_KEYS = (
    "role",
    "cells",
    "vault",
    "size",
    "owner",
    "dataClassification",
    "observability",
    "kmsDeletionWindowDays",
    "sso",
    "ssoVaultClientSecret",
    "identity",
    "models",
    "delivery",
    "gameDays",
    "tenants",
    "datasets",
    "oncall",
    "pagerdutyApiToken",
    "audit",
    "loadTest",
)
SECRET_KEYS = ("ssoVaultClientSecret", "pagerdutyApiToken")
"""Keys whose values must be Pulumi secrets (`pulumi config set --secret`)."""
REQUIRED_KEYS = ("role", "cells", "vault")
CELL_KEYS = ("jurisdiction", "region", "size", "dataClassification", "kubeContext", "eksCluster")
VAULT_KEYS = ("address", "namespace")
OBSERVABILITY_KEYS = ("grafanaUrl", "prometheusUrl", "datadogSite", "logRetentionDays")
SSO_KEYS = ("discoveryUrl",)


def parse_settings(
    values: Mapping[str, str],
    *,
    project: str,
    stack: str,
    source: str,
    secret_keys: frozenset[str] | None = None,
) -> StackSettings:
    """Validate the stack's config (namespaced keys, string values as the CLI passes them).

    `secret_keys`, when known, are the keys the CLI passes as secrets: each of `SECRET_KEYS` given must be one.
    """
    reader = _Reader(source, project)
    prefix = f"{project}:"
    own = {key[len(prefix) :]: raw for key, raw in values.items() if key.startswith(prefix)}
    reader.unknown_keys("", own, TOP_LEVEL_KEYS)
    for key in REQUIRED_KEYS:
        if key not in own:
            raise reader.fail(key, f"missing required key ({_REQUIRED_HELP[key]})")

    role = reader.string("role", own["role"], ROLES)
    if stack == "prod" and role != "primary":
        raise reader.fail("role", f"{role!r} is not allowed for stack prod; allowed: primary")
    if stack == "dr" and role == "primary":
        raise reader.fail("role", "'primary' is not allowed for stack dr; allowed: standby, active")

    default_size = reader.string("size", own.get("size", "medium"), SIZES)
    default_class = reader.string(
        "dataClassification", own.get("dataClassification", "confidential"), DATA_CLASSIFICATIONS
    )
    owner = reader.string("owner", own.get("owner", "platform-reliability"))
    if not owner.strip():
        raise reader.fail("owner", "must not be empty")
    if not OWNER.fullmatch(owner):
        raise reader.fail(
            "owner",
            f"{_shown(owner)} is not a tag and label value; allowed: 1-63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit",
        )
    for name in SECRET_KEYS:
        secret_key = f"{prefix}{name}"
        if secret_keys is not None and secret_key in values and secret_key not in secret_keys:
            raise reader.fail(name, f"must be a secret; store it encrypted: pulumi config set --secret {secret_key}")

    cells_value = _decode(own["cells"])
    if not isinstance(cells_value, list) or not cells_value:
        raise reader.fail("cells", f"expected a non-empty list of cells, got {_type_name(cells_value)}")
    cells: list[CellSettings] = []
    seen: set[str] = set()
    for index, item in enumerate(cells_value):
        key = f"cells[{index}]"
        item = reader.mapping(key, item)
        reader.unknown_keys(f"{key}.", item, CELL_KEYS)
        if "jurisdiction" not in item:
            raise reader.fail(f"{key}.jurisdiction", f"missing required key; allowed: {', '.join(CODES)}")
        code = reader.string(f"{key}.jurisdiction", item["jurisdiction"])
        if code not in JURISDICTIONS:
            raise reader.fail(f"{key}.jurisdiction", f"unknown jurisdiction {code!r}; allowed: {', '.join(CODES)}")
        if code in seen:
            raise reader.fail(f"{key}.jurisdiction", f"{code} is listed twice; each jurisdiction is one cell")
        seen.add(code)
        jurisdiction = JURISDICTIONS[code]
        default_region = jurisdiction.standby_region if role != "primary" else jurisdiction.primary_region
        region = reader.string(f"{key}.region", item.get("region", default_region))
        if region not in jurisdiction.allowed_regions:
            raise reader.fail(
                f"{key}.region",
                f"{region!r} is outside {code}'s allowed regions; allowed: {', '.join(jurisdiction.allowed_regions)}",
            )
        if region not in (jurisdiction.primary_region, jurisdiction.standby_region):
            raise reader.fail(
                f"{key}.region",
                f"{region!r} is allowed for {code} data but is not one of its paired regions; "
                f"allowed: {jurisdiction.primary_region}, {jurisdiction.standby_region}",
            )
        size = reader.string(f"{key}.size", item.get("size", default_size), SIZES)
        data_class = reader.string(
            f"{key}.dataClassification", item.get("dataClassification", default_class), DATA_CLASSIFICATIONS
        )
        cluster = f"trustfabric-{stack}-{code.lower()}"
        kube_context = reader.matching(
            f"{key}.kubeContext",
            item.get("kubeContext", cluster),
            KUBE_CONTEXT,
            "a kubeconfig context name",
            "1-253 printable characters without spaces",
        )
        eks_cluster = reader.matching(
            f"{key}.eksCluster",
            item.get("eksCluster", cluster),
            CLUSTER_NAME,
            "an EKS cluster name",
            "1-100 letters, digits, '-' or '_', starting with a letter or digit",
        )
        cells.append(CellSettings(jurisdiction, region, size, data_class, kube_context, eks_cluster))

    _check_default_region(reader, values.get("aws:region"), cells)

    vault_value = reader.mapping("vault", _decode(own["vault"]))
    reader.unknown_keys("vault.", vault_value, VAULT_KEYS)
    if "address" not in vault_value:
        raise reader.fail("vault.address", "missing required key; allowed: an https URL")
    vault = VaultSettings(
        address=reader.url("vault.address", vault_value["address"], ("https",)),
        namespace=reader.matching(
            "vault.namespace",
            vault_value["namespace"],
            VAULT_NAMESPACE,
            "a Vault namespace",
            "letters, digits, '-' or '_', nested with '/' (admin/team-a)",
        )
        if "namespace" in vault_value
        else None,
    )

    observability = ObservabilitySettings()
    if "observability" in own:
        obs = reader.mapping("observability", _decode(own["observability"]))
        reader.unknown_keys("observability.", obs, OBSERVABILITY_KEYS)
        readers: dict[str, Callable[[str, Any], Any]] = {
            "grafanaUrl": lambda k, v: reader.url(k, v, ("https",)),
            "prometheusUrl": lambda k, v: reader.url(k, v, ("http", "https")),
            "datadogSite": lambda k, v: reader.string(k, v, DATADOG_SITES),
            "logRetentionDays": lambda k, v: reader.integer(k, v, 365, 3653),
        }
        parsed = {name: readers[name](f"observability.{name}", value) for name, value in obs.items()}
        observability = ObservabilitySettings(
            grafana_url=parsed.get("grafanaUrl", observability.grafana_url),
            prometheus_url=parsed.get("prometheusUrl", observability.prometheus_url),
            datadog_site=parsed.get("datadogSite", observability.datadog_site),
            log_retention_days=parsed.get("logRetentionDays", observability.log_retention_days),
        )

    deletion_window = reader.integer("kmsDeletionWindowDays", own.get("kmsDeletionWindowDays", "30"), 7, 30)

    sso = SsoSettings()
    if "sso" in own:
        sso_value = reader.mapping("sso", _decode(own["sso"]))
        if "instanceArn" in sso_value:
            raise reader.fail("sso.instanceArn", "moved; set identity.instanceArn (stacks/settings_identity.py)")
        reader.unknown_keys("sso.", sso_value, SSO_KEYS)
        sso = SsoSettings(
            discovery_url=reader.url("sso.discoveryUrl", sso_value["discoveryUrl"], ("https",))
            if "discoveryUrl" in sso_value
            else sso.discovery_url,
        )

    identity = parse_identity(reader, _decode(own["identity"]), tuple(cells), role) if "identity" in own else None

    tenants: tuple[TenantSettings, ...] = ()
    if "tenants" in own:
        tenants = parse_tenants(
            _decode(own["tenants"]),
            fail=reader.fail,
            cell_codes=[cell.code for cell in cells],
            deployment=PRIMARY_STACK if role in ("standby", "active") else stack,
            cell_regions={cell.code: (cell.region, cell.paired_region) for cell in cells},
        )

    from stacks.settings_models import parse_models

    models = parse_models(
        reader, _decode(own.get("models", "[]")), owner=owner, cell_codes=[cell.code for cell in cells]
    )
    datasets = parse_datasets(reader, _decode(own["datasets"])) if "datasets" in own else DatasetSettings()
    audit = parse_audit(reader, _decode(own["audit"]), stack=stack) if "audit" in own else None
    if audit is None and stack == PRIMARY_STACK:
        raise reader.fail("audit", MISSING_ON_PROD)

    return StackSettings(
        project=project,
        stack=stack,
        source=source,
        role=role,
        owner=owner,
        cells=tuple(cells),
        vault=vault,
        observability=observability,
        kms_deletion_window_days=deletion_window,
        sso=sso,
        identity=identity,
        tenants=tenants,
        models=models,
        datasets=datasets,
        oncall=_oncall(reader, stack, own),
        audit=audit,
    )


def _oncall(reader: _Reader, stack: str, own: Mapping[str, str]) -> OnCallSettings:
    # Without `oncall.pagerdutySubdomain` prod declares Datadog's PagerDuty service objects but not the
    # integration that names the account (Pulumi.prod.yaml sets it).
    return parse_oncall(reader, _decode(own["oncall"])) if "oncall" in own else OnCallSettings()


def _check_default_region(reader: _Reader, region: Any, cells: list[CellSettings]) -> None:
    """`aws:region` (when set) is a region of one of the stack's jurisdictions: the default provider's resources
    are judged by it, so a region outside them would place data where no cell may keep it."""
    if region is None:
        return
    allowed = list(dict.fromkeys(r for cell in cells for r in cell.jurisdiction.allowed_regions))
    codes = ", ".join(cell.code for cell in cells)
    if not isinstance(region, str) or not AWS_REGION_SHAPE.fullmatch(region):
        raise reader.fail_other(
            "aws:region", f"{_shown(str(region))} is not an AWS region; allowed: {', '.join(allowed)}"
        )
    if region not in allowed:
        raise reader.fail_other(
            "aws:region", f"{region!r} is outside the stack's jurisdictions ({codes}); allowed: {', '.join(allowed)}"
        )


_REQUIRED_HELP = {
    "role": f"allowed: {', '.join(ROLES)}",
    "cells": "a list of cells, e.g. [{jurisdiction: UK}]",
    "vault": "an object with address: an https URL",
}


def load_settings() -> StackSettings:
    """Read and validate the running program's config (the Pulumi SDK's config, as the CLI or engine set it)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    project = pulumi.get_project()
    stack = pulumi.get_stack()
    values = dict(runtime_config.CONFIG.get()) or dict(runtime_config.get_config_env())
    secret_keys = frozenset(key for key in values if runtime_config.is_config_secret(key))
    return parse_settings(values, project=project, stack=stack, source=f"Pulumi.{stack}.yaml", secret_keys=secret_keys)


def deployment(settings: StackSettings) -> str:
    """The name a pair of stacks shares in every deterministic resource name (`prod` for prod and dr)."""
    return PRIMARY_STACK if settings.is_standby_footprint else settings.stack
