"""Typed `tenants` settings: the enterprise tenants whose data is encrypted with a key they control.

`trust-fabric:tenants` (optional) is a list; each tenant::

    trust-fabric:tenants:
      - id: acme-gmbh                     # 3-18 lowercase letters, digits or '-'; unique
        jurisdiction: EU                  # one of the stack's cells: the key and the data live there
        keyOrigin: imported               # aws (default) | imported (BYOK) | external-key-store (XKS)
        custodianArn: arn:aws:iam::210987654321:role/acme-key-custodian
        customKeyStoreId: cks-1234567890abcdef0   # external-key-store only: the XKS custom key store
        xksKeyId: acme-eu-key-1                   # external-key-store only: the key's id in the external manager

`custodianArn` is the tenant's own IAM principal (in the tenant's account, never ours): the key policy lets it
revoke our use of the key (disable it, revoke grants; with imported material, delete the material), which
makes the tenant's data unreadable to us. A bad value fails with one line naming the stack file and key, as
every setting does (`stacks/settings.py`)::

    Pulumi.prod.yaml: trust-fabric:tenants[0].keyOrigin: 'byok' is not allowed; allowed: aws, imported, external-key-store

Usage::

    from stacks.settings_tenants import parse_tenants

    tenants = parse_tenants(raw_list, fail=reader.fail, cell_codes=("UK", "EU"))
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.governance.tenant_backup import VAULT_NAME_LIMIT, tenant_vault_name
from stacks.settings_reader import _shown

KEY_ORIGINS = ("aws", "imported", "external-key-store")
"""Where a tenant key's material comes from: AWS KMS, the tenant's imported material (BYOK), or the tenant's
external key manager through an XKS custom key store."""
TENANT_KEYS = ("id", "jurisdiction", "keyOrigin", "custodianArn", "customKeyStoreId", "xksKeyId")
TENANT_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,16})[a-z0-9]$")
"""3-18 characters: tenant bucket names (`trustfabric-<deployment>-t-<id>-<region>-<account>`) stay within S3's
63-character limit in every region."""
CUSTODIAN_ARN = re.compile(r"^arn:aws:iam::(?P<account>\d{12}):(?:role|user)/[\w+=,.@/-]{1,512}$")
CUSTOM_KEY_STORE_ID = re.compile(r"^cks-[0-9a-f]{17}$")
XKS_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

Fail = Callable[[str, str], Exception]
"""`fail(key, message)`: the settings reader's error for a key under the project namespace."""


@dataclass(frozen=True)
class TenantSettings:
    """One enterprise tenant with a client-controlled key."""

    id: str
    jurisdiction: str
    """Jurisdiction code of the cell holding the tenant's key and data."""
    key_origin: str
    """aws, imported or external-key-store (KEY_ORIGINS)."""
    custodian_arn: str
    """The tenant's IAM principal allowed to revoke the key."""
    custom_key_store_id: str | None = None
    xks_key_id: str | None = None

    @property
    def custodian_account(self) -> str:
        match = CUSTODIAN_ARN.fullmatch(self.custodian_arn)
        return match.group("account") if match else ""


