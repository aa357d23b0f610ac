"""Typed `models` settings: the model families a stack serves, with their evaluation and drift thresholds.

A section of the stack settings (`trust-fabric:models`, read by `stacks.settings.parse_settings`), validated
before any resource is declared. A bad value fails with one line naming the file, the key and what is allowed::

    Pulumi.prod.yaml: trust-fabric:models[0].evaluation.accuracy: 1.5 is out of range; allowed: 0..1

Each entry (keys in the stack file's camelCase):

=============  ========  =========================================================================
key            required  meaning
=============  ========  =========================================================================
name           yes       model family, e.g. document-extraction: 3-40 lowercase letters, digits, '-'
owner          no        the team accountable for it (default: the stack's owner), a tag value
tier           no        critical, high or standard (default standard): how closely it is watched
ga             no        generally available (default false): GA models must have evaluation and
                         drift thresholds, and get the full monitoring footprint
jurisdictions  no        codes of the cells it serves (default: every cell of the stack)
evaluation     GA: yes   {metric: minimum} for accuracy, precision, recall, f1 (each 0..1): a version
                         below any minimum is rejected by the approval gate
drift          GA: yes   {featureDrift: 0..1, accuracyDrop: 0..1}: the alarm thresholds of the
                         drift monitors (distance from the baseline; accuracy lost since approval)
features       GA: yes   the input features of the approved version's baseline (its columns), 1-50
                         names of 1-64 lowercase letters, digits and single '_': the data-quality
                         monitor publishes a drift metric per feature, exported to the cell's
                         Prometheus and drawn per feature on the evaluation dashboard
version        no        the approved version a GA model's endpoint serves (default 1); rolling
                         back is setting it to the previous approved version
candidateVersion  no     a version served as a shadow variant beside it (never answers a request)
=============  ========  =========================================================================

Usage::

    from stacks.settings import parse_settings

    settings = parse_settings({..., "trust-fabric:models": '[{"name": "tax-computation"}]'}, ...)
    for model in settings.models:
        print(model.name, model.ga, model.evaluation)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.residency import CODES
from stacks.settings import OWNER
from stacks.settings_reader import _Reader, _shown, _type_name

MODEL_NAME = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
"""A model family's name: part of the model package group's and every child resource's name."""
TIERS = ("critical", "high", "standard")
"""How closely a model is watched: critical pages at once on drift, high and standard open a ticket."""
EVALUATION_METRICS = ("accuracy", "precision", "recall", "f1")
"""Metrics the evaluation pipeline computes against a jurisdiction's golden dataset (each 0..1, higher is better)."""
DRIFT_METRICS = ("featureDrift", "accuracyDrop")
"""Drift alarm thresholds: the data-quality monitor's distance from the baseline, and the accuracy lost since
the version was approved (the nightly evaluation's accuracy below the approved one)."""
FEATURE_NAME = re.compile(r"^(?=.{1,64}$)[a-z][a-z0-9]*(_[a-z0-9]+)*$")
"""A feature (a column of the baseline): part of a CloudWatch metric name (`feature_baseline_drift_<feature>`) and of
the Prometheus series the exporter makes of it, so two features never map to one series."""
FEATURE_TEXT = "1-64 lowercase letters, digits and single '_', starting with a letter"
MAX_FEATURES = 50
"""Each feature is one exported metric (one more GetMetricData query per scrape of the cell's exporter)."""
MODEL_KEYS = (
    "name",
    "owner",
    "tier",
    "ga",
    "jurisdictions",
    "evaluation",
    "drift",
    "features",
    "version",
    "candidateVersion",
)
MAX_VERSION = 1_000_000


@dataclass(frozen=True)
class ModelSettings:
    """One model family the stack serves."""

    name: str
    owner: str
    tier: str
    ga: bool
    jurisdictions: tuple[str, ...]
    """Codes of the cells that serve it; each of them declares its registry group and monitoring."""
    evaluation: Mapping[str, float] = field(default_factory=dict)
    """Metric -> the minimum a version must reach to be approved."""
    drift: Mapping[str, float] = field(default_factory=dict)
    """Drift metric (`DRIFT_METRICS`) -> the alarm threshold."""
    version: int = 1
    """The approved version served live (GA models)."""
    candidate_version: int | None = None
    """A version served in shadow beside it, or None."""
    features: tuple[str, ...] = ()
    """The baseline's input features, whose per-feature drift the data-quality monitor publishes (GA models)."""

    def serves(self, code: str) -> bool:
        return code in self.jurisdictions


