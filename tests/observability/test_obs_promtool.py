"""promtool proves the rules: they parse, and each SLO's generated suite (fast burn pages within 2 minutes, an
outage pages within its detection time, slow burns ticket without paging, normal traffic is silent, recovery
resolves) passes. Mutation checks show the suites fail when the alerting is wrong."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.observability import rules
from components.observability.rules import BurnRateWindow, prometheus_rule_file, promtool_tests
from components.observability.slo_spec import SloSpec, load_slo_dir, parse_slo

from .conftest import run_tool

REPO = Path(__file__).resolve().parents[2]
SLOS = {slo.name: slo for slo in load_slo_dir(REPO / "slos")}


def test_every_rule_file_passes_promtool_check(generated_dir: Path, promtool: str) -> None:
    files = sorted((generated_dir / "prometheus").glob("*.rules.yml"))
    assert len(files) == len(SLOS)
    result = run_tool([promtool, "check", "rules", *map(str, files)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(SLOS)


def test_every_generated_suite_passes_promtool_test(generated_dir: Path, promtool: str) -> None:
    suites = sorted((generated_dir / "prometheus").glob("*.test.yml"))
    assert [suite.name for suite in suites] == [f"slo-{name}.test.yml" for name in sorted(SLOS)]
    with ThreadPoolExecutor(max_workers=len(suites)) as pool:
        results = list(pool.map(lambda s: run_tool([promtool, "test", "rules", s.name], cwd=s.parent), suites))
    failures = [r.stdout + r.stderr for r in results if r.returncode != 0]
    assert not failures, "\n".join(failures)


def test_suites_cover_the_required_scenarios(generated_dir: Path) -> None:
    for name, slo in SLOS.items():
        suite = yaml.safe_load((generated_dir / "prometheus" / f"slo-{name}.test.yml").read_text())
        tests = {test["name"].split(": ", 1)[1]: test for test in suite["tests"]}
        fast = tests["a full outage (100% errors from t0) pages within 2 minutes"]["alert_rule_test"]
        assert [(c["eval_time"], len(c["exp_alerts"])) for c in fast] == [("2m", 1), ("2m", 0)]
        assert fast[0]["exp_alerts"][0]["exp_labels"]["severity"] == rules.severity(slo, "page")
        slow = next(t for title, t in tests.items() if title.startswith("a slow burn"))["alert_rule_test"]
        assert {(c["alertname"].endswith("Page"), len(c["exp_alerts"])) for c in slow} == {
            (True, 0),
            (False, 1),
        }
        normal = next(t for title, t in tests.items() if title.startswith("a normal error rate"))
        assert all(check["exp_alerts"] == [] for check in normal["alert_rule_test"])
        recovery = next(t for title, t in tests.items() if title.startswith("recovery"))["alert_rule_test"]
        assert [len(c["exp_alerts"]) for c in recovery[-2:]] == [0, 0]


def _run_suite(tmp_path: Path, promtool: str, slo: SloSpec, rule_file: dict[str, Any]) -> str:
    suite = promtool_tests(slo, "rules.yml")
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rule_file, sort_keys=False), encoding="utf-8")
    (tmp_path / "test.yml").write_text(yaml.safe_dump(suite, sort_keys=False), encoding="utf-8")
    result = run_tool([promtool, "test", "rules", "test.yml"], cwd=tmp_path)
    return ("PASS" if result.returncode == 0 else "FAIL") + "\n" + result.stdout + result.stderr


def test_a_slow_page_hold_breaks_the_two_minute_proof(
    tmp_path: Path, promtool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slo = SLOS["ingestion-availability"]
    suite = promtool_tests(slo, "rules.yml")
    monkeypatch.setattr(rules, "PAGE_FOR", "3m")
    broken = prometheus_rule_file(slo)
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    (tmp_path / "test.yml").write_text(yaml.safe_dump(suite, sort_keys=False), encoding="utf-8")
    result = run_tool([promtool, "test", "rules", "test.yml"], cwd=tmp_path)
    assert result.returncode != 0
    assert "pages within 2 minutes" in result.stdout + result.stderr


def test_a_too_eager_page_breaks_the_slow_burn_proof(
    tmp_path: Path, promtool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slo = SLOS["filing-success"]
    suite = promtool_tests(slo, "rules.yml")
    eager = (
        BurnRateWindow("page", "1h", "5m", 14.4),
        BurnRateWindow("page", "6h", "30m", 2.0),
        *rules.BURN_RATE_WINDOWS[2:],
    )
    monkeypatch.setattr(rules, "BURN_RATE_WINDOWS", eager)
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(prometheus_rule_file(slo), sort_keys=False), encoding="utf-8")
    (tmp_path / "test.yml").write_text(yaml.safe_dump(suite, sort_keys=False), encoding="utf-8")
    result = run_tool([promtool, "test", "rules", "test.yml"], cwd=tmp_path)
    assert result.returncode != 0
    assert "tickets and does not page" in result.stdout + result.stderr


@pytest.mark.parametrize("duration", ["7d", "28d"])
def test_scaled_windows_also_pass_their_suites(tmp_path: Path, promtool: str, duration: str) -> None:
    document = yaml.safe_load((REPO / "slos" / "ingestion-availability.yaml").read_text())
    document = copy.deepcopy(document)
    document["spec"]["timeWindow"][0]["duration"] = duration
    slo = parse_slo(document, f"slos/ingest-{duration}.yaml")
    output = _run_suite(tmp_path, promtool, slo, prometheus_rule_file(slo))
    assert output.startswith("PASS"), output
