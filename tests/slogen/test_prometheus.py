"""The Prometheus rules: every window recorded with its labels; severity by tier and runbook links on alerts."""

from __future__ import annotations

from slogen.prometheus import alerting_rules, recording_rules

from .specs import SLOS


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
        "model-drift-resolution": "sev2",
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
