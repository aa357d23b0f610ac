"""The load-test harness: peak-filing-season traffic with Locust, judged by thresholds read from `slos/`.

- `thresholds`: what each request SLO demands of a load test (error ratio within the budget, p99 latency);
- `profiles`: the peak-filing-season shape per jurisdiction (deadline-day ramp, upload-heavy, filing bursts);
- `locustfile`: the users and the shape, for `locust -f load/locustfile.py` against any host;
- `run`: runs the harness headless for a profile and writes the verdict (exit 0 pass, 1 fail, 2 bad input).
"""
