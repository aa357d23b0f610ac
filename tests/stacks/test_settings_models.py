"""The `models` section of the stack settings: typed, defaults filled, every bad value one exact line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stacks.settings import SettingsError, parse_settings
from tests.stacks.test_settings import GOOD, preview_error

BASE = {
    "trust-fabric:role": "primary",
    "trust-fabric:cells": json.dumps([{"jurisdiction": "UK"}, {"jurisdiction": "EU"}]),
    "trust-fabric:vault": json.dumps({"address": "https://vault.example.internal:8200"}),
    "trust-fabric:audit": '{"accountId": "444455556666", "roleName": "evidence-store-deployer", "externalId": "tf-evidence"}',
}
GA = {
    "name": "tax-computation",
    "owner": "ml-tax",
    "tier": "critical",
    "ga": True,
    "evaluation": {"accuracy": 0.995},
    "drift": {"featureDrift": 0.15, "accuracyDrop": 0.005},
    "features": ["gross_income", "tax_year"],
}


def parse(models: Any, **extra: str):
    values = {**BASE, "trust-fabric:models": json.dumps(models), **extra}
    return parse_settings(values, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")


def refusal(models: Any) -> str:
    with pytest.raises(SettingsError) as error:
        parse(models)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_no_models_section_means_no_models():
    settings = parse_settings(BASE, project="trust-fabric", stack="prod", source="Pulumi.prod.yaml")
    assert settings.models == ()


def test_a_ga_model_is_read_with_its_thresholds():
    [model] = parse([GA]).models
    assert (model.name, model.owner, model.tier, model.ga) == ("tax-computation", "ml-tax", "critical", True)
    assert model.jurisdictions == ("UK", "EU")  # default: every cell of the stack
    assert dict(model.evaluation) == {"accuracy": 0.995}
    assert dict(model.drift) == {"featureDrift": 0.15, "accuracyDrop": 0.005}
    assert (model.version, model.candidate_version) == (1, None)
    assert model.features == ("gross_income", "tax_year")


def test_defaults_of_a_model_that_is_not_ga():
    [model] = parse([{"name": "anomaly-detection", "jurisdictions": ["EU"]}]).models
    assert model.features == ()
    assert (model.owner, model.tier, model.ga, model.jurisdictions) == (
        "platform-reliability",
        "standard",
        False,
        ("EU",),
    )
    assert model.serves("EU") and not model.serves("UK")


def test_versions_for_serving_and_shadow():
    [model] = parse([{**GA, "version": 3, "candidateVersion": 4}]).models
    assert (model.version, model.candidate_version) == (3, 4)


@pytest.mark.parametrize(
    ("models", "message"),
    [
        (
            {"name": "x"},
            "Pulumi.prod.yaml: trust-fabric:models: expected a list of models, got an object",
        ),
        (
            [{"owner": "ml-tax"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].name: missing required key; "
            "allowed: 3-40 lowercase letters, digits or '-'",
        ),
        (
            [{"name": "Tax_Computation"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].name: 'Tax_Computation' is not a model name; "
            "allowed: 3-40 lowercase letters, digits or '-', starting with a letter",
        ),
        (
            [{"name": "tax-computation"}, {"name": "tax-computation"}],
            "Pulumi.prod.yaml: trust-fabric:models[1].name: 'tax-computation' is listed twice; "
            "each model family is one entry",
        ),
        (
            [{"name": "tax-computation", "teir": "high"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].teir: unknown key; did you mean 'tier'? allowed: name, "
            "owner, tier, ga, jurisdictions, evaluation, drift, features, version, candidateVersion",
        ),
        (
            [{"name": "tax-computation", "tier": "gold"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].tier: 'gold' is not allowed; allowed: critical, high, standard",
        ),
        (
            [{"name": "tax-computation", "ga": "yes"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].ga: expected a boolean, got a string ('yes')",
        ),
        (
            [{"name": "tax-computation", "jurisdictions": ["US"]}],
            "Pulumi.prod.yaml: trust-fabric:models[0].jurisdictions[0]: US has no cell in this stack; allowed: UK, EU",
        ),
        (
            [{"name": "tax-computation", "jurisdictions": ["FR"]}],
            "Pulumi.prod.yaml: trust-fabric:models[0].jurisdictions[0]: unknown jurisdiction 'FR'; "
            "allowed: UK, EU, US, CA",
        ),
        (
            [{"name": "tax-computation", "jurisdictions": []}],
            "Pulumi.prod.yaml: trust-fabric:models[0].jurisdictions: expected a non-empty list of jurisdiction "
            "codes, got a list",
        ),
        (
            [{**GA, "evaluation": {"accuracy": 1.5}}],
            "Pulumi.prod.yaml: trust-fabric:models[0].evaluation.accuracy: 1.5 is out of range; allowed: 0..1",
        ),
        (
            [{**GA, "evaluation": {"acuracy": 0.9}}],
            "Pulumi.prod.yaml: trust-fabric:models[0].evaluation.acuracy: unknown key; did you mean 'accuracy'? "
            "allowed: accuracy, precision, recall, f1",
        ),
        (
            [{**GA, "evaluation": {"accuracy": "high"}}],
            "Pulumi.prod.yaml: trust-fabric:models[0].evaluation.accuracy: expected a number, got a string ('high')",
        ),
        (
            [{**GA, "evaluation": {}}],
            "Pulumi.prod.yaml: trust-fabric:models[0].evaluation: a GA model needs evaluation thresholds; "
            "allowed: accuracy, precision, recall, f1 (each 0..1)",
        ),
        (
            [{**GA, "drift": {"featureDrift": 0.2}}],
            "Pulumi.prod.yaml: trust-fabric:models[0].drift: a GA model needs every drift threshold; "
            "missing: accuracyDrop",
        ),
        (
            [{k: v for k, v in GA.items() if k != "features"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].features: a GA model needs the features its drift is "
            "monitored on; allowed: 1-50 names of 1-64 lowercase letters, digits and single '_', starting with a letter",
        ),
        (
            [{**GA, "features": "tax_year"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].features: expected a list of feature names, got a string "
            "('tax_year')",
        ),
        (
            [{**GA, "features": ["tax_year", "Tax-Year"]}],
            "Pulumi.prod.yaml: trust-fabric:models[0].features[1]: 'Tax-Year' is not a feature name; allowed: "
            "1-64 lowercase letters, digits and single '_', starting with a letter",
        ),
        (
            [{**GA, "features": ["tax__year"]}],
            "Pulumi.prod.yaml: trust-fabric:models[0].features[0]: 'tax__year' is not a feature name; allowed: "
            "1-64 lowercase letters, digits and single '_', starting with a letter",
        ),
        (
            [{**GA, "features": ["tax_year", "tax_year"]}],
            "Pulumi.prod.yaml: trust-fabric:models[0].features[1]: 'tax_year' is listed twice",
        ),
        (
            [{**GA, "features": [f"f{n}" for n in range(51)]}],
            "Pulumi.prod.yaml: trust-fabric:models[0].features: 51 features; allowed: at most 50",
        ),
        (
            [{**GA, "version": 0}],
            "Pulumi.prod.yaml: trust-fabric:models[0].version: 0 is out of range; allowed: 1..1000000",
        ),
        (
            [{**GA, "version": 2, "candidateVersion": 2}],
            "Pulumi.prod.yaml: trust-fabric:models[0].candidateVersion: 2 is the live version; "
            "allowed: another approved version",
        ),
        (
            [{**GA, "owner": "ml tax"}],
            "Pulumi.prod.yaml: trust-fabric:models[0].owner: 'ml tax' is not a tag and label value; allowed: "
            "1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
    ],
    ids=lambda value: "" if isinstance(value, str) else None,
)
def test_each_bad_value_is_one_exact_line(models, message):
    assert refusal(models) == message


def test_a_bad_model_fails_the_preview_with_one_line(tmp_path, capsys):
    bad = GOOD + "  trust-fabric:models:\n    - name: tax-computation\n      ga: true\n"
    assert preview_error(tmp_path, capsys, bad) == (
        "error: Pulumi.prod.yaml: trust-fabric:models[0].evaluation: a GA model needs evaluation thresholds; "
        "allowed: accuracy, precision, recall, f1 (each 0..1)"
    )
