"""The pure generators: burn-rate factors and their scaling, labels, determinism, Datadog, Grafana, the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.observability import rules
from components.observability.rules import (
    alerting_rules,
    burn_rate_windows,
    datadog_monitors,
    datadog_slo,
    detection_minutes,
    generate_all,
    main,
    needs_full_outage_condition,
    prometheus_rule_file,
    recording_rules,
)
from components.observability.slo_spec import SloSpec, full_outage_cap, load_slo_dir, parse_slo

REPO = Path(__file__).resolve().parents[2]
SLOS = {slo.name: slo for slo in load_slo_dir(REPO / "slos")}
BASE: dict[str, Any] = yaml.safe_load((REPO / "slos" / "ingestion-availability.yaml").read_text())


def with_window(duration: str) -> SloSpec:
    document = copy.deepcopy(BASE)
    document["spec"]["timeWindow"][0]["duration"] = duration
    return parse_slo(document, f"slos/ingest-{duration}.yaml")


def test_thirty_day_factors_are_the_workbooks() -> None:
    pairs = [(w.kind, w.long_window, w.short_window, f) for w, f in burn_rate_windows(SLOS["ingestion-availability"])]
    assert pairs == [
        ("page", "1h", "5m", 14.4),
        ("page", "6h", "30m", 6.0),
        ("ticket", "1d", "2h", 3.0),
        ("ticket", "3d", "6h", 1.0),
    ]


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("7d", [3.36, 1.4, 0.7, 0.233333]),
        ("28d", [13.44, 5.6, 2.8, 0.933333]),
        ("4w", [13.44, 5.6, 2.8, 0.933333]),
    ],
)
def test_factors_scale_with_the_window_and_keep_the_budget_fraction(duration: str, expected: list[float]) -> None:
    slo = with_window(duration)
    windows = burn_rate_windows(slo)
    assert [factor for _, factor in windows] == expected
    hours = {"1h": 1, "6h": 6, "1d": 24, "3d": 72}
    fractions = [round(factor * hours[w.long_window] / (slo.window_days * 24), 4) for w, factor in windows]
    assert fractions == [0.02, 0.05, 0.1, 0.1]  # the share of the budget each alert spends, as for 30 days
    page = alerting_rules(slo)[0]
    assert f'slo:sli_error:ratio_rate1h{{slo="ingestion-availability"}} > ({expected[0]:g} * 0.001)' in page["expr"]
    assert any(rule["record"] == f"slo:sli_error:ratio_rate{slo.window}" for rule in recording_rules(slo))


def test_recording_rules_cover_every_window_with_slo_and_service_labels() -> None:
    slo = SLOS["ingestion-availability"]
    records = recording_rules(slo)
    names = [rule["record"] for rule in records]
    for window in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"):
        assert f"slo:sli_error:ratio_rate{window}" in names
    assert all(rule["labels"] == {"slo": slo.name, "service": "ingestion"} for rule in records)
    five = next(rule for rule in records if rule["record"] == "slo:sli_error:ratio_rate5m")
    assert five["expr"] == (
        '(sum(rate(http_requests_total{service="ingestion",handler="/v1/documents",code=~"5.."}[5m])) or vector(0))'
        ' / sum(rate(http_requests_total{service="ingestion",handler="/v1/documents"}[5m]))'
    )
    latency = next(r for r in recording_rules(SLOS["api-latency"]) if r["record"] == "slo:sli_error:ratio_rate5m")
    assert 'http_request_duration_seconds_bucket{service="api",le="0.5"}' in latency["expr"]
    ledger = recording_rules(SLOS["ledger-freshness"])[0]
    assert ledger["expr"] == 'max(ledger_replication_lag_seconds{service="ledger"}) >= bool 60'


def test_alerts_carry_severity_by_tier_and_link_their_runbook() -> None:
    expected_page = {
        "ingestion-availability": "sev1",
        "filing-success": "sev1",
        "api-latency": "sev1",
        "ledger-freshness": "sev1",
        "extraction-availability": "sev2",
    }
    for name, slo in SLOS.items():
        page, ticket = alerting_rules(slo, "https://example.test/blob/main/")
        assert page["labels"]["severity"] == expected_page[name]
        assert ticket["labels"]["severity"] == "sev3"
        for alert in (page, ticket):
            assert set(alert["labels"]) == {"severity", "slo", "service", "tier", "team"}
            assert set(alert["annotations"]) == {"summary", "description", "runbook_url"}
            assert alert["annotations"]["runbook_url"].startswith(
                f"https://example.test/blob/main/runbooks/slo-{name}.md#"
            )
        assert page["for"] == "0s" and ticket["for"] == "15m"


def test_full_outage_footprint_caps() -> None:
    # 90% of what two minutes of 100% errors show in the window: 0.9 * 2/60 and 0.9 * 2/5.
    assert (full_outage_cap(60), full_outage_cap(5)) == (0.03, 0.36)


def test_full_outage_condition_only_where_the_workbook_page_is_too_slow() -> None:
    # 14.4 x budget against the 3% a 2-minute outage shows over 1h: 1.44% (99.9%) is below, 7.2% and 14.4% above.
    assert {name: needs_full_outage_condition(slo) for name, slo in SLOS.items()} == {
        "api-latency": True,
        "extraction-availability": True,
        "filing-success": False,
        "ingestion-availability": False,
        "ledger-freshness": True,
    }
    page = alerting_rules(SLOS["api-latency"])[0]
    assert page["expr"].count("\nor\n") == 2
    assert page["expr"].endswith(
        '(\n  slo:sli_error:ratio_rate1h{slo="api-latency"} > 0.03\nand\n'
        '  slo:sli_error:ratio_rate5m{slo="api-latency"} > 0.36\n)'
    )
    assert "> (14.4 * 0.01)" in page["expr"] and "> (6 * 0.01)" in page["expr"]  # the workbook's, unchanged
    assert "or a full outage (errors above 3% over 1h and 36% over 5m)" in page["annotations"]["description"]
    ingestion = alerting_rules(SLOS["ingestion-availability"])[0]
    assert ingestion["expr"].count("\nor\n") == 1 and "0.36" not in ingestion["expr"]
    assert "full outage" not in ingestion["annotations"]["description"]
    for slo in SLOS.values():  # tickets never carry it
        assert alerting_rules(slo)[1]["expr"].count("\nor\n") == 1


def test_full_outage_detection_time_per_objective() -> None:
    # With clean history a full outage adds 1/60 to the 1h ratio a minute and 1/5 to the 5m ratio; no `for:` hold.
    # 99.9%: 14.4 x 0.1% = 1.44% < 1/60 after one minute. 99.5% and 99%: the full-outage condition (3% and 36%)
    # after two. The timeslice SLO counts its first bad sample, but 2 of 6 samples in 5m (33%) stay under 36%.
    assert {name: detection_minutes(slo) for name, slo in SLOS.items()} == {
        "api-latency": 2,
        "extraction-availability": 2,
        "filing-success": 1,
        "ingestion-availability": 1,
        "ledger-freshness": 2,
    }
    assert all(detection_minutes(with_window(duration)) <= 2 for duration in ("7d", "28d", "90d"))


def test_generation_is_deterministic_and_complete() -> None:
    first, second = generate_all(REPO / "slos"), generate_all(REPO / "slos")
    assert first == second
    assert set(first) == {
        "alertmanager/alertmanager.yml",
        *(f"prometheus/slo-{name}.rules.yml" for name in SLOS),
        *(f"prometheus/slo-{name}.test.yml" for name in SLOS),
        *(f"datadog/slo-{name}.json" for name in SLOS),
        *(f"grafana/slo-{service}.json" for service in ("api", "extraction", "filing", "ingestion", "ledger")),
    }
    rule_file = yaml.safe_load(first["prometheus/slo-ingestion-availability.rules.yml"])
    assert rule_file == json.loads(json.dumps(prometheus_rule_file(SLOS["ingestion-availability"])))


def test_datadog_definitions_use_the_same_factors() -> None:
    slo = SLOS["ingestion-availability"]
    definition = datadog_slo(slo)
    assert definition["type"] == "metric"
    assert definition["thresholds"] == [{"timeframe": "30d", "target": 99.9}]
    assert definition["query"]["denominator"] == (
        "sum:trustfabric.http_requests.count{service:ingestion,handler:/v1/documents}.as_count()"
    )
    assert definition["query"]["numerator"].endswith(
        " - sum:trustfabric.http_requests.count{service:ingestion,handler:/v1/documents,code:5*}.as_count()"
    )
    monitors = datadog_monitors(slo)
    assert [m["query"] for m in monitors] == [
        'burn_rate("{slo_id}").over("30d").long_window("1h").short_window("5m") > 14.4',
        'burn_rate("{slo_id}").over("30d").long_window("6h").short_window("30m") > 6',
        'burn_rate("{slo_id}").over("30d").long_window("1d").short_window("2h") > 3',
        'burn_rate("{slo_id}").over("30d").long_window("3d").short_window("6h") > 1',
    ]
    assert [m["priority"] for m in monitors] == ["1", "1", "3", "3"]
    # The full-outage condition has no Datadog form (one threshold for both windows): still the four monitors.
    assert [m["query"].rsplit(" > ", 1)[1] for m in datadog_monitors(SLOS["api-latency"])] == ["14.4", "6", "3", "1"]
    assert "@pagerduty-trustfabric-sev1" in monitors[0]["message"]
    assert datadog_slo(SLOS["filing-success"])["query"]["numerator"] == (
        "sum:trustfabric.filing_submissions.count{service:filing,outcome:accepted}.as_count()"
    )
    ledger = datadog_slo(SLOS["ledger-freshness"])
    assert ledger["type"] == "time_slice"
    assert ledger["sli_specification"]["time_slice"]["comparator"] == "<"
    assert datadog_slo(SLOS["extraction-availability"])["query"]["numerator"] == (
        "sum:trustfabric.http_requests.count{service:extraction,!code:5*}.as_count()"
    )


def test_datadog_refuses_a_window_it_cannot_hold() -> None:
    with pytest.raises(rules.SloSpecError) as caught:
        datadog_slo(with_window("28d"))
    assert str(caught.value) == (
        "slos/ingest-28d.yaml: spec.timeWindow[0].duration: Datadog SLOs support 7d, 30d or 90d, got '28d'"
    )


def test_grafana_dashboard_per_service_has_sli_budget_and_burn_panels() -> None:
    files = generate_all(REPO / "slos")
    dashboard = json.loads(files["grafana/slo-ledger.json"])
    assert dashboard["uid"] == "slo-ledger"
    titles = [panel["title"] for panel in dashboard["panels"]]
    assert titles[1].startswith("SLI: ") and titles[2].startswith("Error budget remaining")
    assert titles[3].startswith("Burn rates")
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    assert 'slo:error_budget_remaining:ratio{slo="ledger-freshness"}' in exprs
    assert 'slo:sli_error:ratio_rate1h{slo="ledger-freshness"} / 0.01' in exprs


def test_cli_writes_every_file_and_reports_bad_specs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--out", str(tmp_path / "out")]) == 0
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == sorted(generate_all(REPO / "slos"))

    monkeypatch.chdir(tmp_path)
    Path("slos").mkdir()
    bad = copy.deepcopy(BASE)
    bad["spec"]["tier"] = "gold"
    Path("slos/ingest.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    assert main(["--out", "out2", "--slo-dir", "slos"]) == 2
    assert capsys.readouterr().err == (
        "error: slos/ingest.yaml: spec.tier: must be one of tier0, tier1, records, got 'gold'\n"
    )
