"""Typed `datasets` settings: defaults, values, and one exact line for every bad value."""

from __future__ import annotations

import pytest

from stacks.settings import SettingsError, parse_settings
from stacks.settings_datasets import DatasetSettings
from tests.stacks.test_settings import GOOD, preview_error

BASE = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": '[{"jurisdiction": "UK"}]',
    "trust-fabric:vault": '{"address": "https://vault.example.internal:8200"}',
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}


def parse(values: dict[str, str]):
    return parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")


def test_stores_are_on_by_default_with_ten_year_locks():
    assert parse(BASE).datasets == DatasetSettings(enabled=True, lock_days=3653, access_log_retention_days=400)


def test_values_are_read():
    settings = parse(
        {**BASE, "trust-fabric:datasets": '{"enabled": false, "lockDays": 730, "accessLogRetentionDays": 3653}'}
    )
    assert settings.datasets == DatasetSettings(enabled=False, lock_days=730, access_log_retention_days=3653)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"lockDays": 30}', "trust-fabric:datasets.lockDays: 30 is out of range; allowed: 365..36500"),
        ('{"lockDays": "long"}', "trust-fabric:datasets.lockDays: expected an integer, got 'long'"),
        (
            '{"accessLogRetentionDays": 7}',
            "trust-fabric:datasets.accessLogRetentionDays: 7 is out of range; allowed: 365..3653",
        ),
        ('{"enabled": "yes"}', "trust-fabric:datasets.enabled: expected a boolean, got 'yes'; allowed: true, false"),
        (
            '{"lockdays": 400}',
            "trust-fabric:datasets.lockdays: unknown key; did you mean 'lockDays'? allowed: enabled, lockDays, "
            "accessLogRetentionDays",
        ),
        ("[]", "trust-fabric:datasets: expected an object, got a list"),
    ],
)
def test_bad_values_are_one_line_naming_the_file_and_key(value, message):
    with pytest.raises(SettingsError) as error:
        parse({**BASE, "trust-fabric:datasets": value})
    assert str(error.value) == f"Pulumi.prod.yaml: {message}"


def test_a_bad_value_fails_the_preview_in_one_line(tmp_path, capsys):
    stack_file = GOOD + "  trust-fabric:datasets:\n    lockDays: 10\n"
    assert preview_error(tmp_path, capsys, stack_file) == (
        "error: Pulumi.prod.yaml: trust-fabric:datasets.lockDays: 10 is out of range; allowed: 365..36500"
    )
