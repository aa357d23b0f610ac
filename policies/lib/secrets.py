"""Literal secrets: whether a `name=value` pair (an environment variable, a tag) holds a secret in plain text.

A value is a secret when it carries a known credential shape (an AWS access key id, a PEM private key, a GitHub
token, a JWT), when its key is named like a secret, or when it holds a long high-entropy token. The entropy test
is applied to the value's token-like stretches, not to the whole value, so a long resource name made of words
(`trustfabric-prod-eu-records-eu-central-1-123456789012`, a `Name` tag) is not mistaken for a key:

- the value is cut at `-`, `_`, `.`, `/` into segments; a segment of at least 4 characters that reads as a word
  (letters of one case, optionally capitalised, with at most one switch between letters and digits: `ledger`,
  `Prod`, `west2`, `2a`, `123456789012`) separates stretches;
- each stretch between such words (separators, short segments and random-looking segments, joined as written)
  is judged: 32 characters or more of token alphabet with Shannon entropy >= 4 bits per character is a secret.

A value without a word segment is one stretch, as before. Random tokens (an AWS secret access key, base64 and
base64url keys) have no word segments of 4 characters or more in practice, so they stay one stretch and are
caught; credential shapes that are caught whatever their entropy are matched by their own patterns.

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
_REFERENCE_SUFFIX = re.compile(
    r"(_|-)(ARN|NAME|ID|PATH|FILE|URL|URI|ENDPOINT|REF|PARAM|PARAMETER|HEADER|TTL|LENGTH)$", re.I
)
"""A key named after a secret but holding where it is or a property of it (`SECRETS_MANAGER_ENDPOINT`,
`API_KEY_LENGTH`, as rotation functions take them): not the secret itself."""
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_GITHUB_TOKEN = re.compile(r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})")
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_TOKENISH = re.compile(r"^[A-Za-z0-9+/=_\-.~]+$")
_SEPARATOR = re.compile(r"([-_./])")
_WORD = re.compile(r"^(?:[a-z]+\d*|[A-Z][a-z]+\d*|[A-Z]+\d*|\d+[a-z]*|\d+[A-Z]*)$")
HIGH_ENTROPY_MIN_LENGTH = 32
HIGH_ENTROPY_BITS = 4.0
WORD_MIN_LENGTH = 4
"""Shorter segments (`eu`, `2a`, `m6g`) neither separate stretches nor make them random."""


def shannon_entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(count / len(text) * math.log2(count / len(text)) for count in counts.values())


def token_stretches(text: str) -> list[str]:
    """The parts of `text` the entropy test judges: the stretches between word segments (see the module
    docstring), separators inside a stretch kept as written; the whole text when it has no word segment."""
    stretches: list[str] = []
    current = ""
    for piece in _SEPARATOR.split(text):
        if len(piece) >= WORD_MIN_LENGTH and _WORD.match(piece):
            stretches.append(current)
            current = ""
        else:
            current += piece
    stretches.append(current)
    return [stretch.strip("-_./") for stretch in stretches if stretch.strip("-_./")]


def is_high_entropy(text: str) -> bool:
    """True when a stretch of `text` is a long token of high entropy (see the module docstring)."""
    return any(
        len(stretch) >= HIGH_ENTROPY_MIN_LENGTH
        and _TOKENISH.match(stretch) is not None
        and shannon_entropy(stretch) >= HIGH_ENTROPY_BITS
        for stretch in token_stretches(text)
    )


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
    if _GITHUB_TOKEN.search(text):
        return "a GitHub token"
    if _JWT.search(text):
        return "a JSON Web Token"
    if text.startswith(("arn:", "{{resolve:")):
        return None
    if is_secret_name(name):
        return "a literal value for a secret-named key"
    if not text.startswith(("http:", "https:")) and is_high_entropy(text):
        return "a high-entropy string"
    return None
