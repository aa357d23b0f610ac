"""Typed `identity` settings: IAM Identity Center, the external IdP (SAML) with SCIM, groups, just-in-time access.

Read by `stacks.settings.parse_settings` from `trust-fabric:identity`; absent means Identity Center is off for
the stack. A bad value fails with one line naming the file and the key, like every setting::

    Pulumi.prod.yaml: trust-fabric:identity.idp.scim: false is not allowed; allowed: true (users and groups
    come from the IdP by SCIM; none is made by hand)

Keys of `identity`:

=================  ========  ==============================================================================
key                required  meaning
=================  ========  ==============================================================================
instanceArn        yes       the Identity Center instance, `arn:aws:sso:::instance/ssoins-<16 hex digits>`
region             yes       Identity Center's home region; a region one of the stack's cells may use
identityStoreId    yes       the instance's identity store, `d-<10 hex digits>`
idp                yes       {protocol: saml, metadataUrl: https URL of the IdP's SAML metadata, scim: true}
groups             yes       IdP group id (SCIM-provisioned) per job function: auditor, platform-engineer,
                             sre-on-call, security, support
jit                no        {maxHours: 1..8 (default 4): the longest just-in-time grant}
=================  ========  ==============================================================================

Usage::

    settings = parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    if settings.identity is not None:
        print(settings.identity.instance_arn, settings.identity.group_ids["auditor"])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from components.identity.identity_center import GROUP_ID, INSTANCE_ARN
from components.identity.job_functions import GROUP_FUNCTIONS

if TYPE_CHECKING:
    from stacks.settings import CellSettings, StackSettings
    from stacks.settings_reader import _Reader

IDENTITY_KEYS = ("instanceArn", "region", "identityStoreId", "idp", "groups", "jit")
REQUIRED_IDENTITY_KEYS = ("instanceArn", "region", "identityStoreId", "idp", "groups")
IDP_KEYS = ("protocol", "metadataUrl", "scim")
JIT_KEYS = ("maxHours",)
IDENTITY_STORE_ID = re.compile(r"^d-[0-9a-f]{10}$")
IDP_PROTOCOLS = ("saml",)


@dataclass(frozen=True)
class IdpSettings:
    """The external identity provider people sign in at."""

    protocol: str
    """saml: the IdP federates sign-in to Identity Center."""
    metadata_url: str
    """HTTPS URL of the IdP's SAML metadata (what Identity Center's external IdP setting is given)."""
    scim: bool = True
    """Users and groups are provisioned by SCIM from the IdP (always true: none is made by hand)."""


@dataclass(frozen=True)
class IdentitySettings:
    """IAM Identity Center for the stack (present: on)."""

    instance_arn: str
    region: str
    """Identity Center's home region."""
    identity_store_id: str
    idp: IdpSettings
    group_ids: Mapping[str, str] = field(default_factory=dict)
    """IdP group id per job function with a group."""
    jit_max_hours: int = 4
    """The longest just-in-time grant, in hours."""


