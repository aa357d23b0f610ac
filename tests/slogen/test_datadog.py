"""Datadog SLOs and monitors: the same factors as Prometheus, and only windows Datadog can hold."""

from __future__ import annotations

import pytest

from slogen.datadog import datadog_monitors, datadog_slo
from slogen.spec import SloSpecError

from .specs import SLOS, with_window


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
    with pytest.raises(SloSpecError) as caught:
        datadog_slo(with_window("28d"))
    assert str(caught.value) == (
        "slos/ingest-28d.yaml: spec.timeWindow[0].duration: Datadog SLOs support 7d, 30d or 90d, got '28d'"
    )