def _fraction(reader: _Reader, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise reader.fail(key, f"expected a number, got {_type_name(value)}")
    if not 0 <= value <= 1:
        raise reader.fail(key, f"{value} is out of range; allowed: 0..1")
    return float(value)


def _thresholds(reader: _Reader, key: str, value: Any, allowed: tuple[str, ...]) -> dict[str, float]:
    mapping = reader.mapping(key, value)
    reader.unknown_keys(f"{key}.", mapping, allowed)
    return {metric: _fraction(reader, f"{key}.{metric}", number) for metric, number in mapping.items()}


def parse_models(reader: _Reader, value: Any, *, owner: str, cell_codes: Sequence[str]) -> tuple[ModelSettings, ...]:
    """The `models` list (already decoded from JSON), each entry validated; raises SettingsError."""
    if not isinstance(value, list):
        raise reader.fail("models", f"expected a list of models, got {_type_name(value)}")
    models: list[ModelSettings] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        key = f"models[{index}]"
        item = reader.mapping(key, item)
        reader.unknown_keys(f"{key}.", item, MODEL_KEYS)
        if "name" not in item:
            raise reader.fail(f"{key}.name", "missing required key; allowed: 3-40 lowercase letters, digits or '-'")
        name = reader.matching(
            f"{key}.name",
            item["name"],
            MODEL_NAME,
            "a model name",
            "3-40 lowercase letters, digits or '-', starting with a letter",
        )
        if name in seen:
            raise reader.fail(f"{key}.name", f"{name!r} is listed twice; each model family is one entry")
        seen.add(name)
        model_owner = reader.string(f"{key}.owner", item.get("owner", owner))
        if not OWNER.fullmatch(model_owner):
            raise reader.fail(
                f"{key}.owner",
                f"{_shown(model_owner)} is not a tag and label value; allowed: 1-63 letters, digits, '-', '_' or "
                "'.', starting and ending with a letter or digit",
            )
        tier = reader.string(f"{key}.tier", item.get("tier", "standard"), TIERS)
        ga = item.get("ga", False)
        if not isinstance(ga, bool):
            raise reader.fail(f"{key}.ga", f"expected a boolean, got {_type_name(ga)}")
        jurisdictions = _jurisdictions(reader, f"{key}.jurisdictions", item.get("jurisdictions"), cell_codes)
        evaluation = _thresholds(reader, f"{key}.evaluation", item.get("evaluation", {}), EVALUATION_METRICS)
        drift = _thresholds(reader, f"{key}.drift", item.get("drift", {}), DRIFT_METRICS)
        if ga and not evaluation:
            raise reader.fail(
                f"{key}.evaluation",
                f"a GA model needs evaluation thresholds; allowed: {', '.join(EVALUATION_METRICS)} (each 0..1)",
            )
        if ga:
            missing = [metric for metric in DRIFT_METRICS if metric not in drift]
            if missing:
                raise reader.fail(
                    f"{key}.drift", f"a GA model needs every drift threshold; missing: {', '.join(missing)}"
                )
        features = _features(reader, f"{key}.features", item.get("features", []))
        if ga and not features:
            raise reader.fail(
                f"{key}.features",
                f"a GA model needs the features its drift is monitored on; allowed: 1-{MAX_FEATURES} names of "
                f"{FEATURE_TEXT}",
            )
        version = reader.integer(f"{key}.version", item.get("version", 1), 1, MAX_VERSION)
        candidate = None
        if "candidateVersion" in item:
            candidate = reader.integer(f"{key}.candidateVersion", item["candidateVersion"], 1, MAX_VERSION)
            if candidate == version:
                raise reader.fail(
                    f"{key}.candidateVersion", f"{candidate} is the live version; allowed: another approved version"
                )
        models.append(
            ModelSettings(
                name, model_owner, tier, ga, jurisdictions, evaluation, drift, version, candidate, tuple(features)
            )
        )
    return tuple(models)


def _features(reader: _Reader, key: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise reader.fail(key, f"expected a list of feature names, got {_type_name(value)}")
    if len(value) > MAX_FEATURES:
        raise reader.fail(key, f"{len(value)} features; allowed: at most {MAX_FEATURES}")
    features: list[str] = []
    for position, feature in enumerate(value):
        where = f"{key}[{position}]"
        feature = reader.matching(where, feature, FEATURE_NAME, "a feature name", FEATURE_TEXT)
        if feature in features:
            raise reader.fail(where, f"{feature!r} is listed twice")
        features.append(feature)
    return features


def _jurisdictions(reader: _Reader, key: str, value: Any, cell_codes: Sequence[str]) -> tuple[str, ...]:
    if value is None:
        return tuple(cell_codes)
    if not isinstance(value, list) or not value:
        raise reader.fail(key, f"expected a non-empty list of jurisdiction codes, got {_type_name(value)}")
    codes: list[str] = []
    for position, code in enumerate(value):
        where = f"{key}[{position}]"
        code = reader.string(where, code)
        if code not in CODES:
            raise reader.fail(where, f"unknown jurisdiction {code!r}; allowed: {', '.join(CODES)}")
        if code not in cell_codes:
            raise reader.fail(where, f"{code} has no cell in this stack; allowed: {', '.join(cell_codes)}")
        if code in codes:
            raise reader.fail(where, f"{code} is listed twice")
        codes.append(code)
    return tuple(codes)
