"""Literal secrets: long resource names made of words are not secrets; real credentials still are."""

from __future__ import annotations

import pytest

from policies.lib.secrets import secret_reason, token_stretches

NAMES = [
    "trustfabric-prod-uk-ledger-writer-eu-west-2a",
    "trustfabric-prod-uk-records-eu-west-2-123456789012",  # 4.38 bits over the whole value
    "trustfabric-prod-uk-ledger-writer-eu-west-2a-8f3a2c1",  # an auto-name suffix
    "trustfabric-prod-uk-ledger-cluster-instance-1-eu-west-2b",
    "uk-ledger-events-table-prod-eu-west-2-replica-4b1c9e2",
    "trustfabric-prod-uk-ledger-writer-eu-west-2a-0123456789abcdef",
    "TrustFabric-Prod-UK-Ledger-Writer-EU-West-2a-Primary",
    "ledger-550e8400-e29b-41d4-a716-446655440000",
    "trustfabric/prod/uk/ledger/writer/eu-west-2a/0123456789abcdef",
]

SECRETS = {
    # An AWS secret access key (AWS's documented example shape): 40 characters of base64 alphabet.
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": "a high-entropy string",
    "q8Zr4Lm2Vx9Tb7Nc1Hs6Kd3Wf5Yg0Pj8Ue4Ra2Io7": "a high-entropy string",
    # base64url with separators inside: still one stretch, no word segment
    "q8Zr4Lm2-x9Tb7Nc1Hs6_d3Wf5Yg0Pj8Ue4Ra2Io7": "a high-entropy string",
    # a random key appended to a name: the stretch after the words is judged on its own
    "ledger-writer-q8Zr4Lm2Vx9Tb7Nc1Hs6Kd3Wf5Yg0Pj8Ue4Ra2Io7": "a high-entropy string",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a": "a GitHub token",
    "github_pat_11ABCDEFG0123456789abc_defGHIJKLmnopQRSTuvwxYZ0123456789abcdefGHIJKLMNOPQRSTUVWXYZ01": (
        "a GitHub token"
    ),
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U": (
        "a JSON Web Token"
    ),
    "AKIAABCDEFGHIJKLMNOP": "an AWS access key id",
}


@pytest.mark.parametrize("value", NAMES)
def test_long_hyphenated_resource_names_are_not_secrets(value):
    assert secret_reason("Name", value) is None


@pytest.mark.parametrize(("value", "reason"), SECRETS.items(), ids=[reason for reason in SECRETS.values()])
def test_real_credentials_are_still_secrets_whatever_the_key(value, reason):
    assert secret_reason("Name", value) == reason


def test_the_entropy_test_judges_the_stretches_between_words():
    assert token_stretches("trustfabric-prod-uk-ledger-writer-eu-west-2a-8f3a2c1") == ["uk", "eu", "2a-8f3a2c1"]
    assert token_stretches("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]
    assert token_stretches("ledger") == []


def test_secret_named_keys_references_and_urls_keep_their_rules():
    assert secret_reason("DB_PASSWORD", "hunter2") == "a literal value for a secret-named key"
    assert secret_reason("DB_PASSWORD_ARN", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db") is None
    assert secret_reason("SECRETS_MANAGER_ENDPOINT", "https://secretsmanager.eu-west-2.amazonaws.com") is None
    assert secret_reason("API_KEY_LENGTH", "48") is None
    assert secret_reason("API_KEY", "48") == "a literal value for a secret-named key"
    assert secret_reason("SECRETS_MANAGER_ENDPOINT_TOKEN", "abc") == "a literal value for a secret-named key"
    assert secret_reason("Name", "https://example.com/q8Zr4Lm2Vx9Tb7Nc1Hs6Kd3Wf5Yg0Pj8Ue4Ra2Io7") is None
    assert secret_reason("Name", "") is None
