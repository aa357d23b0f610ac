"""The SLI counters the collector publishes to CloudWatch: one total and one bad counter per SLO, per minute,
from the selectors the burn-rate rules read; proved with promtool on series whose increase is known."""

from __future__ import annotations

from pathlib import Path

import yaml

from slogen.cloudwatch import BAD_RECORD, TOTAL_RECORD, counter_exprs, counter_rule_file
from tests.slogen.conftest import require_tool, run_tool
from tests.slogen.specs import SLOS


def test_one_group_per_slo_with_both_counters_labelled_by_slo_and_service():
    rule_file = counter_rule_file(list(SLOS.values()))
    assert [group["name"] for group in rule_file["groups"]] == [
        "sli-counters-api-latency",
        "sli-counters-extraction-availability",
        "sli-counters-filing-success",
        "sli-counters-ingestion-availability",
        "sli-counters-ledger-freshness",
        "sli-counters-model-drift-resolution",
    ]
    for group in rule_file["groups"]:
        assert [rule["record"] for rule in group["rules"]] == [TOTAL_RECORD, BAD_RECORD]
        slo = SLOS[group["name"].removeprefix("sli-counters-")]
        assert all(rule["labels"] == {"slo": slo.name, "service": slo.service} for rule in group["rules"])


def test_each_indicator_kind_counts_its_bad_events():
    assert counter_exprs(SLOS["ingestion-availability"]) == (
        'sum(increase(http_requests_total{service="ingestion",handler="/v1/documents"}[1m]))',
        'sum(increase(http_requests_total{service="ingestion",handler="/v1/documents",code=~"5.."}[1m])) or vector(0)',
    )
    assert counter_exprs(SLOS["api-latency"])[1] == (
        'sum(increase(http_request_duration_seconds_count{service="api"}[1m])) - '
        '(sum(increase(http_request_duration_seconds_bucket{service="api",le="0.5"}[1m])) or vector(0))'
    )
    assert counter_exprs(SLOS["ledger-freshness"]) == (
        "vector(1)",
        'sum(slo:sli_error:timeslice1m{slo="ledger-freshness"})',
    )


def test_the_counters_pass_promtool_and_count_a_known_minute(tmp_path: Path):
    promtool = require_tool("promtool")
    rules = tmp_path / "counters.yaml"
    rules.write_text(yaml.safe_dump(counter_rule_file([SLOS["ingestion-availability"]]), sort_keys=False))
    checked = run_tool([promtool, "check", "rules", str(rules)])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    labels = 'service="ingestion",handler="/v1/documents"'
    suite = {
        "rule_files": [rules.name],
        "evaluation_interval": "15s",
        "tests": [
            {
                "interval": "15s",
                "input_series": [
                    # 48 good and 12 failed requests a minute
                    {"series": f'http_requests_total{{{labels},code="200"}}', "values": "0+12x40"},
                    {"series": f'http_requests_total{{{labels},code="503"}}', "values": "0+3x40"},
                ],
                "promql_expr_test": [
                    {
                        "expr": TOTAL_RECORD,
                        "eval_time": "5m",
                        "exp_samples": [
                            {
                                "labels": f'{TOTAL_RECORD}{{slo="ingestion-availability",service="ingestion"}}',
                                "value": 60,
                            }
                        ],
                    },
                    {
                        "expr": BAD_RECORD,
                        "eval_time": "5m",
                        "exp_samples": [
                            {
                                "labels": f'{BAD_RECORD}{{slo="ingestion-availability",service="ingestion"}}',
                                "value": 12,
                            }
                        ],
                    },
                ],
            }
        ],
    }
    tests = tmp_path / "counters_test.yaml"
    tests.write_text(yaml.safe_dump(suite, sort_keys=False))
    result = run_tool([promtool, "test", "rules", tests.name], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
