"""Load-test thresholds come from the SLO specs; the peak-filing-season profile has its shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from load.profiles import ProfileError, peak_filing_season
from load.thresholds import RequestStats, Threshold, evaluate, thresholds_from_slos

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_request_slo_becomes_a_threshold():
    thresholds = {threshold.slo: threshold for threshold in thresholds_from_slos(REPO_ROOT / "slos")}
    assert thresholds == {
        "api-latency": Threshold("api-latency", "api", 0.01, 0.5),
        "extraction-availability": Threshold("extraction-availability", "extraction", 0.005),
        "filing-success": Threshold("filing-success", "filing", 0.001),
        "ingestion-availability": Threshold("ingestion-availability", "ingestion", 0.001),
    }


def test_thresholds_judge_both_ways():
    availability = Threshold("filing-success", "filing", 0.001)
    latency = Threshold("api-latency", "api", 0.01, 0.5)
    verdicts = evaluate(
        [availability, latency],
        {
            "filing": RequestStats(requests=1000, failures=1),
            "api": RequestStats(requests=100, failures=0, slower_than={0.5: 2}),
        },
    )
    assert [(v.passed, v.observed_ratio) for v in verdicts] == [(True, 0.001), (False, 0.02)]
    assert verdicts[1].describe() == (
        "FAIL api-latency: at most 1.0000% of api requests slower than 0.5 s; observed 2.0000%"
    )


def test_a_service_without_requests_fails():
    [verdict] = evaluate([Threshold("filing-success", "filing", 0.001)], {})
    assert (verdict.passed, verdict.observed_ratio) == (False, None)


def test_the_deadline_day_ramps_to_a_burst_above_the_peak():
    profile = peak_filing_season("UK")
    assert [stage.users for stage in profile.stages] == [80, 200, 280, 400, 520, 160]
    assert profile.seconds == 50 * 60
    assert profile.weights["ingestion"] > profile.weights["filing"] > profile.weights["api"]
    assert peak_filing_season("US", time_scale=0.01).seconds == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("FR",), "jurisdiction: 'FR' is unknown; allowed: UK, EU, US, CA"),
        (("UK", 0), "time scale: 0 is out of range; allowed: above 0, at most 10"),
        (("UK", 1.0, 50), "user scale: 50 is out of range; allowed: above 0, at most 10"),
    ],
)
def test_bad_profiles_are_refused(arguments, message):
    with pytest.raises(ProfileError) as error:
        peak_filing_season(*arguments)
    assert str(error.value) == message