def _text(fail: Fail, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise fail(key, f"expected a string, got {type(value).__name__}")
    return value


def parse_tenants(
    value: Any,
    *,
    fail: Fail,
    cell_codes: Sequence[str],
    deployment: str = "",
    cell_regions: Mapping[str, Sequence[str]] | None = None,
) -> tuple[TenantSettings, ...]:
    """Validate the `tenants` list; `fail(key, message)` builds the one-line error. With `deployment` and
    `cell_regions` (per cell code, the regions its tenants' backup vaults live in), a tenant id that would make a
    vault name longer than AWS Backup allows is refused here, not at deploy time. (That the custodian's account
    is not ours is checked where the account is known: `components.governance.tenant_data.tenant_key_policy`.)"""
    if not isinstance(value, list):
        raise fail("tenants", f"expected a list of tenants, got {type(value).__name__}")
    tenants: list[TenantSettings] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        key = f"tenants[{index}]"
        if not isinstance(item, dict):
            raise fail(key, f"expected an object, got {type(item).__name__}")
        for name in item:
            if name not in TENANT_KEYS:
                close = difflib.get_close_matches(str(name), TENANT_KEYS, n=1, cutoff=0.6)
                hint = f" did you mean {close[0]!r}?" if close else ""
                raise fail(f"{key}.{name}", f"unknown key;{hint} allowed: {', '.join(TENANT_KEYS)}")
        for required in ("id", "jurisdiction", "custodianArn"):
            if required not in item:
                raise fail(f"{key}.{required}", "missing required key")
        tenant_id = _text(fail, f"{key}.id", item["id"])
        if not TENANT_ID.fullmatch(tenant_id):
            raise fail(
                f"{key}.id",
                f"{_shown(tenant_id)} is not a tenant id; allowed: 3-18 lowercase letters, digits or '-', "
                "starting and ending with a letter or digit",
            )
        if tenant_id in seen:
            raise fail(f"{key}.id", f"{tenant_id!r} is listed twice; each tenant is listed once")
        seen.add(tenant_id)
        code = _text(fail, f"{key}.jurisdiction", item["jurisdiction"])
        if code not in cell_codes:
            raise fail(
                f"{key}.jurisdiction",
                f"{_shown(code)} is not a cell of this stack; allowed: {', '.join(cell_codes)}",
            )
        origin = _text(fail, f"{key}.keyOrigin", item.get("keyOrigin", "aws"))
        if origin not in KEY_ORIGINS:
            raise fail(f"{key}.keyOrigin", f"{_shown(origin)} is not allowed; allowed: {', '.join(KEY_ORIGINS)}")
        custodian = _text(fail, f"{key}.custodianArn", item["custodianArn"])
        match = CUSTODIAN_ARN.fullmatch(custodian)
        if match is None:
            raise fail(
                f"{key}.custodianArn",
                f"{_shown(custodian)} is not an IAM role or user ARN; allowed: arn:aws:iam::<account>:role/<name>",
            )
        store_id = xks_id = None
        if origin == "external-key-store":
            for required in ("customKeyStoreId", "xksKeyId"):
                if required not in item:
                    raise fail(f"{key}.{required}", "missing required key (keyOrigin external-key-store)")
            store_id = _text(fail, f"{key}.customKeyStoreId", item["customKeyStoreId"])
            if not CUSTOM_KEY_STORE_ID.fullmatch(store_id):
                raise fail(
                    f"{key}.customKeyStoreId",
                    f"{_shown(store_id)} is not a custom key store id; allowed: cks-<17 hex digits>",
                )
            xks_id = _text(fail, f"{key}.xksKeyId", item["xksKeyId"])
            if not XKS_KEY_ID.fullmatch(xks_id):
                raise fail(
                    f"{key}.xksKeyId",
                    f"{_shown(xks_id)} is not an external key id; allowed: 1-128 letters, digits, '.', '_' or '-'",
                )
        else:
            for only_xks in ("customKeyStoreId", "xksKeyId"):
                if only_xks in item:
                    raise fail(f"{key}.{only_xks}", f"only with keyOrigin external-key-store, not {origin!r}")
        if deployment:
            _check_vault_names(fail, f"{key}.id", deployment, tenant_id, (cell_regions or {}).get(code, ()))
        tenants.append(TenantSettings(tenant_id, code, origin, custodian, store_id, xks_id))
    return tuple(tenants)


def _check_vault_names(fail: Fail, key: str, deployment: str, tenant_id: str, regions: Sequence[str]) -> None:
    """The tenant's backup vaults (`components.governance.tenant_backup.tenant_vault_name`) fit AWS Backup's limit."""
    for region in regions:
        name = tenant_vault_name(deployment, tenant_id, region)
        if len(name) > VAULT_NAME_LIMIT:
            longest = len(tenant_id) - (len(name) - VAULT_NAME_LIMIT)
            raise fail(
                key,
                f"{tenant_id!r} makes the tenant's backup vault name {name!r} {len(name)} characters long; AWS "
                f"Backup allows at most {VAULT_NAME_LIMIT}: use an id of at most {longest} characters",
            )
