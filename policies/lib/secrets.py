"""Literal secrets: whether a `name=value` pair (an environment variable, a tag) holds a secret in plain text.

Usage::

    from policies.lib.secrets import secret_reason

    assert secret_reason("DB_PASSWORD", "hunter2") == "a literal value for a secret-named key"
    assert secret_reason("DB_PASSWORD_ARN", "arn:aws:secretsmanager:...") is None
"""

from __future__ import annotations

import math
import re
from typing import Any

_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)",
    re.IGNORECASE,
)
_REFERENCE_SUFFIX = re.compile(r"(_|-)(ARN|NAME|ID|PATH|FILE|URL|URI|REF|PARAM|PARAMETER|HEADER|TTL)$", re.I)
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_TOKENISH = re.compile(r"^[A-Za-z0-9+/=_\-.~]+$")
HIGH_ENTROPY_MIN_LENGTH = 32
HIGH_ENTROPY_BITS = 4.0


def shannon_entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(count / len(text) * math.log2(count / len(text)) for count in counts.values())


def is_secret_name(name: str) -> bool:
    """True for a key named like a secret (and not like a reference to one: `DB_PASSWORD_ARN`)."""
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE_SUFFIX.search(name)


def secret_reason(name: str, value: Any) -> str | None:
    """Why a literal `name=value` pair looks like a secret, or None. References (ARNs, SSM/Secrets Manager
    names, `{{resolve:...}}`) and empty values are not secrets."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _ACCESS_KEY.search(text):
        return "an AWS access key id"
    if _PEM.search(text):
        return "a PEM private key"
    if text.startswith(("arn:", "{{resolve:")):
        return None
    if is_secret_name(name):
        return "a literal value for a secret-named key"
    if (
        len(text) >= HIGH_ENTROPY_MIN_LENGTH
        and _TOKENISH.match(text)
        and not text.startswith(("http:", "https:"))
        and shannon_entropy(text) >= HIGH_ENTROPY_BITS
    ):
        return "a high-entropy string"
    return None
