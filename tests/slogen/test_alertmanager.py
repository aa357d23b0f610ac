"""amtool proves the Alertmanager config: it is valid, and every severity reaches its receiver."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from domain.residency import CODES
from slogen.alertmanager import RECEIVER_BUSINESS_HOURS, RECEIVER_PAGE, RECEIVER_TICKET

from .conftest import run_tool

EXPECTED_RECEIVER = {"sev1": RECEIVER_PAGE, "sev2": RECEIVER_BUSINESS_HOURS, "sev3": RECEIVER_TICKET}


def _config(generated_dir: Path) -> Path:
    return generated_dir / "alertmanager" / "alertmanager.yml"


def test_config_passes_amtool_check(generated_dir: Path, amtool: str) -> None:
    result = run_tool([amtool, "check-config", str(_config(generated_dir))])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("severity", ["sev1", "sev2", "sev3"])
def test_each_severity_reaches_its_receiver(generated_dir: Path, amtool: str, severity: str) -> None:
    expected = EXPECTED_RECEIVER[severity]
    result = run_tool(
        [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={_config(generated_dir)}",
            f"--verify.receivers={expected}",
            f"severity={severity}",
            "slo=ingestion-availability",
            "service=ingestion",
            "alertname=IngestionAvailabilityErrorBudgetBurnPage",
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == expected


def test_business_hours_pages_in_every_jurisdiction_and_unknown_severity_is_not_lost(
    generated_dir: Path, amtool: str
) -> None:
    for code in CODES:
        result = run_tool(
            [
                amtool,
                "config",
                "routes",
                "test",
                f"--config.file={_config(generated_dir)}",
                "severity=sev2",
                f"jurisdiction={code}",
            ]
        )
        assert result.stdout.strip() == RECEIVER_BUSINESS_HOURS, code
    result = run_tool([amtool, "config", "routes", "test", f"--config.file={_config(generated_dir)}", "severity=sev9"])
    assert result.stdout.strip() == RECEIVER_TICKET


def test_every_generated_alert_routes_by_its_severity(generated_dir: Path, amtool: str) -> None:
    for rule_file in sorted((generated_dir / "prometheus").glob("*.rules.yml")):
        for group in yaml.safe_load(rule_file.read_text())["groups"]:
            for rule in (r for r in group["rules"] if "alert" in r):
                labels = [f"{key}={value}" for key, value in sorted(rule["labels"].items())]
                result = run_tool(
                    [
                        amtool,
                        "config",
                        "routes",
                        "test",
                        f"--config.file={_config(generated_dir)}",
                        f"alertname={rule['alert']}",
                        *labels,
                    ]
                )
                assert result.stdout.strip() == EXPECTED_RECEIVER[rule["labels"]["severity"]], rule["alert"]


def test_routing_details_grouping_inhibition_business_hours_and_no_literal_keys(generated_dir: Path) -> None:
    config = yaml.safe_load(_config(generated_dir).read_text())
    route = config["route"]
    assert route["group_by"] == ["alertname", "slo", "service"]
    page, business, ticket = route["routes"]
    assert page["matchers"] == ['severity="sev1"'] and page["group_wait"] == "10s" and page["repeat_interval"] == "30m"
    assert business["active_time_intervals"] == ["business-hours-uk"]
    assert {child["active_time_intervals"][0] for child in business["routes"]} == {
        f"business-hours-{code.lower()}" for code in CODES
    }
    assert {interval["name"] for interval in config["time_intervals"]} == {f"business-hours-{c.lower()}" for c in CODES}
    assert ticket["matchers"] == ['severity="sev3"']
    assert {
        "source_matchers": ['severity="sev1"'],
        "target_matchers": ['severity="sev3"'],
        "equal": ["slo", "service"],
    } in (config["inhibit_rules"])
    for receiver in config["receivers"]:
        for pagerduty in receiver.get("pagerduty_configs", []):
            assert pagerduty["routing_key_file"].startswith("/etc/alertmanager/secrets/")
            assert "routing_key" not in pagerduty and "service_key" not in pagerduty
        for webhook in receiver.get("webhook_configs", []):
            assert set(webhook["http_config"]["authorization"]) == {"credentials_file"}