def parse_identity(reader: _Reader, value: Any, cells: tuple[CellSettings, ...], role: str) -> IdentitySettings:
    """Validate the `identity` object; raises the reader's SettingsError naming the key.

    `region` must be a primary or standby region of one of the cells' jurisdictions; a primary-role stack runs
    the just-in-time workflow beside Identity Center, with its cell's keys, so there it must be a cell's region.
    """
    identity = reader.mapping("identity", value)
    reader.unknown_keys("identity.", identity, IDENTITY_KEYS)
    for key in REQUIRED_IDENTITY_KEYS:
        if key not in identity:
            raise reader.fail(f"identity.{key}", f"missing required key ({_REQUIRED_HELP[key]})")

    instance_arn = reader.string("identity.instanceArn", identity["instanceArn"])
    if not INSTANCE_ARN.fullmatch(instance_arn):
        raise reader.fail(
            "identity.instanceArn",
            f"{instance_arn!r} is not an Identity Center instance ARN; allowed: "
            "arn:aws:sso:::instance/ssoins-<16 hex digits>",
        )
    if role == "primary":
        allowed_regions = [cell.region for cell in cells]
        why = "a region of the stack's cells (just-in-time access runs there)"
    else:
        allowed_regions = list(
            dict.fromkeys(r for c in cells for r in (c.jurisdiction.primary_region, c.jurisdiction.standby_region))
        )
        why = "a paired region of the stack's jurisdictions"
    region = reader.string("identity.region", identity["region"])
    if region not in allowed_regions:
        raise reader.fail("identity.region", f"{region!r} is not {why}; allowed: {', '.join(allowed_regions)}")
    store_id = reader.matching(
        "identity.identityStoreId",
        identity["identityStoreId"],
        IDENTITY_STORE_ID,
        "an identity store id",
        "d-<10 hex digits>",
    )

    idp_value = reader.mapping("identity.idp", identity["idp"])
    reader.unknown_keys("identity.idp.", idp_value, IDP_KEYS)
    for key in ("protocol", "metadataUrl"):
        if key not in idp_value:
            raise reader.fail(f"identity.idp.{key}", f"missing required key ({_REQUIRED_HELP[f'idp.{key}']})")
    protocol = reader.string("identity.idp.protocol", idp_value["protocol"], IDP_PROTOCOLS)
    metadata_url = reader.url("identity.idp.metadataUrl", idp_value["metadataUrl"], ("https",))
    scim = idp_value.get("scim", True)
    if scim is not True:
        raise reader.fail(
            "identity.idp.scim",
            f"{_shown_value(scim)} is not allowed; allowed: true (users and groups come from the IdP by SCIM; "
            "none is made by hand)",
        )

    groups_value = reader.mapping("identity.groups", identity["groups"])
    reader.unknown_keys("identity.groups.", groups_value, GROUP_FUNCTIONS)
    group_ids: dict[str, str] = {}
    for function in GROUP_FUNCTIONS:
        key = f"identity.groups.{function}"
        if function not in groups_value:
            raise reader.fail(key, "missing required key (the IdP group id of the job function)")
        group_ids[function] = reader.matching(
            key,
            groups_value[function],
            GROUP_ID,
            "an identity store group id",
            "a UUID, optionally prefixed by 10 hex digits and '-'",
        )

    max_hours = 4
    if "jit" in identity:
        jit_value = reader.mapping("identity.jit", identity["jit"])
        reader.unknown_keys("identity.jit.", jit_value, JIT_KEYS)
        if "maxHours" in jit_value:
            max_hours = reader.integer("identity.jit.maxHours", jit_value["maxHours"], 1, 8)

    return IdentitySettings(
        instance_arn=instance_arn,
        region=region,
        identity_store_id=store_id,
        idp=IdpSettings(protocol=protocol, metadata_url=metadata_url, scim=True),
        group_ids=group_ids,
        jit_max_hours=max_hours,
    )


def identity_cell(settings: StackSettings) -> CellSettings | None:
    """The cell that declares Identity Center: the first whose jurisdiction allows the home region."""
    if settings.identity is None:
        return None
    region = settings.identity.region
    return next((cell for cell in settings.cells if region in cell.jurisdiction.allowed_regions), None)


def replica_region(settings: StackSettings) -> str | None:
    """Where prod's requests table keeps its replica, and dr its standby grant machine: the home region's pair in
    the home region's jurisdiction."""
    cell = identity_cell(settings)
    if cell is None or settings.identity is None:
        return None
    return cell.jurisdiction.paired_region(settings.identity.region)


def _shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)[:60]


_REQUIRED_HELP = {
    "instanceArn": "arn:aws:sso:::instance/ssoins-<16 hex digits>",
    "region": "Identity Center's home region",
    "identityStoreId": "d-<10 hex digits>",
    "idp": "an object: {protocol: saml, metadataUrl: https URL, scim: true}",
    "groups": f"an IdP group id per job function: {', '.join(GROUP_FUNCTIONS)}",
    "idp.protocol": "allowed: saml",
    "idp.metadataUrl": "an https URL of the IdP's SAML metadata",
}
