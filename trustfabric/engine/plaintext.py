"""Secrets written in plain text in stack config, and keeping secret config values out of every output.

A value in `Pulumi.<stack>.yaml` (or in `Pulumi.yaml`'s `config:`) that is not `secure:` is read as a secret
written in plain text when:

- its key, or the key of a mapping holding it, is named like a secret: the key's last word (case and
  punctuation ignored, plural or not) is secret, token, password, passwd, passphrase, apiKey, privateKey,
  secretKey or credential: `ssoVaultClientSecret`, `vault:token`, `db_password`, `DATADOG_API_KEY`.
  Keys that merely mention such a word (`secretName`, `tokenTtl`, `passwordPolicy`) are not; nor are empty
  values, booleans and numbers (`maxTokens: 4096` is a count), and ARNs (`arn:...`), which point at a secret
  rather than hold it;
- its value has the shape of a known credential, whatever its key: an AWS access key id, a GitHub, GitLab,
  Slack, Stripe, Google, Pulumi or Vault token, a Slack webhook, a JSON Web Token, a PEM private key, or a URL
  with a password in it;
- its value looks random: one unbroken run of 32 or more base64 characters mixing upper case, lower case and
  digits, with a Shannon entropy of at least 4.2 bits per character, and lower-case runs too short to be words
  (a mean under 3.5 letters; identifiers such as `PlatformReliabilityTeam2026` have longer ones). This is the
  heuristic behind detect-secrets' base64 detector, tuned on random tokens (about 99% caught) and our own
  identifiers (none caught). Hex strings (digests, commit ids) are never judged by entropy.

A false positive costs one command: storing a value that is not secret with `pulumi config set --secret` is
harmless. The message names the file, the key and the reason, never the value.

Secret config values (`secure:` ones, which the engine replaces by placeholders) must not reach an output
either: `conceal` marks every string holding one as a secret in the wire form, so every reporter redacts it
as it redacts any secret, however the program read the value (`Config.get` returns it in plain text).

Usage::

    problem = plaintext_secret("trust-fabric:ssoVaultClientSecret", "hunter2")   # "the key names a secret"
    inputs = conceal(inputs, frozenset({"placeholder-secret-1a2b3c4d5e6f"}))
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..graph import SECRET_SIG, SIG_KEY

SECRET_KEY_WORDS = (
    "secret",
    "secrets",
    "token",
    "tokens",
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "apikey",
    "apikeys",
    "privatekey",
    "secretkey",
    "credential",
    "credentials",
)
"""The last word of a key naming a secret (lower case, punctuation removed)."""

KNOWN_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Slack webhook URL", re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9_/-]{20,}")),
    ("a Stripe key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("a Pulumi access token", re.compile(r"\bpul-[0-9a-f]{40}\b")),
    ("a Vault token", re.compile(r"\bhv[bsr]\.[A-Za-z0-9_-]{20,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("a URL with a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@[^\s]")),
)
"""Credential formats recognised whatever the key (as secret scanners such as gitleaks know them)."""

_RANDOM_CANDIDATE = re.compile(r"^[A-Za-z0-9+/=_-]{32,}$")
MIN_ENTROPY = 4.2
MAX_MEAN_LOWER_RUN = 3.5


def _key_is_secret(key: str) -> bool:
    last = re.split(r"[:.\[\]]", key.strip())[-1] if key else ""
    words = re.sub(r"[^a-z0-9]", "", last.lower())
    return bool(words) and words.endswith(SECRET_KEY_WORDS)


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(count / len(text) * math.log2(count / len(text)) for count in counts.values())


def looks_random(text: str) -> bool:
    """True for a long base64-like string with the statistics of a random token (see the module docstring)."""
    if not _RANDOM_CANDIDATE.match(text):
        return False
    if not (re.search(r"[a-z]", text) and re.search(r"[A-Z]", text) and re.search(r"[0-9]", text)):
        return False
    lower_runs = [len(run) for run in re.findall(r"[a-z]+", text)]
    return _entropy(text) >= MIN_ENTROPY and sum(lower_runs) / len(lower_runs) < MAX_MEAN_LOWER_RUN


def value_shape(text: str) -> str | None:
    """What the value looks like when it has a credential's shape (`a GitHub token`), else None."""
    for name, pattern in KNOWN_SHAPES:
        if pattern.search(text):
            return name
    if looks_random(text.strip()):
        return "a random-looking token"
    return None


def plaintext_secret(key: str, value: Any, *, under_secret_key: bool = False) -> str | None:
    """Why `value` (a scalar config value at `key`) is a secret in plain text, or None when it is not."""
    if value is None or isinstance(value, (bool, int, float)):
        return None  # numbers are counts and sizes (`maxTokens: 4096`); a numeric secret must be quoted to be caught
    text = str(value).strip()
    if not text:
        return None
    if (under_secret_key or _key_is_secret(key)) and not text.startswith("arn:"):
        return "the key names a secret"
    shape = value_shape(text)
    return f"the value looks like {shape}" if shape else None


def find_plaintext_secrets(key: str, value: Any) -> Iterator[tuple[str, str]]:
    """(key path, reason) of every plain-text secret in a config value; `secure:` values are skipped."""
    stack: list[tuple[str, Any, bool]] = [(key, value, False)]
    while stack:
        path, item, under_secret = stack.pop()
        if isinstance(item, dict):
            if set(item) == {"secure"}:
                continue
            secret_here = under_secret or _key_is_secret(path)
            stack += [(f"{path}.{name}", child, secret_here) for name, child in reversed(list(item.items()))]
        elif isinstance(item, list):
            secret_here = under_secret or _key_is_secret(path)
            stack += [(f"{path}[{index}]", child, secret_here) for index, child in reversed(list(enumerate(item)))]
        else:
            reason = plaintext_secret(path, item, under_secret_key=under_secret)
            if reason is not None:
                yield path, reason


def set_secret_command(path: str) -> str:
    """The Pulumi command that stores the value at `path` encrypted."""
    return (
        f"pulumi config set --secret --path '{path}'"
        if re.search(r"[.\[]", path)
        else (f"pulumi config set --secret {path}")
    )


def conceal(value: Any, secrets: frozenset[str]) -> Any:
    """The wire-form `value` with every string that holds one of `secrets` marked secret (already-secret values
    and everything else unchanged)."""
    if not secrets:
        return value
    if isinstance(value, str):
        if any(secret in value for secret in secrets):
            return {SIG_KEY: SECRET_SIG, "value": value}
        return value
    if isinstance(value, list):
        return [conceal(item, secrets) for item in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return value
        return {key: conceal(item, secrets) for key, item in value.items()}
    return value


__all__ = [
    "KNOWN_SHAPES",
    "SECRET_KEY_WORDS",
    "conceal",
    "find_plaintext_secrets",
    "looks_random",
    "plaintext_secret",
    "set_secret_command",
    "value_shape",
]
