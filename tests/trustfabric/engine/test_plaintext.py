"""Plain-text secrets in config: what is read as one (by key, by shape, by randomness), what is not, and that
secret config values are marked secret wherever a program put them."""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path

import pytest

from trustfabric.engine.plaintext import conceal, find_plaintext_secrets, looks_random, plaintext_secret, value_shape
from trustfabric.graph import SECRET_SIG, SIG_KEY

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("trust-fabric:ssoVaultClientSecret", "the key names a secret"),
        ("vault:token", "the key names a secret"),
        ("app:db_password", "the key names a secret"),
        ("app:DATADOG_API_KEY", "the key names a secret"),
        ("app:signing-private-key", "the key names a secret"),
        ("aws:secretKey", "the key names a secret"),
        ("app:kubeCredentials", "the key names a secret"),
        ("app:secretName", None),
        ("app:tokenTtl", None),
        ("app:passwordPolicy", None),
        ("app:owner", None),
    ],
)
def test_keys_named_like_secrets(key: str, reason: str | None):
    assert plaintext_secret(key, "some-value") == reason


def test_empty_values_booleans_numbers_and_arns_are_not_secrets():
    for value in ("", "  ", None, True, 4096, 1.5, "arn:aws:secretsmanager:eu-west-2:123456789012:secret:x"):
        assert plaintext_secret("app:apiToken", value) is None


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("AKIA" + "QX7RZ2MLT4WB9NKD", "an AWS access key id"),
        ("ghp_" + "a" * 36, "a GitHub token"),
        ("github_pat_" + "A1" * 20, "a GitHub token"),
        ("glpat-" + "x" * 20, "a GitLab token"),
        ("xoxb-123456789012-abcdef", "a Slack token"),
        ("https://hooks.slack.com/services/T00000000/B00000000/" + "X" * 24, "a Slack webhook URL"),
        ("sk_live_" + "a1B2" * 6, "a Stripe key"),
        ("AIza" + "B" * 35, "a Google API key"),
        ("pul-" + "0a" * 20, "a Pulumi access token"),
        ("hvs." + "CAES" * 6, "a Vault token"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "a JSON Web Token"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n", "a private key"),
        ("postgresql://ledger:hunter2@db.internal:5432/ledger", "a URL with a password"),
        ("q7Rk2ZLm9xTb4NwV8cJf3HsY6pDg1KaE5uWo", "a random-looking token"),
    ],
)
def test_credential_shapes_whatever_the_key(value: str, shape: str):
    assert value_shape(value) == shape
    assert plaintext_secret("app:anything", value) == f"the value looks like {shape}"


def test_random_tokens_are_caught_and_identifiers_are_not():
    alphabet = string.ascii_letters + string.digits
    tokens = [secrets.token_urlsafe(32) for _ in range(200)] + [
        "".join(secrets.choice(alphabet) for _ in range(40)) for _ in range(200)
    ]
    caught = sum(looks_random(token) for token in tokens)
    assert caught >= 0.95 * len(tokens)
    identifiers = [
        "PlatformReliabilityTeamOwnerGroup2026Q4",
        "ThisIsAVeryLongResourceNameWithNumbers123",
        "trustfabric-prod-uk-records-eu-west-2-123456789012",
        "0123456789abcdef0123456789abcdef01234567",
        "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "DOCKER_IMAGE_TAG_v1_2_3_release_candidate",
    ]
    assert [identifier for identifier in identifiers if value_shape(identifier)] == []


def test_no_value_of_the_repository_stacks_looks_like_a_secret():
    found = []

    def walk(value: object, key: str) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, str(name))
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and value_shape(value):
            found.append((key, value[:60]))

    for snapshot in sorted((REPO_ROOT / "tests" / "golden").glob("*.json")):
        walk(json.loads(snapshot.read_text(encoding="utf-8")), "")
    assert found == []


def test_secrets_are_found_at_their_path_and_secure_values_are_skipped():
    value = {"host": "db", "password": "pw", "replica": {"secure": "AAAB"}, "tokens": ["a"], "users": [{"apiKey": "k"}]}
    assert list(find_plaintext_secrets("app:database", value)) == [
        ("app:database.password", "the key names a secret"),
        ("app:database.tokens[0]", "the key names a secret"),
        ("app:database.users[0].apiKey", "the key names a secret"),
    ]


def test_conceal_marks_every_string_holding_a_secret_value():
    placeholder = "placeholder-secret-0123456789ab"
    wire = {
        "plain": placeholder,
        "inside": f"password={placeholder};",
        "other": "fine",
        "list": [placeholder, 1],
        "already": {SIG_KEY: SECRET_SIG, "value": placeholder},
    }
    concealed = conceal(wire, frozenset({placeholder}))
    secret = {SIG_KEY: SECRET_SIG, "value": placeholder}
    assert concealed == {
        "plain": secret,
        "inside": {SIG_KEY: SECRET_SIG, "value": f"password={placeholder};"},
        "other": "fine",
        "list": [secret, 1],
        "already": secret,
    }
    assert conceal(wire, frozenset()) is wire
