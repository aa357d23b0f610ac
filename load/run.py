"""Run the peak-filing-season load test headless and judge it by the SLO thresholds.

    python -m load.run --host http://127.0.0.1:8080 --jurisdiction UK [--time-scale 1.0] [--user-scale 1.0]
                       [--slos slos] [--out load-result.json | --out -]

Exit 0 when every threshold holds, 1 when one fails (or a service got no request), 2 for bad input (one line on
stderr). The result file (JSON) lists each threshold, what was observed and the verdict, for the release gate.
`--out -` prints the result as one compact JSON line, the last line of the output (after the verdicts), so the
in-cluster Job's result is read from its log (`kubectl logs job/NAME | tail -n 1`).
Locust runs in this process (it patches the standard library with gevent), never inside the caller's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULT_FORMAT = "trustfabric.load/result/v1"
"""The result's format, as the release gate reads it (`trustfabric release gate --load`)."""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m load.run", description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True, help="base URL of the service under test")
    parser.add_argument("--jurisdiction", default="UK")
    parser.add_argument("--time-scale", type=float, default=1.0, help="1.0: the 50-minute deadline-day shape")
    parser.add_argument("--user-scale", type=float, default=1.0, help="1.0: the jurisdiction's peak users")
    parser.add_argument("--slos", type=Path, default=REPO_ROOT / "slos", help="directory of SLO specs")
    parser.add_argument(
        "--out", default="load-result.json", help="result file; '-': one JSON line on stdout, the last line printed"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    from domain.errors import InputError
    from load.profiles import ProfileError, peak_filing_season
    from load.thresholds import RequestStats, evaluate, thresholds_from_slos

    try:
        thresholds = thresholds_from_slos(args.slos)
        profile = peak_filing_season(args.jurisdiction, args.time_scale, args.user_scale)
    except (InputError, ProfileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.environ["TRUSTFABRIC_LOAD_JURISDICTION"] = args.jurisdiction
    os.environ["TRUSTFABRIC_LOAD_TIME_SCALE"] = str(args.time_scale)
    os.environ["TRUSTFABRIC_LOAD_USER_SCALE"] = str(args.user_scale)

    import gevent
    from locust.env import Environment

    from load.locustfile import FilingSeasonUser, PeakFilingSeason

    latencies = sorted({t.latency_seconds for t in thresholds if t.latency_seconds is not None})
    requests: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    slower: Counter[tuple[str, float]] = Counter()

    def on_request(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
        requests[name] += 1
        if exception is not None:
            failures[name] += 1
        for seconds in latencies:
            if response_time > seconds * 1000:
                slower[(name, seconds)] += 1

    environment = Environment(user_classes=[FilingSeasonUser], shape_class=PeakFilingSeason(), host=args.host)
    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    runner.start_shape()
    gevent.sleep(0)
    runner.shape_greenlet.join(timeout=profile.seconds + 30)
    runner.quit()

    observed = {
        name: RequestStats(
            requests=requests[name],
            failures=failures[name],
            slower_than={seconds: slower[(name, seconds)] for seconds in latencies},
        )
        for name in requests
    }
    verdicts = evaluate(thresholds, observed)
    passed = all(verdict.passed for verdict in verdicts)
    result = {
        "format": RESULT_FORMAT,
        "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "profile": {"jurisdiction": profile.jurisdiction, "deadline": profile.deadline, "seconds": profile.seconds},
        "host": args.host,
        "passed": passed,
        "verdicts": [
            {
                "slo": verdict.threshold.slo,
                "service": verdict.threshold.service,
                "threshold": verdict.threshold.describe(),
                "max_error_ratio": verdict.threshold.max_error_ratio,
                "observed_ratio": verdict.observed_ratio,
                "requests": observed[verdict.threshold.service].requests
                if verdict.threshold.service in observed
                else 0,
                "passed": verdict.passed,
            }
            for verdict in verdicts
        ],
    }
    if args.out != "-":
        Path(args.out).write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for verdict in verdicts:
        print(verdict.describe())
    if args.out == "-":
        print(json.dumps(result, sort_keys=True, separators=(",", ":")), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
