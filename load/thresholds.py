"""Load-test thresholds from the SLO specs: the same definition of "healthy" as the alerts and the rollbacks.

A request SLO (ratio or latency indicator of an HTTP service the harness drives) becomes one threshold on the
requests of that service: the error ratio may not exceed the SLO's error budget, and for a latency SLO the
share of requests slower than its threshold may not exceed the budget (the p99 under 500 ms for a 99% objective).
A timeslice SLO (replication lag) is not a property of requests and yields no threshold.

Usage::

    from load.thresholds import evaluate, thresholds_from_slos

    thresholds = thresholds_from_slos(Path("slos"))
    verdicts = evaluate(thresholds, {"filing": RequestStats(requests=1000, failures=0, slow={0.5: 3})})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from slogen.spec import LatencyIndicator, RatioIndicator, SloSpec, load_slo_dir

SERVICES = ("api", "ingestion", "filing", "extraction")
"""The HTTP services the harness drives (the locustfile names every request after its service)."""


@dataclass(frozen=True)
class Threshold:
    """What one SLO demands of one service's requests during a load test."""

    slo: str
    service: str
    max_error_ratio: float
    """Failed (or, for a latency SLO, slower than `latency_seconds`) requests over all, at most this."""
    latency_seconds: float | None = None
    """For a latency SLO: the threshold a good request is under."""

    def describe(self) -> str:
        if self.latency_seconds is not None:
            return (
                f"at most {self.max_error_ratio:.4%} of {self.service} requests slower than {self.latency_seconds:g} s"
            )
        return f"at most {self.max_error_ratio:.4%} of {self.service} requests failing"


@dataclass(frozen=True)
class RequestStats:
    """What a load test observed of one service's requests."""

    requests: int
    failures: int
    slower_than: Mapping[float, int] = field(default_factory=dict)
    """Threshold (seconds) -> how many requests took longer."""


@dataclass(frozen=True)
class Verdict:
    threshold: Threshold
    observed_ratio: float | None
    """None when the service received no request (no evidence: a fail)."""
    passed: bool

    def describe(self) -> str:
        seen = "no requests" if self.observed_ratio is None else f"observed {self.observed_ratio:.4%}"
        return f"{'PASS' if self.passed else 'FAIL'} {self.threshold.slo}: {self.threshold.describe()}; {seen}"


def threshold_for(slo: SloSpec) -> Threshold | None:
    if slo.service not in SERVICES:
        return None
    budget = round(slo.error_budget, 10)
    if isinstance(slo.indicator, LatencyIndicator):
        return Threshold(slo.name, slo.service, budget, slo.indicator.threshold)
    if isinstance(slo.indicator, RatioIndicator):
        return Threshold(slo.name, slo.service, budget)
    return None


def thresholds_from_slos(slo_dir: Path) -> list[Threshold]:
    """One threshold per request SLO of `slo_dir` (raises SloSpecError on a bad spec)."""
    return [threshold for slo in load_slo_dir(slo_dir) if (threshold := threshold_for(slo)) is not None]


def evaluate(thresholds: list[Threshold], observed: Mapping[str, RequestStats]) -> list[Verdict]:
    """Each threshold judged on its service's requests; a service with no requests fails (absent evidence)."""
    verdicts = []
    for threshold in thresholds:
        stats = observed.get(threshold.service)
        if stats is None or stats.requests == 0:
            verdicts.append(Verdict(threshold, None, False))
            continue
        if threshold.latency_seconds is not None:
            bad = stats.failures + stats.slower_than.get(threshold.latency_seconds, 0)
        else:
            bad = stats.failures
        ratio = bad / stats.requests
        verdicts.append(Verdict(threshold, ratio, ratio <= threshold.max_error_ratio))
    return verdicts
