"""Datadog's PagerDuty integration is declared, not clicked: prod names the account's subdomain, reads the REST API
token only as a Pulumi secret, and creates the service objects the monitors page through after the integration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stacks.settings import SettingsError, parse_settings
from tests.components.helpers import only
from trustfabric.engine import run_program
from trustfabric.graph import SECRET_SIG, SIG_KEY

INTEGRATION = "datadog:pagerduty/integration:Integration"
SERVICE_OBJECT = "datadog:pagerduty/serviceObject:ServiceObject"
REPO_ROOT = Path(__file__).resolve().parents[3]

ONE_CELL_PROD = """\
config:
  aws:region: eu-west-2
  trust-fabric:role: primary
  trust-fabric:size: small
  trust-fabric:cells:
    - jurisdiction: UK
  trust-fabric:vault:
    address: https://vault.example.internal:8200
  trust-fabric:oncall:
    pagerdutySubdomain: trustfabric-test
  trust-fabric:audit:
    {accountId: "444455556666", roleName: evidence-store-deployer, externalId: tf-evidence}
  trust-fabric:pagerdutyApiToken:
    secure: v1:aW50ZWdyYXRpb24tdG9rZW4=
"""


def is_secret(wire_value) -> bool:
    return isinstance(wire_value, dict) and wire_value.get(SIG_KEY) == SECRET_SIG


def test_prod_declares_the_integration_and_its_service_objects_after_it(prod, dr, dev):
    integration = only(prod, INTEGRATION, "datadog-pagerduty")
    assert integration.props["subdomain"] == "trustfabric"  # Pulumi.prod.yaml: trust-fabric:oncall
    assert prod.resources[integration.provider].type == "pulumi:providers:datadog"
    objects = prod.of_type(SERVICE_OBJECT)
    assert len(objects) == 2
    for service_object in objects:
        assert integration.urn in service_object.dependencies, service_object.name
        assert service_object.provider == integration.provider
        assert is_secret(service_object.inputs["serviceKey"]), service_object.name
    # The token is not in Pulumi.prod.yaml (only its owner can encrypt it for the stack): no literal stands in.
    assert "apiToken" not in integration.props
    # One Datadog account: dr and dev declare no second integration.
    for graph in (dr, dev):
        assert not graph.of_type(INTEGRATION)


def test_the_api_token_reaches_the_integration_only_as_a_secret(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text(
        f"name: trust-fabric\nruntime: python\nmain: {REPO_ROOT / 'stacks'}\n", encoding="utf-8"
    )
    (tmp_path / "Pulumi.prod.yaml").write_text(ONE_CELL_PROD, encoding="utf-8")
    graph = run_program(tmp_path, "prod")
    integration = only(graph, INTEGRATION, "datadog-pagerduty")
    assert integration.props["subdomain"] == "trustfabric-test"
    assert is_secret(integration.inputs["apiToken"])
    assert "apiToken" in integration.options.get("additional_secret_outputs", [])
    # What a reporter prints shows the token redacted.
    printed = json.loads(json.dumps(integration.to_dict()))
    assert printed["inputs"]["apiToken"] == {SIG_KEY: SECRET_SIG, "value": "[secret]"}


BASE = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": '[{"jurisdiction": "UK"}]',
    "trust-fabric:vault": '{"address": "https://vault.example.internal:8200"}',
    "trust-fabric:oncall": '{"pagerdutySubdomain": "trustfabric"}',
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}


@pytest.mark.parametrize(
    ("changes", "secret_keys", "message"),
    [
        (
            {"trust-fabric:oncall": '{"pagerdutySubdomain": "https://trustfabric.pagerduty.com"}'},
            frozenset(),
            "Pulumi.prod.yaml: trust-fabric:oncall.pagerdutySubdomain: 'https://trustfabric.pagerduty.com' is not a "
            "PagerDuty subdomain; allowed: the <subdomain> of https://<subdomain>.pagerduty.com (lower-case letters, "
            "digits, '-')",
        ),
        (
            {"trust-fabric:pagerdutyApiToken": "u+abcdefghijklmnopqr"},
            frozenset(),
            "Pulumi.prod.yaml: trust-fabric:pagerdutyApiToken: must be a secret; store it encrypted: "
            "pulumi config set --secret trust-fabric:pagerdutyApiToken",
        ),
    ],
)
def test_bad_integration_settings_are_refused_in_one_line(changes, secret_keys, message):
    with pytest.raises(SettingsError) as error:
        parse_settings(
            {**BASE, **changes},
            project="trust-fabric",
            stack="prod",
            source="Pulumi.prod.yaml",
            secret_keys=secret_keys,
        )
    assert str(error.value) == message


def test_good_integration_settings_parse_and_other_stacks_need_no_subdomain():
    secret = frozenset({"trust-fabric:pagerdutyApiToken"})
    settings = parse_settings(
        {**BASE, "trust-fabric:pagerdutyApiToken": "[secret]"},
        project="trust-fabric",
        stack="prod",
        source="Pulumi.prod.yaml",
        secret_keys=secret,
    )
    assert settings.oncall.pagerduty_subdomain == "trustfabric"
    dev = parse_settings(
        {key: value for key, value in BASE.items() if key != "trust-fabric:oncall"},
        project="trust-fabric",
        stack="dev",
        source="Pulumi.dev.yaml",
    )
    assert dev.oncall.pagerduty_subdomain is None
