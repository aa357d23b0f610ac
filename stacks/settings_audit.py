"""Typed `audit` settings: the audit account that holds the evidence store (`components/security/evidence_store.py`).

The evidence ledger and packages live in an account of their own, apart from every workload account, so that
no one who runs the workloads (and no credential a workload leaks) can alter the record of how they were run. The
stack reaches that account through one `aws.Provider` that assumes `roleName` there with `externalId`.

=============================  ========  ==========================================================================
key (`trust-fabric:audit`)     required  meaning
=============================  ========  ==========================================================================
accountId                      yes       the audit account: 12 digits
roleName                       yes       the role the deploy assumes there: an IAM role name (1-64 of letters,
                                         digits and `+=,.@_-`)
externalId                     yes       the external id that role's trust policy requires: 2-1224 of letters,
                                         digits and `+=,.@:/_-`
sessionName                    no        the assumed session's name (default `trustfabric-<stack>-evidence`)
=============================  ========  ==========================================================================

`audit` is required on prod, the stack that declares the evidence store; other stacks may leave it out. A bad
value fails with one line naming the file and the key, as every other setting does::

    Pulumi.prod.yaml: trust-fabric:audit.accountId: '1234' is not an AWS account id; allowed: 12 digits

Usage::

    from stacks.settings_audit import parse_audit

    audit = parse_audit(reader, raw_value, stack="prod")   # reader: the settings module's key reader
    audit.role_arn                                          # arn:aws:iam::<accountId>:role/<roleName>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

KEY = "audit"
AUDIT_KEYS = ("accountId", "roleName", "externalId", "sessionName")
REQUIRED_AUDIT_KEYS = ("accountId", "roleName", "externalId")
ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
MISSING_ON_PROD = (
    "missing required key for stack prod (the evidence store lives in the audit account); "
    "allowed: an object with accountId, roleName and externalId"
)
_ALLOWED = {
    "accountId": ("an AWS account id", "12 digits, quoted"),
    "roleName": ("an IAM role name", "1-64 letters, digits or '+=,.@_-'"),
    "externalId": ("an external id", "2-1224 letters, digits or '+=,.@:/_-'"),
    "sessionName": ("a role session name", "2-64 letters, digits or '+=,.@_-'"),
}
_PATTERNS = {"accountId": ACCOUNT_ID, "roleName": ROLE_NAME, "externalId": EXTERNAL_ID, "sessionName": SESSION_NAME}


@dataclass(frozen=True)
class AuditSettings:
    """The audit account and how the stack reaches it."""

    account_id: str
    """The audit account's id: where the evidence store and its key live."""
    role_name: str
    """The role the stack assumes in the audit account to declare the store."""
    external_id: str
    """The external id the role's trust policy requires (sts:ExternalId)."""
    session_name: str
    """The assumed role session's name, as CloudTrail in the audit account records it."""

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.role_name}"


class SettingsReader(Protocol):
    """What `stacks.settings` reads keys with (its `_Reader`): each failure is one line naming file and key."""

    def fail(self, key: str, message: str) -> ValueError: ...

    def mapping(self, key: str, value: Any) -> dict[str, Any]: ...

    def unknown_keys(self, key_prefix: str, given: dict[str, Any], allowed: tuple[str, ...]) -> None: ...

    def matching(self, key: str, value: Any, pattern: re.Pattern[str], what: str, allowed: str) -> str: ...


def _account_text(raw: Any) -> Any:
    # YAML reads an unquoted account id as an integer; its digits are the id (a leading zero would be lost, and
    # the 12-digit check then refuses it, asking for the quoted form).
    return str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw


def parse_audit(reader: SettingsReader, value: Any, *, stack: str) -> AuditSettings:
    """The `audit` object of the stack file, validated."""
    given = reader.mapping(KEY, value)
    reader.unknown_keys(f"{KEY}.", given, AUDIT_KEYS)
    for name in REQUIRED_AUDIT_KEYS:
        if name not in given:
            raise reader.fail(f"{KEY}.{name}", f"missing required key; allowed: {_ALLOWED[name][1]}")
    parsed = {
        name: reader.matching(
            f"{KEY}.{name}", _account_text(raw) if name == "accountId" else raw, _PATTERNS[name], *_ALLOWED[name]
        )
        for name, raw in given.items()
    }
    return AuditSettings(
        account_id=parsed["accountId"],
        role_name=parsed["roleName"],
        external_id=parsed["externalId"],
        session_name=parsed.get("sessionName", f"trustfabric-{stack}-evidence"),
    )
