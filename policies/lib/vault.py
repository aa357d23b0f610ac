"""Shared readers of the Vault policies: ACL policy path blocks, durations, booleans as Vault parses them,
wildcards, numeric settings with their unknowns, and the pulumi-vault resource types that issue tokens or tune
an auth mount.

The type lists are the pulumi-vault resources whose constructor takes the token settings (`token_ttl`,
`token_max_ttl`, ...) or a `tune` block; a test checks them against the installed pulumi_vault, so a provider
upgrade that adds an auth method fails loudly until the list names it. The pack needs no pulumi-vault at run time.

Usage::

    from policies.lib.vault import duration_seconds, number, TOKEN_ISSUERS

    assert duration_seconds("1h30m") == 5400 and duration_seconds(900.0) == 900
    value, unknown = number(args.props, "tokenMaxTtl")     # (None, False) when unset
"""

from __future__ import annotations

import re
from typing import Any

from policies.lib.props import get, is_unknown

TOKEN_ISSUERS: dict[str, str] = {
    "vault:alicloud/authBackendRole:AuthBackendRole": "AliCloud auth role",
    "vault:appRole/authBackendRole:AuthBackendRole": "AppRole auth role",
    "vault:aws/authBackendRole:AuthBackendRole": "AWS auth role",
    "vault:azure/authBackendRole:AuthBackendRole": "Azure auth role",
    "vault:cf/authBackendRole:AuthBackendRole": "Cloud Foundry auth role",
    "vault:gcp/authBackendRole:AuthBackendRole": "GCP auth role",
    "vault:github/authBackend:AuthBackend": "GitHub auth backend",
    "vault:index/certAuthBackendRole:CertAuthBackendRole": "TLS certificate auth role",
    "vault:index/kerberosAuthBackendLdapConfig:KerberosAuthBackendLdapConfig": "Kerberos auth LDAP config",
    "vault:index/ociAuthBackendRole:OciAuthBackendRole": "OCI auth role",
    "vault:index/scepAuthBackendRole:ScepAuthBackendRole": "SCEP auth role",
    "vault:index/tpmAuthBackendRole:TpmAuthBackendRole": "TPM auth role",
    "vault:index/userpassAuthBackendUser:UserpassAuthBackendUser": "userpass user",
    "vault:jwt/authBackendRole:AuthBackendRole": "JWT/OIDC auth role",
    "vault:kubernetes/authBackendRole:AuthBackendRole": "Kubernetes auth role",
    "vault:ldap/authBackend:AuthBackend": "LDAP auth backend",
    "vault:okta/authBackend:AuthBackend": "Okta auth backend",
    "vault:radius/authBackend:AuthBackend": "RADIUS auth backend",
    "vault:saml/authBackendRole:AuthBackendRole": "SAML auth role",
    "vault:spiffe/authBackendRole:AuthBackendRole": "SPIFFE auth role",
    "vault:tokenauth/authBackendRole:AuthBackendRole": "token role",
}
"""Every pulumi-vault resource that issues tokens with its own token settings, and how messages name it."""

TUNED_AUTH_BACKENDS: dict[str, str] = {
    "vault:gcp/authBackend:AuthBackend": "GCP auth backend",
    "vault:github/authBackend:AuthBackend": "GitHub auth backend",
    "vault:index/authBackend:AuthBackend": "auth backend",
    "vault:index/ociAuthBackend:OciAuthBackend": "OCI auth backend",
    "vault:jwt/authBackend:AuthBackend": "JWT/OIDC auth backend",
    "vault:ldap/authBackend:AuthBackend": "LDAP auth backend",
    "vault:okta/authBackend:AuthBackend": "Okta auth backend",
    "vault:saml/authBackend:AuthBackend": "SAML auth backend",
}
"""Every pulumi-vault auth mount that takes a `tune` block (lease TTLs of the tokens it issues)."""

SYSTEM_MAX_TTL_SECONDS = 768 * 3600
"""Vault's default system maximum lease TTL (32 days): what an unset TTL falls back to."""

_COMMENT = re.compile(r"(#|//)[^\n]*|/\*.*?\*/", re.S)
_PATH_BLOCK = re.compile(r'path\s+"(?P<path>[^"]*)"\s*\{(?P<body>[^{}]*)\}', re.S)
_CAPABILITIES = re.compile(r"capabilities\s*=\s*\[(?P<items>[^\]]*)\]", re.S)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_TRUE = ("1", "t", "true")
_FALSE = ("0", "f", "false")


def path_capabilities(text: str) -> list[tuple[str, list[str]]]:
    """(path pattern, capabilities) of every `path "<pattern>" { capabilities = [...] }` block in Vault policy
    HCL, comments stripped."""
    text = _COMMENT.sub("", text)
    blocks = []
    for block in _PATH_BLOCK.finditer(text):
        capabilities: list[str] = []
        for found in _CAPABILITIES.finditer(block.group("body")):
            capabilities += re.findall(r'"([^"]*)"', found.group("items"))
        blocks.append((block.group("path"), capabilities))
    return blocks


def duration_seconds(value: Any) -> int | None:
    """Seconds of a Vault duration: a number of seconds, digits, or a duration string (`1h30m`, `768h`, `7d`);
    None when absent or not a duration."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    if not text or _DURATION.sub("", text):
        return None
    return int(sum(float(amount) * _UNITS[unit] for amount, unit in _DURATION.findall(text)))


def parse_bool(value: Any) -> bool | None:
    """A boolean option as Vault parses it (Go's strconv.ParseBool); None when absent or not a boolean."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def has_wildcard(value: Any) -> bool:
    """True for a binding that is or contains a glob (`*`), which Vault expands to many names."""
    return isinstance(value, str) and "*" in value


def number(props: Any, key: str) -> tuple[float | None, bool]:
    """(value, unknown) of a numeric setting: (None, False) when unset, (None, True) when not known."""
    if is_unknown(props, key):
        return None, True
    value = get(props, key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, False
    return float(value), False


def hours(seconds: float) -> str:
    """A number of seconds as messages spell it: `8 h`, `90 min`, `45 s`."""
    whole = int(seconds)
    if whole >= 3600 and whole % 3600 == 0:
        return f"{whole // 3600} h"
    if whole >= 60 and whole % 60 == 0:
        return f"{whole // 60} min"
    return f"{whole} s"
