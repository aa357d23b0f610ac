"""Secrets written in plain text in stack config: a configuration error naming the file, the key and the command
that stores it encrypted, never the value; and the same value as `secure:` is accepted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.robustness.conftest import DEV_STACK_FILE, STACK, STACK_FILE, assert_bad_input, run_cli

GITHUB_TOKEN = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
AWS_KEY_ID = "AKIA" + "QX7RZ2MLT4WB9NKD"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "Q7R2KX9LZT"
RANDOM_TOKEN = "q7Rk2ZLm9xTb4NwV8cJf3HsY6pDg1KaE5uWo"
JWT = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiJwbGF0Zm9ybSJ9." + "c2lnbmF0dXJlLXZhbHVlLXgxMg"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK1x\n-----END RSA PRIVATE KEY-----"

# (case id, config key, value as YAML data, the key path the message names, the words of the reason)
CASES: list[tuple[str, str, object, str, str]] = [
    ("password-key", "foreign:dbPassword", "hunter2-hunter2", "foreign:dbPassword", "the key names a secret"),
    ("snake-case-password", "foreign:db_password", "correct-horse", "foreign:db_password", "the key names a secret"),
    ("api-key", "foreign:apiKey", "abc123", "foreign:apiKey", "the key names a secret"),
    ("upper-api-key", "foreign:DATADOG_API_KEY", "0f1e2d3c", "foreign:DATADOG_API_KEY", "the key names a secret"),
    ("client-secret", "foreign:clientSecret", "s3cr3t", "foreign:clientSecret", "the key names a secret"),
    ("vault-token", "vault:token", "root-token-value", "vault:token", "the key names a secret"),
    ("github-token-key", "github:token", GITHUB_TOKEN, "github:token", "the key names a secret"),
    ("private-key", "foreign:privateKey", PEM, "foreign:privateKey", "the key names a secret"),
    ("aws-secret-key", "aws:secretKey", AWS_SECRET, "aws:secretKey", "the key names a secret"),
    ("passphrase", "foreign:signingPassphrase", "open sesame", "foreign:signingPassphrase", "names a secret"),
    ("quoted-numeric-password", "foreign:pinPassword", "123456", "foreign:pinPassword", "the key names a secret"),
    ("nested-password", "foreign:database", {"host": "db", "password": "pw-1"}, "foreign:database.password", "names"),
    ("under-credentials", "foreign:credentials", {"user": "svc", "pass": "x"}, "foreign:credentials.", "names"),
    ("list-of-tokens", "foreign:apiTokens", ["a", "b"], "foreign:apiTokens[0]", "the key names a secret"),
    ("github-token-shape", "foreign:team", GITHUB_TOKEN, "foreign:team", "looks like a GitHub token"),
    ("aws-key-id-shape", "foreign:accessKeyId", AWS_KEY_ID, "foreign:accessKeyId", "an AWS access key id"),
    ("slack-token-shape", "foreign:notify", "xoxb-" + "1234567890-abcdefghij", "foreign:notify", "a Slack token"),
    (
        "slack-webhook",
        "foreign:hook",
        "https://hooks.slack.com/services/T0000/B0000/" + "X" * 24,
        "foreign:hook",
        "Slack",
    ),
    ("vault-token-shape", "foreign:bootstrap", "hvs." + "CAESIJ" + "x" * 24, "foreign:bootstrap", "a Vault token"),
    ("jwt-shape", "foreign:session", JWT, "foreign:session", "a JSON Web Token"),
    ("pem-shape", "foreign:certificateBundle", PEM, "foreign:certificateBundle", "a private key"),
    ("url-with-password", "foreign:dsn", "postgres://ledger:pa55word@db:5432/ledger", "foreign:dsn", "a password"),
    ("random-token", "foreign:seed", RANDOM_TOKEN, "foreign:seed", "a random-looking token"),
    ("shape-inside-a-list", "foreign:hooks", [{"url": GITHUB_TOKEN}], "foreign:hooks[0].url", "GitHub token"),
]


def _value_text(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _value_text(item)]
    if isinstance(value, list):
        return [text for item in value for text in _value_text(item)]
    return [str(value)]


def _stack_file(key: str, value: object) -> str:
    return STACK_FILE + yaml.safe_dump({"config": {key: value}}).removeprefix("config:\n")


@pytest.mark.parametrize(("key", "value", "path", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["preview", "check"])
def test_a_plain_text_secret_is_a_configuration_error(
    foreign: Callable[..., Path], command: str, key: str, value: object, path: str, reason: str
):
    program = foreign(stack_file=_stack_file(key, value))
    line = assert_bad_input(
        run_cli([command, "--stack", STACK, "--program", program, "--format", "json"]),
        f"Pulumi.{STACK}.yaml",
        f": {path}",
        reason,
        "store it encrypted: pulumi config set --secret",
        secrets=[text for text in _value_text(value) if len(text) > 3],
    )
    assert "secure" not in line.split("pulumi config set", 1)[0]


def test_the_command_names_a_nested_key_by_its_path(foreign: Callable[..., Path]):
    program = foreign(stack_file=_stack_file("foreign:database", {"password": "pw-1"}))
    line = assert_bad_input(run_cli(["preview", "--stack", STACK, "--program", program]), "foreign:database.password")
    assert line.endswith("pulumi config set --secret --path 'foreign:database.password'")


def test_a_secret_as_a_project_default_is_refused(foreign: Callable[..., Path]):
    project = "name: foreign\nruntime: python\nconfig:\n  foreign:apiToken:\n    default: tok-123456\n"
    program = foreign(project_file=project)
    line = assert_bad_input(
        run_cli(["preview", "--stack", STACK, "--program", program]),
        "Pulumi.yaml",
        "foreign:apiToken",
        secrets=["tok-123456"],
    )
    assert "a secret cannot be a project default" in line


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("trust-fabric:ssoVaultClientSecret", "client-secret-value"),
        ("vault:token", "hvs.CAESIJxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("trust-fabric:owner", GITHUB_TOKEN),
    ],
    ids=["sso-client-secret", "vault-token", "token-as-owner"],
)
def test_our_stack_refuses_a_plain_text_secret(ours: Callable[[str], Path], key: str, value: str):
    program = ours(DEV_STACK_FILE + f"  {key}: {value}\n")
    assert_bad_input(
        run_cli(["preview", "--stack", "dev", "--program", program, "--format", "json"]),
        "Pulumi.dev.yaml",
        key,
        f"pulumi config set --secret {key}",
        secrets=[value],
    )


NOT_SECRETS = [
    ("foreign:secretName", "ledger/db-credentials"),
    ("foreign:tokenTtl", "3600"),
    ("foreign:maxTokens", 4096),
    ("foreign:passwordPolicy", "strict"),
    ("foreign:clientSecretArn", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:sso"),
    ("foreign:dbPasswordSecret", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db"),
    ("foreign:enableToken", True),
    ("foreign:contextTokens", 128000),
    ("foreign:apiKey", ""),
    ("foreign:team", "PlatformReliabilityTeamOwnerGroup2026Q4"),
    ("foreign:commit", "0123456789abcdef0123456789abcdef01234567"),
    ("foreign:image", "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"),
    ("foreign:instanceArn", "arn:aws:sso:::instance/ssoins-0123456789abcdef"),
    ("foreign:kmsKeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("foreign:url", "https://vault.example.internal:8200/v1/auth"),
]


@pytest.mark.parametrize(("key", "value"), NOT_SECRETS, ids=[key.split(":")[1] for key, _ in NOT_SECRETS])
def test_names_and_values_that_only_resemble_secrets_are_accepted(
    foreign: Callable[..., Path], key: str, value: object
):
    program = foreign(stack_file=_stack_file(key, value))
    outcome = run_cli(["preview", "--stack", STACK, "--program", program])
    assert (outcome.code, outcome.stderr) == (0, "")


def test_the_same_secret_as_secure_is_accepted_and_never_shown(foreign: Callable[..., Path]):
    program = foreign(stack_file=STACK_FILE + "  foreign:dbPassword:\n    secure: AAABADx7cGxhY2Vob2xkZXI=\n")
    outcome = run_cli(["preview", "--stack", STACK, "--program", program, "--format", "json"])
    assert outcome.code == 0, outcome.stderr
    assert "AAABADx7cGxhY2Vob2xkZXI=" not in outcome.stdout + outcome.stderr
    assert '"foreign:dbPassword": "[secret]"' in outcome.stdout
