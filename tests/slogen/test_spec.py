"""SLO specs: the repository's specs load; every class of bad spec fails with the exact message."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.errors import InputError
from slogen.promql import parse_selector
from slogen.spec import (
    LatencyIndicator,
    RatioIndicator,
    SloSpecError,
    TimesliceIndicator,
    load_slo,
    load_slo_dir,
)

REPO = Path(__file__).resolve().parents[2]
BASE: dict[str, Any] = yaml.safe_load((REPO / "slos" / "ingestion-availability.yaml").read_text())
PREFIX = "slos/ingest.yaml: "


def test_repository_specs_load_with_the_required_objectives() -> None:
    slos = {slo.name: slo for slo in load_slo_dir(REPO / "slos")}
    assert {name: (slo.target, slo.window) for name, slo in slos.items()} == {
        "api-latency": (0.99, "30d"),
        "extraction-availability": (0.995, "30d"),
        "filing-success": (0.999, "30d"),
        "ingestion-availability": (0.999, "30d"),
        "ledger-freshness": (0.99, "30d"),
        "model-drift-resolution": (0.99, "30d"),
    }
    assert isinstance(slos["api-latency"].indicator, LatencyIndicator)
    assert slos["api-latency"].indicator.le == "0.5"
    assert isinstance(slos["ledger-freshness"].indicator, TimesliceIndicator)
    assert isinstance(slos["filing-success"].indicator, RatioIndicator)
    assert {slo.tier for slo in slos.values()} == {"tier0", "tier1", "records"}


def test_selector_parsing_round_trips_and_matches_like_prometheus() -> None:
    selector = parse_selector('http_requests_total{service="ingestion", code=~"5..", path!="/health"}')
    assert selector.render() == 'http_requests_total{service="ingestion",code=~"5..",path!="/health"}'
    assert selector.matches({"service": "ingestion", "code": "503", "path": "/v1"})
    assert not selector.matches({"service": "ingestion", "code": "5030", "path": "/v1"})  # regexes are anchored
    assert not selector.matches({"service": "ingestion", "code": "503", "path": "/health"})


def _write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: Any) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "slos").mkdir(exist_ok=True)
    path = Path("slos/ingest.yaml")
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document), encoding="utf-8")
    return path


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is _DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _compose(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


_DELETE = object()
BAD_SPECS = [
    (
        "target above 1",
        _set("spec.objectives.0.target", 1.5),
        "spec.objectives[0].target: must be a number between 0 and 1, got 1.5",
    ),
    (
        "target of 1",
        _set("spec.objectives.0.target", 1),
        "spec.objectives[0].target: must be a number between 0 and 1, got 1",
    ),
    (
        "target zero",
        _set("spec.objectives.0.target", 0),
        "spec.objectives[0].target: must be a number between 0 and 1, got 0",
    ),
    (
        "target as text",
        _set("spec.objectives.0.target", "0.999"),
        "spec.objectives[0].target: must be a number between 0 and 1, got '0.999'",
    ),
    (
        "target boolean",
        _set("spec.objectives.0.target", True),
        "spec.objectives[0].target: must be a number between 0 and 1, got True",
    ),
    ("target missing", _set("spec.objectives.0.target", _DELETE), "spec.objectives[0].target: is required"),
    (
        "target too loose for the page burn rate",
        _set("spec.objectives.0.target", 0.9),
        "spec.objectives[0].target: 0.9 leaves so large a budget that the 6x page burn rate needs 60% errors, not "
        "below the 36% over 5m at which the full-outage page condition fires; use a target above 0.94",
    ),
    (
        "target just too loose for a 7-day window",
        _compose(_set("spec.objectives.0.target", 0.74), _set("spec.timeWindow.0.duration", "7d")),
        "spec.objectives[0].target: 0.74 leaves so large a budget that the 1.4x page burn rate needs 36.4% errors, "
        "not below the 36% over 5m at which the full-outage page condition fires; use a target above 0.7429",
    ),
    ("service missing", _set("spec.service", _DELETE), "spec.service: is required"),
    ("name missing", _set("metadata.name", _DELETE), "metadata.name: is required"),
    (
        "name not a label",
        _set("metadata.name", "Ingest_SLO"),
        "metadata.name: must be lowercase letters, digits and hyphens, got 'Ingest_SLO'",
    ),
    ("owner of the wrong type", _set("spec.owner", 42), "spec.owner: must be a non-empty string, got 42"),
    (
        "unknown tier",
        _set("spec.tier", "tier2"),
        "spec.tier: must be one of tier0, tier1, records, got 'tier2'",
    ),
    (
        "window in words",
        _set("spec.timeWindow.0.duration", "30 days"),
        "spec.timeWindow[0].duration: must look like '30d' or '4w', got '30 days'",
    ),
    (
        "window in years",
        _set("spec.timeWindow.0.duration", "1y"),
        "spec.timeWindow[0].duration: must look like '30d' or '4w', got '1y'",
    ),
    (
        "window too short",
        _set("spec.timeWindow.0.duration", "3d"),
        "spec.timeWindow[0].duration: must be between 7d and 90d, got '3d'",
    ),
    (
        "calendar window",
        _set("spec.timeWindow.0.isRolling", False),
        "spec.timeWindow[0].isRolling: only rolling windows are supported, got False",
    ),
    (
        "two objectives",
        _set("spec.objectives", [{"target": 0.99}, {"target": 0.999}]),
        "spec.objectives: must be a list with exactly one objective, got [{'target': 0.99}, {'target': 0.999}]",
    ),
    ("spec not a mapping", _set("spec", "ingestion"), "spec: must be a mapping, got str 'ingestion'"),
    (
        "wrong apiVersion",
        _set("apiVersion", "openslo/v1alpha"),
        "apiVersion: must be 'openslo/v1', got 'openslo/v1alpha'",
    ),
    ("wrong kind", _set("kind", "SLI"), "kind: must be 'SLO', got 'SLI'"),
    (
        "runbook outside runbooks/",
        _set("spec.runbook", "docs/ingest.md"),
        "spec.runbook: must be a path like 'runbooks/slo-ingestion-availability.md', got 'docs/ingest.md'",
    ),
    (
        "no indicator kind",
        _set("spec.indicator", {}),
        "spec.indicator: must hold exactly one of ratio, latency, timeslice, got none",
    ),
    (
        "unknown indicator kind",
        _set("spec.indicator", {"freshness": {}}),
        "spec.indicator: unknown key 'freshness'; allowed: ratio, latency, timeslice",
    ),
    (
        "malformed selector",
        _set("spec.indicator.ratio.bad", "sum(rate(http_requests_total[5m]))"),
        "spec.indicator.ratio.bad: must be a PromQL selector like 'metric{label=\"value\"}', "
        "got 'sum(rate(http_requests_total[5m]))'",
    ),
    (
        "bad and total on different metrics",
        _set("spec.indicator.ratio.bad", 'http_errors_total{service="ingestion"}'),
        "spec.indicator.ratio.bad: must count the same metric as total ('http_requests_total'), got 'http_errors_total'",
    ),
    (
        "example bad series that the bad selector does not count",
        _set("spec.indicator.ratio.testLabels.bad.code", "404"),
        "spec.indicator.ratio.testLabels.bad: the example series {'service': 'ingestion', 'handler': '/v1/documents', "
        "'code': '404'} does not count as bad by spec.indicator.ratio.bad",
    ),
    (
        "budgeting method that does not fit the indicator",
        _set("spec.budgetingMethod", "Timeslices"),
        "spec.budgetingMethod: must be 'Occurrences' for a ratio indicator, got 'Timeslices'",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in BAD_SPECS], ids=[case[0] for case in BAD_SPECS])
def test_bad_spec_names_file_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = copy.deepcopy(BASE)
    mutate(document)
    path = _write(tmp_path, monkeypatch, document)
    with pytest.raises(SloSpecError) as caught:
        load_slo(path)
    assert str(caught.value) == PREFIX + message
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 2


def test_bad_latency_and_timeslice_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    latency = copy.deepcopy(BASE)
    latency["spec"]["indicator"] = {
        "latency": {"histogram": 'http_request_duration_seconds{le="0.5"}', "threshold": 0.5}
    }
    with pytest.raises(SloSpecError) as caught:
        load_slo(_write(tmp_path, monkeypatch, latency))
    assert (
        str(caught.value)
        == PREFIX + "spec.indicator.latency.histogram: must not match on 'le'; the threshold chooses the bucket"
    )

    latency["spec"]["indicator"] = {"latency": {"histogram": "http_request_duration_seconds", "threshold": -1}}
    with pytest.raises(SloSpecError) as caught:
        load_slo(_write(tmp_path, monkeypatch, latency))
    assert str(caught.value) == PREFIX + "spec.indicator.latency.threshold: must be a number above 0, got -1"

    timeslice = copy.deepcopy(BASE)
    timeslice["spec"]["budgetingMethod"] = "Timeslices"
    timeslice["spec"]["indicator"] = {"timeslice": {"gauge": "lag_seconds", "comparison": "==", "threshold": 60}}
    with pytest.raises(SloSpecError) as caught:
        load_slo(_write(tmp_path, monkeypatch, timeslice))
    assert str(caught.value) == PREFIX + "spec.indicator.timeslice.comparison: must be one of <, <=, >, >=, got '=='"


def test_unparsable_yaml_and_duplicate_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, monkeypatch, "spec: [unclosed\n")
    with pytest.raises(SloSpecError, match=r"^slos/ingest\.yaml: not valid YAML: "):
        load_slo(path)

    _write(tmp_path, monkeypatch, BASE)
    Path("slos/copy.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    with pytest.raises(SloSpecError) as caught:
        load_slo_dir(Path("slos"))
    assert str(caught.value) == (
        "slos/ingest.yaml: metadata.name: 'ingestion-availability' is already defined in slos/copy.yaml"
    )

    Path("empty").mkdir()
    with pytest.raises(SloSpecError) as caught:
        load_slo_dir(Path("empty"))
    assert str(caught.value) == "empty: holds no SLO specs (*.yaml)"
